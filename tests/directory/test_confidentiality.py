"""A confidential address never reaches the public side, in any language (D5, SR-1…SR-5)."""

import re

import pytest
from django.conf import settings

from apps.curation.models import StaffProfile
from apps.curation.services import proposal_approve, proposal_submit
from apps.directory.models import Location, Service
from tests.curation.conftest import make_staff
from tests.public_routes import LANGUAGE_CODES, crawler_paths, public_paths
from tests.schema_org import json_ld_blocks

CANARY = "zqxcanary"


def plant_canaries():
    """Unique strings in every language column of every confidential location."""
    planted = []
    for location in Location.objects.exclude(visibility=Location.Visibility.PUBLIC):
        for code, _name in settings.LANGUAGES:
            suffix = code.replace("-", "_")
            # region_label is the public area ("central Lyon") and may be shown.
            for field in (
                "name",
                "address_1",
                "city",
                "description",
                "transportation",
                "accessibility",
            ):
                value = f"{CANARY}{location.pk}{field}{suffix}"
                setattr(location, f"{field}_{suffix}", value)
                planted.append(value)
        location.postal_code = f"{CANARY}{location.pk}pc"  # postal_code holds 20 characters
        location.latitude, location.longitude = 12.345678, 98.765432
        location.save()
        planted.append(location.postal_code)
    return planted


@pytest.fixture
def canaries(demo):
    planted = plant_canaries()
    assert len(planted) > 2 * len(settings.LANGUAGES)
    return planted


def assert_no_canary(body: str, where: str):
    assert CANARY not in body, f"confidential data leaked on {where}"
    assert "12.345678" not in body and "98.765432" not in body, f"coordinates leaked on {where}"


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_no_public_page_shows_a_confidential_address(client, canaries, language):
    for path in public_paths(language):
        response = client.get(path)
        assert_no_canary(response.content.decode(), path)


def test_sitemaps_and_structured_data_show_no_confidential_address(client, canaries):
    """Issue #22: what search engines read (robots.txt, sitemaps, JSON-LD) leaks nothing."""
    for path in crawler_paths():
        response = client.get(path)
        assert response.status_code == 200, path
        assert_no_canary(response.content.decode(), path)
    confidential = Service.objects.published().filter(
        service_at_locations__location__visibility__in=[
            Location.Visibility.HIDDEN,
            Location.Visibility.REGION,
        ]
    )
    assert confidential.count() >= 2
    for language in LANGUAGE_CODES:
        for service in confidential:
            html = client.get(f"/{language}/s/{service.pk}/").content.decode()
            (data,) = json_ld_blocks(html)  # the structured data is there, and clean
            assert_no_canary(str(data), f"JSON-LD of /{language}/s/{service.pk}/")
            places = [c for c in data.get("availableChannel", []) if "serviceLocation" in c]
            assert places == [], "a confidential place became a walk-in address"


@pytest.mark.parametrize("language", ["en", "fr", "ar", "zh-hans"])
def test_search_never_matches_a_confidential_address(client, canaries, language):
    """SR-2: parts of a hidden address find nothing a random string would not."""
    random_hits = (
        client.post(
            f"/{language}/find/", {"q": "qqqzzzxxy"}, HTTP_ORIGIN="http://testserver", follow=True
        )
        .content.decode()
        .count('class="card"')
    )
    # Exact, case-folded, partial and inner fragments of names, addresses, cities, postcodes.
    probes = [
        canaries[0],
        canaries[0].upper(),
        canaries[1][:12],
        canaries[2][3:15],
        canaries[-1],
        f"{CANARY}* OR x",
        canaries[5].replace("a", "á"),
    ]
    for probe in probes:
        body = client.post(
            f"/{language}/find/", {"q": probe}, HTTP_ORIGIN="http://testserver", follow=True
        ).content.decode()
        assert body.count('class="card"') == random_hits, probe
        # The search box shows the visitor's own words back; only the results matter.
        assert_no_canary(re.sub(r'value="[^"]*"', "", body), f"search for {probe!r}")


def test_region_only_location_shows_its_area_and_the_regions_fixed_centre(canaries):
    location = Location.objects.get(visibility=Location.Visibility.REGION)
    view = location.public_view()
    assert view["latitude"] == location.region.centroid_latitude
    assert "address_1" not in view and "city" not in view and "name" not in view
    hidden = Location.objects.get(visibility=Location.Visibility.HIDDEN).public_view()
    assert "latitude" not in hidden and "address_1" not in hidden


def test_fallback_language_does_not_leak_the_english_address(client, canaries):
    """Empty columns fall back to another language; the fallback is confidential too."""
    location = Location.objects.get(visibility=Location.Visibility.HIDDEN)
    location.address_1_pt = ""
    location.address_1_es = ""
    location.save()
    for service in Service.objects.filter(service_at_locations__location=location):
        assert_no_canary(client.get(f"/pt/s/{service.pk}/").content.decode(), "pt fallback")


def test_switching_to_hidden_removes_the_address_at_once(client, demo, settings):
    """SR-5: the approval purges the server's page cache, so the next visitor sees no address."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    location = Location.objects.get(visibility=Location.Visibility.PUBLIC)
    service = Service.objects.get(service_at_locations__location=location)
    page = f"/en/s/{service.pk}/"
    assert location.address_1 in client.get(page).content.decode()
    assert location.address_1 in client.get(page).content.decode()  # now from the cache
    editor = make_staff("editor", StaffProfile.Role.PARTNER_EDITOR, location.organization)
    coordinator = make_staff("coordinator", StaffProfile.Role.COORDINATOR)
    proposal = proposal_submit(
        by=editor, model=Location, instance=location, values={"visibility": "hidden"}
    )
    proposal_approve(proposal=proposal, by=coordinator)
    assert location.address_1 not in client.get(page).content.decode()


def test_draft_archived_and_missing_services_get_the_same_404(client, demo):
    """SR-4: nobody can tell which ids exist."""
    draft, archived = Service.objects.all()[:2]
    draft.status = "draft"
    draft.save()
    archived.status = "archived"
    archived.save()
    hidden_org = Service.objects.exclude(pk__in=[draft.pk, archived.pk]).first()
    hidden_org.organization.status = "draft"
    hidden_org.organization.save()
    bodies = {
        client.get(f"/en/s/{pk}/").content for pk in (draft.pk, archived.pk, hidden_org.pk, 999999)
    }
    statuses = {client.get(f"/en/s/{pk}/").status_code for pk in (draft.pk, archived.pk, 999999)}
    assert statuses == {404}
    assert len(bodies) == 1
