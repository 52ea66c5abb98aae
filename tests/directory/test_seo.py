"""Found by search engines (issue #22, item 1): robots.txt, sitemaps per language with
hreflang alternates, the alternates in page heads, schema.org JSON-LD on service pages."""

import re
from urllib.robotparser import RobotFileParser

import pytest
from defusedxml import ElementTree as ET
from django.conf import settings

from apps.directory.models import Channel, Region, Service
from tests.public_routes import LANGUAGE_CODES
from tests.schema_org import json_ld_blocks, problems

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
BASE = "https://help.example.org"


def jsonld(html: str) -> dict:
    found = json_ld_blocks(html)
    assert len(found) == 1, "one JSON-LD block expected"
    return found[0]


def as_real_listings():
    """The demo's listings, taken for real ones: pages with demonstration data are never
    indexed (a search must not find fictional numbers)."""
    from django.core.cache import cache

    from apps.directory.models import Organization

    Organization.objects.update(is_demo=False)
    cache.delete("waymark:demo-present")


@pytest.fixture
def base_url(settings):
    settings.BASE_URL = BASE
    return BASE


def test_robots_lets_crawlers_read_public_pages_and_keeps_them_out_of_the_rest(
    client, demo, base_url
):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert not response.cookies
    robots = RobotFileParser()
    robots.parse(response.content.decode().splitlines())
    service = Service.objects.published().first()
    for language in LANGUAGE_CODES:
        for public in (f"/{language}/", f"/{language}/r/fr/", f"/{language}/s/{service.pk}/"):
            assert robots.can_fetch("AnyBot", f"{BASE}{public}"), public
        for private in ("staff/", "find/", "find/r/AAAA/", "list/", "list/CODE/", "exit/"):
            assert not robots.can_fetch("AnyBot", f"{BASE}/{language}/{private}"), private
    assert not robots.can_fetch("AnyBot", f"{BASE}/api/hsds/services")
    assert robots.site_maps() == [f"{BASE}/sitemap.xml"]


def test_the_sitemap_index_names_one_sitemap_per_language(client, demo, base_url):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert not response.cookies
    root = ET.fromstring(response.content)
    assert root.tag == f"{SITEMAP}sitemapindex"
    locations = [node.text for node in root.iter(f"{SITEMAP}loc")]
    assert locations == [f"{BASE}/sitemap-{code}-1.xml" for code in LANGUAGE_CODES]


def sitemap_entries(client, language) -> dict[str, dict[str, str]]:
    response = client.get(f"/sitemap-{language}-1.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    entries = {}
    for url in root.findall(f"{SITEMAP}url"):
        loc = url.find(f"{SITEMAP}loc").text
        links = url.findall(f"{XHTML}link")
        assert all(link.get("rel") == "alternate" for link in links)
        entries[loc] = {link.get("hreflang"): link.get("href") for link in links}
    return entries


@pytest.mark.parametrize("language", ["en", "ar", "zh-hans"])
def test_each_language_sitemap_lists_every_region_and_published_service(
    client, demo, base_url, language
):
    draft = Service.objects.published().last()
    draft.status = "draft"
    draft.save()
    entries = sitemap_entries(client, language)
    expected = {f"{BASE}/{language}/"}
    expected |= {f"{BASE}/{language}/r/{region.slug}/" for region in Region.objects.all()}
    expected |= {
        f"{BASE}/{language}/s/{pk}/"
        for pk in Service.objects.published().values_list("pk", flat=True)
    }
    assert set(entries) == expected
    assert f"{BASE}/{language}/s/{draft.pk}/" not in entries
    for loc, alternates in entries.items():
        path = loc.removeprefix(f"{BASE}/{language}")
        assert alternates == {
            **{code: f"{BASE}/{code}{path}" for code in LANGUAGE_CODES},
            "x-default": f"{BASE}{path}",
        }


def test_the_x_default_address_sends_each_visitor_to_their_language(client, demo):
    service = Service.objects.published().first()
    response = client.get(f"/s/{service.pk}/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302 and response["Location"] == f"/fr/s/{service.pk}/"
    assert not response.cookies


def test_unknown_sitemaps_are_404(client, demo):
    assert client.get("/sitemap-xx-1.xml").status_code == 404
    assert client.get("/sitemap-en-2.xml").status_code == 404
    assert client.get("/sitemap-en-0.xml").status_code == 404


def test_public_pages_name_their_alternates_and_other_views_stay_out_of_the_index(
    client, demo, base_url
):
    as_real_listings()
    service = Service.objects.published().first()
    for path in ("/ar/", "/ar/r/fr/", f"/ar/s/{service.pk}/"):
        html = client.get(path).content.decode()
        assert 'name="robots"' not in html, path
        assert f'<link rel="canonical" href="{BASE}{path}">' in html
        links = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))
        bare = path.removeprefix("/ar")
        assert links == {
            **{code: f"{BASE}/{code}{bare}" for code in LANGUAGE_CODES},
            "x-default": f"{BASE}{bare}",
        }
    for path in (
        "/ar/r/fr/?free=on",
        f"/ar/s/{service.pk}/?ids={service.pk}",
        "/ar/find/",
        "/ar/safety/",
        "/ar/no-such-page/",
        f"/ar/s/{service.pk}/note/",
    ):
        html = client.get(path).content.decode()
        assert '<meta name="robots" content="noindex, nofollow">' in html, path
        assert 'hreflang="x-default"' not in html, path


