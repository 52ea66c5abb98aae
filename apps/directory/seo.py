"""Being found by search engines (issue #22, item 1): robots.txt, sitemaps with
``hreflang`` alternates, the alternates in page heads, and schema.org JSON-LD for a
service, built from public fields only.

Addresses are absolute, on ``settings.BASE_URL`` (the public address), never on the
request's Host: a sitemap kept in the page cache must not carry whichever host name a
request happened to use.

What may be indexed: the home page, region pages and service pages, each without a query
string (a filtered list, a referral list in ``?ids=`` or a page number is another view of
the same page). Everything else keeps ``noindex`` (templates/base.html), and robots.txt
keeps crawlers out of the staff area, search, result addresses, lists, notes and the exit.
"""

import json
from collections import defaultdict
from functools import lru_cache

import pycountry
from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import _json_script_escapes, escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from apps.core.i18n import translated_text
from apps.core.pagecache import public_page

from .models import Channel, Region, Service, Taxonomy

# Far below the protocol's 50 000 addresses and 50 MB: every address carries 13 alternates.
SITEMAP_PAGE_SIZE = 2000
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
# Under each language prefix: never worth a crawler's visit, or private by nature.
DISALLOWED = ("staff/", "find/", "list/", "exit/", "s/*/note/", "embed/")
# The HSDS API and the embeddable box are for programs and partners, not for an index.
DISALLOWED_ROOT = ("/api/", "/embed/")
SCHEMA_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def absolute(path: str) -> str:
    return f"{settings.BASE_URL}{path}"


def without_language(path: str) -> str:
    """ "/ar/s/12/" -> "/s/12/": public paths use the same words in every language."""
    return "/" + path.lstrip("/").partition("/")[2]


def alternates(bare: str) -> list[tuple[str, str]]:
    """(hreflang, absolute address) of a public page, given by its path without a
    language, in every interface language, and ``x-default``: the address without a
    language, where the site picks the visitor's language from the browser's preferences
    (LocaleMiddleware's redirect)."""
    links = [(code, absolute(f"/{code}{bare}")) for code in LANGUAGE_CODES]
    return [*links, ("x-default", absolute(bare))]


# --- robots.txt ------------------------------------------------------------------------
@require_safe
def robots_txt(request):
    lines = ["User-agent: *"]
    lines += [f"Disallow: {path}" for path in DISALLOWED_ROOT]
    for code in LANGUAGE_CODES:
        lines += [f"Disallow: /{code}/{path}" for path in DISALLOWED]
    # Last: crawlers that take the first matching rule (not the longest) read it right too.
    lines += ["Allow: /", "", f"Sitemap: {absolute(reverse('sitemap-index'))}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


# --- sitemaps --------------------------------------------------------------------------
class Addresses:
    """Every page worth indexing, as paths without a language, in a fixed order: the home
    page, every region, every published service. A slice reads only the services it
    needs, so one sitemap of 2 000 addresses does not read all 100 000 (Paginator asks
    for ``count()`` and a slice)."""

    def __init__(self):
        with translation.override("en"):
            codes = Region.objects.order_by("code").values_list("code", flat=True)
            self.fixed = [without_language(reverse("home"))] + [
                without_language(reverse("region", args=[code.lower()])) for code in codes
            ]
        self.services = Service.objects.published().order_by("pk").values_list("pk", flat=True)

    def count(self) -> int:
        return len(self.fixed) + self.services.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, part: slice) -> list[str]:
        start, stop, known = part.start or 0, part.stop, len(self.fixed)
        pks = self.services[max(start - known, 0) : max(stop - known, 0)]
        with translation.override("en"):
            services = [without_language(reverse("service", args=[pk])) for pk in pks]
        return self.fixed[start:stop] + services


def _pages() -> Paginator:
    return Paginator(Addresses(), SITEMAP_PAGE_SIZE, allow_empty_first_page=True)


SITEMAP_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
    'xmlns:xhtml="http://www.w3.org/1999/xhtml">'
)


def _xml(template: str, context: dict) -> HttpResponse:
    return HttpResponse(render_to_string(template, context), content_type="application/xml")


@require_safe
@public_page
def sitemap_index(request):
    """One sitemap per language (and per 2 000 addresses), each address with its
    alternates in every language."""
    pages = _pages().page_range
    sitemaps = [
        absolute(reverse("sitemap-language", args=[code, number]))
        for code in LANGUAGE_CODES
        for number in pages
    ]
    return _xml("directory/sitemap_index.xml", {"sitemaps": sitemaps})


@require_safe
@public_page
def sitemap_language(request, language, page):
    if language not in LANGUAGE_CODES:
        raise Http404
    paginator = _pages()
    if page < 1 or page > paginator.num_pages:
        raise Http404
    # Written out directly: 2 000 addresses with 13 alternates each are 28 000 elements,
    # which the template engine took about a second to render (docs/search-engines.md).
    lines = [SITEMAP_HEAD]
    for path in paginator.page(page).object_list:
        links = "".join(
            f'<xhtml:link rel="alternate" hreflang="{code}" href="{escape(href)}"/>'
            for code, href in alternates(path)
        )
        lines.append(f"<url><loc>{escape(absolute(f'/{language}{path}'))}</loc>{links}</url>")
    lines.append("</urlset>\n")
    return HttpResponse("\n".join(lines), content_type="application/xml")


