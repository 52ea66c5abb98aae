"""The embeddable "get help now" box (issue #22, item 2; docs/embed.md).

``/embed/help/?country=FR&lang=ar&kinds=hotline,legal``: a country's verified help-now
lines of those kinds of help, in that language, and always its emergency numbers. A
partner's page frames it. It sets no cookie, needs no script, and its exit control leaves
the partner's whole page (``target="_top"``); with scripts, the keyboard exit works as on
every page (apps/core/static_site/core/exit.js).

Only the origins in ``WAYMARK_EMBED_ALLOWED_ORIGINS`` may frame it: they replace
``frame-ancestors 'none'`` in this page's CSP, and X-Frame-Options (which cannot name an
origin) is left off it. With no origin set, this page is as unframable as every other.

Bad input (a country that is not an ISO 3166-1 code, an unknown kind of help or
language) gets a translated message and a 400; nothing is stored either way.
"""

from functools import wraps

import pycountry
from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_safe

from apps.core.i18n import country_name, neutral_url
from apps.core.pagecache import public_page

from .emergency import emergency_numbers
from .models import Region, Service, Taxonomy, TaxonomyTerm
from .priority import help_now_lines
from .views import HELP_NOW_LINES

LANGUAGE_CODES = {code.lower(): code for code, _name in settings.LANGUAGES}
MAX_KINDS = 20


def framable(view):
    """This page alone may be framed, by the deployment's allowed origins only. Applied
    outside the page cache, so a kept page gets the policy of now."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        origins = settings.WAYMARK_EMBED_ALLOWED_ORIGINS
        if origins:
            response._csp_replace = {"frame-ancestors": list(origins)}
            response.xframe_options_exempt = True
        return response

    return wrapper


def _country(value: str) -> str | None:
    value = value.strip()
    if len(value) != 2 or not value.isascii() or not value.isalpha():
        return None
    record = pycountry.countries.get(alpha_2=value.upper())
    return record.alpha_2 if record else None


def _kinds(values: list[str]) -> list[str] | None:
    """Service-type codes from ``kinds=a,b`` (or ``kinds=a&kinds=b``); None if any is
    unknown."""
    kinds = sorted({kind.strip().lower() for value in values for kind in value.split(",")} - {""})
    if len(kinds) > MAX_KINDS:
        return None
    known = set(
        TaxonomyTerm.objects.of(Taxonomy.SERVICE_TYPE)
        .filter(code__in=kinds)
        .values_list("code", flat=True)
    )
    return kinds if known == set(kinds) else None


@framable
@require_safe
@public_page
def help_box(request):
    language = request.GET.get("lang", "")
    language = LANGUAGE_CODES.get(language.strip().lower()) if language else request.LANGUAGE_CODE
    country = _country(request.GET.get("country", ""))
    kinds = _kinds(request.GET.getlist("kinds"))
    if language is None or country is None or kinds is None:
        # The message is in the language asked for when that one is known.
        with translation.override(language or request.LANGUAGE_CODE):
            return render(request, "directory/embed_help.html", _context(), status=400)
    with translation.override(language):
        region = Region.objects.countries().filter(code__iexact=country).first()
        lines = []
        if region is not None:
            services = Service.objects.published().serving(region)
            if kinds:
                services = services.filter(
                    terms__taxonomy__slug=Taxonomy.SERVICE_TYPE, terms__code__in=kinds
                )
            lines = help_now_lines(region, services, HELP_NOW_LINES)
        context = _context(
            country=country,
            country_label=country_name(country),
            region=region,
            help_now=lines,
            kinds=kinds,
            emergency=emergency_numbers(country),
            more=reverse("region", args=[country.lower()]) if region else None,
        )
        return render(request, "directory/embed_help.html", context)


def _context(**values) -> dict:
    language = translation.get_language()
    return {
        "target": "_top",
        "exit_url": neutral_url(language),
        "safety_url": reverse("browse-safely"),
        **values,
    }
