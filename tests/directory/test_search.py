"""Full-text search on PostgreSQL: per-language stemming, any language, misspellings (D3)."""

import re

import pytest

pytestmark = pytest.mark.postgres


def results(client, language, query):
    html = client.post(
        f"/{language}/find/", {"q": query}, HTTP_ORIGIN="http://testserver", follow=True
    )
    return re.findall(r'<h3 id="svc-\d+"><a href="[^"]+"><bdi>([^<]+)</bdi>', html.content.decode())


def test_french_words_match_their_stems(client, demo, require_postgres):
    # "juridiques" is not in the text; "juridique" is: the French configuration stems both.
    assert "Permanence juridique et droit des étrangers" in results(client, "fr", "juridiques")


def test_a_query_finds_text_written_in_another_language(client, demo, require_postgres):
    # A Spanish reader searching an English word still finds the service.
    assert results(client, "es", "compensation")


def test_misspelled_names_are_found(client, demo, require_postgres):
    assert "Example Worldwide Chat Support" in results(client, "en", "Worldwyde")


def test_names_rank_above_descriptions(client, demo, require_postgres):
    found = results(client, "en", "housing")
    assert found[0] == "Example Transitional Housing Program"


def test_arabic_search(client, demo, require_postgres):
    assert results(client, "ar", "الهجرة")


def test_websearch_syntax_and_operators_are_safe(client, demo, require_postgres):
    for query in ('"legal advice" -police', "or or or", "!!!", "a & | b", "'"):
        response = client.post(
            "/en/find/", {"q": query}, HTTP_ORIGIN="http://testserver", follow=True
        )
        assert response.status_code == 200, query


def test_renaming_an_organisation_is_searchable_at_once(client, demo, require_postgres):
    from apps.directory.models import Service

    service = Service.objects.get(name="Example National Helpline")
    organization = service.organization
    organization.name_en = "Zebrafinch Collective"
    organization.save()
    assert "Example National Helpline" in results(client, "en", "Zebrafinch")


def test_text_in_any_interface_language_is_indexed(client, demo, require_postgres):
    from apps.directory.models import Service

    service = Service.objects.get(name="Example National Helpline")
    service.description_tl = "Tumutulong kami sa mga nakaligtas araw-gabi"
    service.save()
    assert "Example National Helpline" in results(client, "en", "nakaligtas")


def test_deleted_services_leave_the_index(demo, require_postgres):
    from apps.directory.models import Service, ServiceSearch

    assert ServiceSearch.objects.count() == Service.objects.count()
    service = Service.objects.filter(channels__isnull=True).first() or Service.objects.first()
    service.channels.all().delete()
    service.service_at_locations.all().delete()
    service.delete()
    assert ServiceSearch.objects.count() == Service.objects.count()


def test_unpublishing_an_organisation_hides_its_services_from_search_at_once(
    client, demo, require_postgres
):
    from apps.directory.models import Service

    service = Service.objects.get(name="Example National Helpline")
    assert "Example National Helpline" in results(client, "en", "helpline")
    service.organization.status = "draft"
    service.organization.save()
    assert "Example National Helpline" not in results(client, "en", "helpline")


def test_a_new_service_area_counts_in_region_search_at_once(client, demo, require_postgres):
    from apps.directory.models import Region, Service

    clinic = Service.objects.get(name="Example Legal and Immigration Clinic")

    def in_lyon():
        html = client.post(
            "/en/find/",
            {"q": "clinic", "region": "fr-ara-lyon"},
            HTTP_ORIGIN="http://testserver",
            follow=True,
        ).content.decode()
        return "Example Legal and Immigration Clinic" in html

    assert not in_lyon()
    area = clinic.areas.create(scope="region", region=Region.objects.get(code__iexact="fr"))
    assert in_lyon()
    area.delete()
    assert not in_lyon()