def test_a_service_page_describes_the_service_in_schema_org_terms(client, demo, base_url):
    service = Service.objects.published().get(name="Example National Helpline")
    html = client.get(f"/fr/s/{service.pk}/").content.decode()
    data = jsonld(html)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Service"
    assert data["url"] == f"{BASE}/fr/s/{service.pk}/"
    assert data["provider"]["@type"] == "Organization"
    assert data["provider"]["name"] == service.organization.name_fr or service.organization.name
    assert "Ligne d’écoute" in data["serviceType"]  # the vocabulary, in the reader's language
    phones = [c["servicePhone"] for c in data["availableChannel"] if "servicePhone" in c]
    line = service.channels.get(kind=Channel.Kind.VOICE)
    point = next(p for p in phones if p["telephone"] == str(line.number))
    assert point["@type"] == "ContactPoint"
    # Open day and night: one specification for every day of the week.
    assert line.is_24_7
    assert point["hoursAvailable"] == [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": [
                f"https://schema.org/{day}"
                for day in (
                    "Monday",
                    "Tuesday",
                    "Wednesday",
                    "Thursday",
                    "Friday",
                    "Saturday",
                    "Sunday",
                )
            ],
            "opens": "00:00",
            "closes": "23:59",
        }
    ]
    # Languages as BCP 47 tags (ISO 639-1 where there is one), not ISO 639-3.
    spoken = {language.code for language in line.languages.all()} or {
        language.code for language in service.languages.all()
    }
    assert spoken and len(point["availableLanguage"]) == len(spoken)
    assert all(len(tag) == 2 for tag in point["availableLanguage"] if tag != "zh")


def test_weekly_hours_are_grouped_by_interval(client, demo):
    service = Service.objects.published().get(name="Example Community Health Clinic")
    data = jsonld(client.get(f"/en/s/{service.pk}/").content.decode())
    phone = data["availableChannel"][0]["servicePhone"]
    channel = service.channels.get(number=phone["telephone"])
    expected = {}
    for day, intervals in channel.weekly_hours():
        for opens, closes in intervals:
            expected.setdefault((opens.strftime("%H:%M"), closes.strftime("%H:%M")), []).append(day)
    got = {(h["opens"], h["closes"]): len(h["dayOfWeek"]) for h in phone["hoursAvailable"]}
    assert got == {interval: len(days) for interval, days in expected.items()}
    assert len(phone["hoursAvailable"]) < sum(len(days) for days in expected.values())