# --- schema.org JSON-LD ------------------------------------------------------------------
def _text(obj, field) -> str:
    return str(translated_text(obj, field))


def _hours(channel) -> list[dict]:
    if channel.is_24_7:
        return [
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": [f"https://schema.org/{day}" for day in SCHEMA_DAYS],
                "opens": "00:00",
                "closes": "23:59",
            }
        ]
    # Days with the same interval share one specification, as on a door sign.
    days = defaultdict(list)
    for day, intervals in channel.weekly_hours():
        for opens, closes in intervals:
            days[(opens.strftime("%H:%M"), closes.strftime("%H:%M"))].append(day)
    return [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": [f"https://schema.org/{SCHEMA_DAYS[day]}" for day in sorted(on)],
            "opens": opens,
            "closes": closes,
        }
        for (opens, closes), on in days.items()
    ]


@lru_cache(maxsize=1024)
def bcp47(code: str) -> str:
    """A language's BCP 47 tag (what schema.org asks for): ISO 639-1 where it has one."""
    record = pycountry.languages.get(alpha_3=code)
    return getattr(record, "alpha_2", None) or code


def _languages(channel, service_languages) -> list[str]:
    return [bcp47(language.code) for language in channel.languages.all()] or service_languages


def _contact_point(channel, service_languages) -> dict:
    languages = _languages(channel, service_languages)
    point = {
        "@type": "ContactPoint",
        "contactType": _text(channel, "label") or str(channel.get_kind_display()),
        "telephone": str(channel.number),
    }
    if languages:
        point["availableLanguage"] = languages
    # Unknown hours (is_24_7 None and no periods) are left out rather than guessed.
    hours = _hours(channel)
    if hours:
        point["hoursAvailable"] = hours
    return point


def _channel(channel, service_languages) -> dict | None:
    """A contact channel as a schema.org ServiceChannel; email and walk-in have no fitting
    property there and are left out (walk-in would need a place)."""
    entry = {"@type": "ServiceChannel", "name": str(channel.get_kind_display())}
    if channel.kind == Channel.Kind.SMS and channel.number:
        entry["serviceSmsNumber"] = _contact_point(channel, service_languages)
    elif channel.kind in Channel.NUMBER_KINDS and channel.number:
        entry["servicePhone"] = _contact_point(channel, service_languages)
    elif channel.kind in Channel.URL_KINDS and channel.url:
        entry["serviceUrl"] = channel.url
    else:
        return None
    languages = _languages(channel, service_languages)
    if languages:
        entry["availableLanguage"] = languages
    return entry


def _place(view: dict) -> dict:
    """A public address only: ``public_view`` gives no address for a confidential place."""
    return {
        "@type": "Place",
        "name": str(view["name"]),
        "address": {
            "@type": "PostalAddress",
            "streetAddress": str(view["address_1"]),
            "addressLocality": str(view["city"]),
            "postalCode": view["postal_code"],
            # Region codes start with their country's (FR, FR-ARA, fr-ara-lyon): no query.
            "addressCountry": view["region"].code.split("-")[0].upper(),
        },
    }


def service_data(service: Service, locations: list[dict]) -> dict:
    """The service as schema.org Service, run by an Organization, reached through
    ServiceChannels whose ContactPoints give hours and languages. Public fields only: the
    service as the page shows it, and locations through ``Location.public_view``."""
    organization = service.organization
    provider = {"@type": "Organization", "name": _text(organization, "name")}
    if organization.website:
        provider["url"] = organization.website
    path = reverse("service", args=[service.pk])
    data = {
        "@context": "https://schema.org",
        "@type": "Service",
        "name": _text(service, "name"),
        "url": absolute(path),
        "provider": provider,
    }
    description = _text(service, "description")
    if description:
        data["description"] = description
    kinds = [_text(term, "name") for term in service.terms_of(Taxonomy.SERVICE_TYPE)]
    if kinds:
        data["serviceType"] = kinds
    areas = [
        {"@type": "AdministrativeArea", "name": area.region.display_name}
        for area in service.areas.all()
        if area.region_id
    ]
    if areas:
        data["areaServed"] = areas
    service_languages = [bcp47(language.code) for language in service.languages.all()]
    channels = [_channel(channel, service_languages) for channel in service.channels.all()]
    # A public address is where one can walk in; a confidential place gives none.
    channels += [
        {"@type": "ServiceChannel", "serviceLocation": _place(view)}
        for view in locations
        if "address_1" in view
    ]
    if any(channels):
        data["availableChannel"] = [channel for channel in channels if channel]
    return data


def json_ld(data: dict):
    """``<script type="application/ld+json">``: data, never run, so the CSP's script-src
    does not apply to it; escaped as Django's json_script escapes, so no value can close
    the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.translate(_json_script_escapes)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308
