"""Search meets people where they are (issue #16, item 5): places in any interface
language, one typo, kinds of help by their names and synonyms in every language, and
the area each result serves. SQLite and PostgreSQL alike."""

import re

import pytest

from apps.directory.models import Location, Region, Service, ServiceAtLocation

ORIGIN = {"HTTP_ORIGIN": "http://testserver"}
HELPLINE = "Example National Helpline"  # France, national; a 24-hour line
CLINIC = "Example Legal and Immigration Clinic"  # Île-de-France, public office in Paris
UK_LINE = "Example Modern Slavery Helpline"  # United Kingdom
NEW_YORK = "Example Community Health Clinic"  # New York State
WORLDWIDE = "Example Worldwide Chat Support"


def found(client, words, lang="en"):
    response = client.post(f"/{lang}/find/", {"q": words}, follow=True, **ORIGIN)
    assert response.status_code == 200
    html = response.content.decode()
    ids = [int(pk) for pk in re.findall(r'<h3 id="svc-(\d+)">', html)]
    return {Service.objects.get(pk=pk).name_en for pk in ids}, html


@pytest.mark.parametrize(
    ("words", "lang"),
    [
        ("France", "en"),
        ("france", "fr"),
        ("Francia", "es"),
        ("فرنسا", "ar"),
        ("Франція", "uk"),
        ("法国", "zh-hans"),
    ],
)
def test_a_country_name_in_any_language_finds_what_serves_it(client, demo, words, lang):
    names, _html = found(client, words, lang)
    assert HELPLINE in names and WORLDWIDE in names
    assert UK_LINE not in names and NEW_YORK not in names


def test_a_country_name_of_another_interface_language_works_too(client, demo):
    names, _html = found(client, "Francia", "en")  # the Spanish name, English pages
    assert HELPLINE in names


def test_a_town_of_a_public_address_finds_the_services_serving_it(client, demo):
    names, _html = found(client, "Paris")
    assert {CLINIC, HELPLINE, WORLDWIDE} <= names
    assert UK_LINE not in names


def test_a_subdivision_name_finds_the_services_serving_it(client, demo):
    names, _html = found(client, "New York")
    assert NEW_YORK in names and HELPLINE not in names


def test_words_and_a_place_together(client, demo):
    names, _html = found(client, "helpline France")
    assert HELPLINE in names and UK_LINE not in names


@pytest.mark.parametrize("words", ["helplne", "Helpilne", "hepline"])
def test_one_typo_in_a_long_word_still_finds(client, demo, words):
    names, _html = found(client, words)
    assert HELPLINE in names


def test_short_words_are_not_guessed(client, demo):
    names, _html = found(client, "zqx")
    assert not names


@pytest.mark.parametrize(
    ("words", "lang"),
    [
        ("forced labour", "en"),
        ("forced labor", "en"),
        ("trata", "es"),
        ("trata de personas", "en"),
        ("торгівля людьми", "uk"),
        ("travail force", "fr"),
        ("العمل القسري", "ar"),
    ],
)
def test_kinds_of_help_are_found_by_name_or_synonym_in_any_language(client, demo, words, lang):
    names, _html = found(client, words, lang)
    assert UK_LINE in names and CLINIC in names  # both work with forced labour


def test_each_result_and_service_page_says_the_area_served(client, demo):
    _names, html = found(client, "Example")
    assert "Serves: France" in html and "Serves: Worldwide" in html
    clinic = Service.objects.get(name_en=CLINIC)
    page = client.get(f"/en/s/{clinic.pk}/").content.decode()
    assert "Serves: Île-de-France" in page
    french = client.get(f"/fr/s/{Service.objects.get(name_en=HELPLINE).pk}/").content.decode()
    assert "Serves: France" not in french and "France" in french


def test_a_hidden_address_town_is_never_a_search_place(client, demo):
    """SR-2: the town of a hidden or region-only address finds nothing."""
    service = Service.objects.get(name_en=UK_LINE)
    for visibility, town in (("hidden", "Quillmarsh"), ("region", "Brackenfold")):
        place = Location.objects.create(
            organization=service.organization,
            visibility=visibility,
            region=Region.objects.get(code="GB-ENG"),
            name_en="Confidential house",
            city_en=town,
            address_1_en="1 Secret Road",
        )
        ServiceAtLocation.objects.create(service=service, location=place)
        names, _html = found(client, town)
        assert not names, (visibility, names)