def test_json_ld_cannot_close_its_script_element(client, demo):
    service = Service.objects.published().first()
    service.description = "</script><script>alert(1)</script>"
    service.description_en = service.description
    service.save()
    html = client.get(f"/en/s/{service.pk}/").content.decode()
    assert "<script>alert(1)" not in html
    assert jsonld(html)["description"] == "</script><script>alert(1)</script>"


def test_only_the_site_name_setting_names_the_site(client, demo, settings):
    """QE-15: indexing changes no title; a neutral site name stays the only name."""
    settings.SITE_NAME = "Garden tips"
    service = Service.objects.published().first()
    html = client.get(f"/en/s/{service.pk}/").content.decode()
    assert "<title>Details · Garden tips</title>" in html


def test_crawler_files_are_kept_on_the_server_like_pages(client, demo, django_assert_num_queries):
    first = [client.get(path) for path in ("/sitemap.xml", "/sitemap-en-1.xml")]
    with django_assert_num_queries(0):
        again = [client.get(path) for path in ("/sitemap.xml", "/sitemap-en-1.xml")]
    assert [r.content for r in again] == [r.content for r in first]
    assert all(r["Cache-Control"] == "no-store" for r in again)  # kept by the server only


def test_settings_name_every_interface_language_in_the_sitemaps():
    assert len(LANGUAGE_CODES) == len(settings.LANGUAGES) == 12


@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_service_page_uses_schema_org_as_defined(client, demo, language):
    for pk in Service.objects.published().values_list("pk", flat=True):
        data = jsonld(client.get(f"/{language}/s/{pk}/").content.decode())
        assert problems(data) == [], pk


def test_the_checker_catches_what_schema_org_does_not_define():
    assert problems({"@type": "Service", "openingHours": "Mo-Fr"})
    assert problems({"@type": "Servise", "name": "x"})
    assert problems({"@type": "Service", "provider": {"@type": "Person", "name": "x"}})
    bad_day = {"@type": "OpeningHoursSpecification", "dayOfWeek": "Mon", "opens": "9"}
    assert len(problems(bad_day)) == 2


def test_a_public_address_is_where_one_walks_in(client, demo):
    from apps.directory.models import Location

    location = Location.objects.filter(visibility=Location.Visibility.PUBLIC).first()
    service = Service.objects.published().get(service_at_locations__location=location)
    data = jsonld(client.get(f"/en/s/{service.pk}/").content.decode())
    places = [c["serviceLocation"] for c in data["availableChannel"] if "serviceLocation" in c]
    assert [place["address"]["streetAddress"] for place in places] == [location.address_1]
    assert places[0]["address"]["addressCountry"] == location.region.country.code.upper()


def test_a_large_directory_is_split_into_sitemaps_that_cover_it_once(
    client, demo, base_url, monkeypatch
):
    from apps.directory import seo

    monkeypatch.setattr(seo, "SITEMAP_PAGE_SIZE", 4)
    total = 1 + Region.objects.count() + Service.objects.published().count()
    pages = -(-total // 4)
    index = ET.fromstring(client.get("/sitemap.xml").content)
    named = [node.text for node in index.iter(f"{SITEMAP}loc")]
    assert len(named) == pages * len(LANGUAGE_CODES)
    seen = []
    for number in range(1, pages + 1):
        assert f"{BASE}/sitemap-fa-{number}.xml" in named
        response = client.get(f"/sitemap-fa-{number}.xml")
        seen += list(ET.fromstring(response.content).iter(f"{SITEMAP}loc"))
    locs = [node.text for node in seen]
    assert len(locs) == len(set(locs)) == total
    assert client.get(f"/sitemap-fa-{pages + 1}.xml").status_code == 404


def test_demonstration_data_is_never_indexed(client, demo):
    service = Service.objects.published().first()
    for path in ("/en/", "/en/r/fr/", f"/en/s/{service.pk}/"):
        html = client.get(path).content.decode()
        assert '<meta name="robots" content="noindex, nofollow">' in html, path
        assert 'rel="canonical"' not in html, path
