"""No confidential place leaks through the HSDS API or the exports, in any language (SR-1).

Canary strings are planted in every language column of every hidden and region-only
location (``plant_canaries``), and here also in their accessibility notes, in the
descriptions of their links to services and in a walk-in channel placed there; the
coordinates become 12.345678 / 98.765432. Then every API endpoint is crawled, every page,
every detail, in several languages (with fallbacks), and every export file is read.
"""

import json

import pytest
from django.core.management import call_command

from apps.directory.models import Channel, Location, ServiceAtLocation
from tests.directory.test_confidentiality import CANARY, assert_no_canary, plant_canaries

API = "/api/hsds"
LISTS = ["/services", "/organizations", "/taxonomies", "/taxonomy_terms", "/service_at_locations"]
LANGUAGES = ["en", "fr", "ar", "zh-hans", "pt", "tl"]


@pytest.fixture
def canaries(demo, settings):
    settings.HSDS_API_RATE_LIMIT = 100_000
    planted = plant_canaries()
    for location in Location.objects.exclude(visibility=Location.Visibility.PUBLIC):
        for code, _name in settings.LANGUAGES:
            suffix = code.replace("-", "_")
            setattr(location, f"accessibility_{suffix}", f"{CANARY}{location.pk}access{suffix}")
            if location.visibility == Location.Visibility.HIDDEN:
                setattr(location, f"region_label_{suffix}", f"{CANARY}{location.pk}area{suffix}")
        # Empty columns fall back to another language: the fallback is confidential too.
        location.address_1_pt = location.address_1_es = ""
        location.save()
        for link in ServiceAtLocation.objects.filter(location=location):
            link.description_en = link.description_fr = f"{CANARY}{link.pk}link"
            link.save()
            Channel.objects.create(
                service=link.service, kind=Channel.Kind.WALK_IN, location=location, label="Visit"
            )
    return planted


def crawl(client, language: str) -> dict[str, str]:
    """Every API answer for one language, by URL."""
    bodies = {}

    def fetch(url):
        response = client.get(url)
        assert response.status_code == 200, url
        bodies[url] = response.content.decode()
        return response.json()

    for path in ("/", "/openapi.json", "/profile/"):
        fetch(f"{API}{path}")
    for path in LISTS:
        for extra in (
            ("", "&full=true") if path in ("/services", "/service_at_locations") else ("",)
        ):
            page = 1
            while True:
                document = fetch(f"{API}{path}?lang={language}&per_page=2&page={page}{extra}")
                for item in document["contents"]:
                    fetch(f"{API}{path}/{item['id']}?lang={language}")
                if document["last_page"]:
                    break
                page += 1
    for org in fetch(f"{API}/organizations?lang={language}&per_page=100")["contents"]:
        fetch(f"{API}/organizations/{org['id']}?lang={language}&full_service=true")
    return bodies


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_api_answer_shows_a_confidential_place(client, canaries, language):
    bodies = crawl(client, language)
    assert len(bodies) > 40
    for url, body in bodies.items():
        assert_no_canary(body, url)
    # The redacted places are there, as places without details.
    sals = json.loads(bodies[f"{API}/service_at_locations?lang={language}&per_page=2&page=1"])
    assert sals["total_items"] == 3


def test_searching_for_a_confidential_address_finds_nothing(client, canaries):
    """SR-2: fragments of a hidden address match nothing, as a random string does."""
    assert client.get(f"{API}/services", {"search": "qqqzzzxxy"}).json()["total_items"] == 0
    for probe in (canaries[0], canaries[1][:12], canaries[2][3:15], canaries[-1], CANARY):
        for path in ("/services", "/service_at_locations", "/organizations"):
            response = client.get(f"{API}{path}", {"search": probe})
            assert response.status_code == 200
            assert response.json()["total_items"] == 0, (path, probe)
            assert_no_canary(response.content.decode(), f"{path} search")


def test_no_export_file_shows_a_confidential_place(canaries, tmp_path):
    out = tmp_path / "export"
    call_command("export_hsds", output=out, all_languages=True)
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) > 12 * 26
    for path in files:
        assert_no_canary(path.read_text(encoding="utf-8"), str(path.relative_to(out)))
    locations = (out / "en" / "tabular" / "locations.csv").read_text()
    assert "hidden" in locations and "region" in locations


def test_a_place_made_hidden_leaves_the_api_at_once(client, demo):
    """SR-5: no cache in between."""
    location = Location.objects.get(visibility=Location.Visibility.PUBLIC)
    url = f"{API}/service_at_locations?full=true"
    assert location.address_1 in client.get(url).content.decode()
    location.visibility = Location.Visibility.HIDDEN
    location.save()
    body = client.get(url).content.decode()
    assert location.address_1 not in body and str(location.latitude) not in body
