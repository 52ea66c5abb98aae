"""Every public route of the demo directory, in every interface language."""

from django.conf import settings

from apps.directory.models import Region, Service

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def public_paths(language: str) -> list[str]:
    paths = [f"/{language}/", f"/{language}/find/", f"/{language}/safety/"]
    paths += [f"/{language}/r/{region.slug}/" for region in Region.objects.all()]
    paths += [f"/{language}/r/fr/?free=on&open_now=on"]
    paths += [f"/{language}/s/{pk}/" for pk in Service.objects.values_list("pk", flat=True)]
    paths += [f"/{language}/join/", f"/{language}/join/sent/"]
    paths += [f"/{language}/s/999999/", f"/{language}/r/zz/"]
    # The box partners frame (issue #22), outside the language prefix.
    paths += [f"/embed/help/?country=fr&lang={language}"]
    return paths


def crawler_paths() -> list[str]:
    """What search engines read besides pages: robots.txt and every sitemap (issue #22)."""
    paths = ["/robots.txt", "/sitemap.xml"]
    paths += [f"/sitemap-{language}-1.xml" for language in LANGUAGE_CODES]
    return paths
