"""What search engines read in a page's head (issue #22, item 1; apps/directory/seo.py)."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from apps.directory import seo

register = template.Library()

NOINDEX = mark_safe('<meta name="robots" content="noindex, nofollow">')  # noqa: S308 - fixed


@register.simple_tag(takes_context=True)
def search_engine_head(context):
    """For a page that may be indexed: its canonical address and its alternates in every
    language. With a query string (filters, a page number, a list in ``?ids=``) the page
    is another view of the same content, so it stays out of the index, as every other
    page does (templates/base.html); so does every page while the directory holds
    demonstration data."""
    request = context["request"]
    # Demonstration data (fictional numbers) must never be what a search finds.
    if request.GET or context.get("DEMO_DATA"):
        return NOINDEX
    canonical = seo.absolute(request.path)
    links = format_html_join(
        "\n",
        '<link rel="alternate" hreflang="{}" href="{}">',
        seo.alternates(seo.without_language(request.path)),
    )
    return format_html('<link rel="canonical" href="{}">\n{}', canonical, links)


@register.simple_tag
def service_json_ld(service, locations):
    """The service as schema.org JSON-LD, from public fields only."""
    return seo.json_ld(seo.service_data(service, locations))
