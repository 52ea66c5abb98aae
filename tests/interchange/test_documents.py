"""The HSDS mapping (apps/interchange/hsds): valid documents that say what the directory says."""

import datetime as dt
import uuid

import pytest

from apps.directory.models import Channel, Location, Service, ServiceLanguage
from apps.interchange.hsds import documents, queries
from apps.interchange.hsds.ids import hsds_id, parse_uuid
from apps.interchange.hsds.stored import find
from tests.directory.factories import ChannelFactory, ExceptionFactory, PeriodFactory
from tests.interchange.schemas import errors

LANGUAGES = ["en", "fr", "ar", "zh-hans", "tl"]


def build(name: str, language="en") -> dict:
    service = queries.with_documents(Service.objects.filter(name_en=name)).get()
    return documents.service_document(service, documents.Context.load(language))


def by_kind(document, kind):
    return [c for c in document["phones"] + document["contacts"] if c["channel_kind"] == kind]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_service_validates_against_the_official_and_profiled_schemas(
    demo, hsds_schema, language
):
    ctx = documents.Context.load(language)
    services = queries.with_documents(queries.published_services())
    assert services.count() == 11
    for service in services:
        document = documents.service_document(service, ctx)
        assert not errors(hsds_schema, "compiled/service.json", document)
        assert not errors(hsds_schema, "service.json", document, profiled=True)
        listed = documents.service_list_item(service, ctx)
        assert not errors(hsds_schema, "compiled/service_list.json", listed)
        assert not errors(
            hsds_schema, "compiled/service_list.json", documents.service_minimal(service, ctx)
        )


def test_organizations_and_taxonomies_validate(demo, hsds_schema):
    ctx = documents.Context.load("fr")
    for org in queries.published_organizations():
        services = queries.with_documents(org.services.all())
        full = documents.organization_document(org, ctx, services=services, full_services=True)
        assert not errors(hsds_schema, "compiled/organization.json", full)
        assert not errors(hsds_schema, "organization.json", full, profiled=True)
        assert not errors(
            hsds_schema,
            "compiled/organization_list.json",
            documents.organization_document(org, ctx),
        )
    for taxonomy in queries.taxonomies():
        document = documents.taxonomy_document(taxonomy, ctx)
        assert not errors(hsds_schema, "taxonomy.json", document, profiled=True)
    for term in queries.taxonomy_terms():
        document = documents.taxonomy_term_document(term, ctx)
        assert not errors(hsds_schema, "taxonomy_term.json", document, profiled=True)


def test_ids_are_stable_distinct_per_kind_and_per_deployment(settings):
    first = hsds_id("service", 7)
    assert first == hsds_id("service", 7) == str(uuid.UUID(first))
    assert uuid.UUID(first).version == 5
    assert first != hsds_id("organization", 7) != hsds_id("service", 8)
    settings.BASE_URL = "https://help.example.org"
    elsewhere = hsds_id("service", 7)
    assert elsewhere != first
    settings.HSDS_ID_NAMESPACE = "5b8e1f38-3c5a-4a53-9f0e-0c0b7d3c2a10"
    pinned = hsds_id("service", 7)
    settings.BASE_URL = "https://moved.example.org"
    assert hsds_id("service", 7) == pinned != elsewhere
    with pytest.raises(ValueError):
        hsds_id("shelter", 1)


def test_find_gives_an_id_only_among_the_given_rows(demo, settings):
    first, second, third = Service.objects.order_by("pk").values_list("pk", flat=True)[:3]
    allowed = Service.objects.filter(pk__in=[first, third])
    assert find("service", hsds_id("service", third), allowed) == third
    assert find("service", hsds_id("service", third).upper(), allowed) == third
    assert find("service", hsds_id("service", second), allowed) is None
    assert find("service", hsds_id("organization", third), allowed) is None
    for junk in ("", "3", "' OR '1'='1", "x" * 10_001, "\u202e" + hsds_id("service", third)):
        assert find("service", junk, allowed) is None
    assert parse_uuid("{" + hsds_id("service", 3) + "}") == hsds_id("service", 3)
    # A new row is found at once; another deployment namespace gives other ids.
    added = Service.objects.create(organization=Service.objects.get(pk=first).organization)
    assert find("service", hsds_id("service", added.pk), Service.objects.all()) == added.pk
    settings.HSDS_ID_NAMESPACE = "5b8e1f38-3c5a-4a53-9f0e-0c0b7d3c2a10"
    assert find("service", hsds_id("service", third), allowed) == third
    assert find("service", str(uuid.uuid5(uuid.NAMESPACE_URL, "x")), allowed) is None


def test_a_24_7_line_is_one_all_week_schedule(demo):
    document = build("Example National Helpline")
    [voice] = by_kind(document, "voice")
    [schedule] = [s for s in document["schedules"] if s["channel_id"] == voice["id"]]
    assert voice["is_24_7"] and voice["get_help_now"] and voice["is_free"]
    assert schedule["byday"] == "MO,TU,WE,TH,FR,SA,SU"
    assert (schedule["opens_at"], schedule["closes_at"]) == ("00:00:00", "23:59:00")
    assert schedule["freq"] == "WEEKLY" and schedule["time_zone"] == "Europe/Paris"


def test_a_period_past_midnight_keeps_its_earlier_closing_time(demo):
    document = build("Example National Helpline")
    [chat] = by_kind(document, "chat")
    hours = [s for s in document["schedules"] if s["channel_id"] == chat["id"]]
    assert [s["byday"] for s in hours] == ["MO", "TU", "WE", "TH", "FR"]
    assert {(s["opens_at"], s["closes_at"]) for s in hours} == {("18:00:00", "02:00:00")}


def test_an_exception_is_a_dated_schedule_that_replaces_the_day(demo):
    channel = Channel.objects.get(service__name_en="Example Women’s Counselling Service")
    ExceptionFactory(channel=channel, date=dt.date(2026, 12, 31), closed=True, note="Closed")
    document = build("Example Women’s Counselling Service")
    dated = {s["valid_from"]: s for s in document["schedules"] if "valid_from" in s}
    assert dated["2026-12-24"]["valid_to"] == "2026-12-24"
    assert dated["2026-12-24"]["closed"] is False
    assert (dated["2026-12-24"]["opens_at"], dated["2026-12-24"]["closes_at"]) == (
        "10:00:00",
        "14:00:00",
    )
    assert dated["2026-12-31"]["closed"] is True and "opens_at" not in dated["2026-12-31"]
    assert document["holiday_region"] == "GB-ENG"
    [voice] = by_kind(document, "voice")
    assert voice["closed_on_public_holidays"] is True


def test_numbers_become_phones_and_other_channels_contacts(demo):
    document = build("Example Community Health Clinic")
    assert {(p["channel_kind"], p["type"]) for p in document["phones"]} == {
        ("voice", "voice"),
        ("whatsapp", "whatsapp"),
    }
    assert document["contacts"] == []
    clinic = build("Example Legal and Immigration Clinic")
    [email] = by_kind(clinic, "email")
    [walk_in] = by_kind(clinic, "walk_in")
    assert clinic["email"] == email["email"] == "contact@rights.example.org"
    assert walk_in["location_id"] == clinic["service_at_locations"][0]["location_id"]
    assert {lang["code"] for lang in walk_in["languages"]} == {"eng", "fra", "spa"}
    assert all(lang["contact_id"] == walk_in["id"] for lang in walk_in["languages"])
    uk = build("Example Modern Slavery Helpline")
    assert uk["url"] == "https://help.example.org/report"
    [sms] = by_kind(build("Example National Helpline"), "sms")
    assert sms["type"] == "text" and sms["number"] == "+33199001002"


def test_languages_are_iso_639_3_with_names_in_the_content_language(demo):
    link = ServiceLanguage.objects.filter(
        service__name_en="Example National Helpline", language__code="ara"
    ).get()
    link.through_interpreter = True
    link.save()
    document = build("Example National Helpline", "fr")
    languages = {lang["code"]: lang for lang in document["languages"]}
    assert set(languages) == {"fra", "eng", "ara", "spa", "ron"}
    assert languages["ara"]["name"] == "arabe" and languages["ara"]["through_interpreter"]
    assert languages["ara"]["note"] and not languages["fra"]["through_interpreter"]


def test_service_areas_name_their_region_or_the_world(demo):
    areas = build("Example Worldwide Chat Support")["service_areas"]
    assert [(a["scope"], a.get("region_code")) for a in areas] == [("international", None)]
    [lyon] = build("Example Emergency Shelter Lyon")["service_areas"]
    assert (lyon["region_code"], lyon["region_kind"], lyon["name"]) == (
        "fr-ara-lyon",
        "locality",
        "Lyon",
    )


def test_trust_and_other_terms_are_attributes_with_their_term(demo):
    document = build("Example National Helpline", "es")
    terms = {a["taxonomy_term"]["code"]: a["taxonomy_term"] for a in document["attributes"]}
    assert {"anonymous", "no-police", "no-id", "undocumented"} <= set(terms)
    assert terms["no-police"]["taxonomy"] == "trust"
    assert terms["no-police"]["name"].startswith("No avisará")
    assert terms["no-police"]["language"] == "es"
    assert all(a["link_id"] == document["id"] for a in document["attributes"])


def test_public_location_has_its_address_and_coordinates(demo):
    [link] = build("Example Legal and Immigration Clinic")["service_at_locations"]
    place = link["location"]
    assert place["visibility"] == "public"
    assert (place["latitude"], place["longitude"]) == (48.8566, 2.3522)
    [address] = place["addresses"]
    assert address["address_1"] == "1 place de la Démonstration"
    assert (address["city"], address["postal_code"], address["country"]) == ("Paris", "75011", "FR")
    assert address["state_province"] == "Île-de-France"
    assert place["accessibility"][0]["description"].startswith("Step-free")


def test_region_only_location_gives_its_area_and_nothing_else(demo):
    [link] = build("Example Transitional Housing Program")["service_at_locations"]
    assert link["location"] == {
        "id": link["location_id"],
        "location_type": "physical",
        "organization_id": link["location"]["organization_id"],
        "visibility": "region",
        "region_code": "US-CA",
        "name": "East Bay",
    }


def test_hidden_location_gives_only_its_id_and_region(demo):
    location = Location.objects.get(visibility=Location.Visibility.HIDDEN)
    location.accessibility_en = "Ring the bell at the back door"
    location.save()
    [link] = build("Example Emergency Shelter Lyon")["service_at_locations"]
    assert set(link["location"]) == {
        "id",
        "location_type",
        "organization_id",
        "visibility",
        "region_code",
    }
    assert "description" not in link


def test_text_without_a_translation_says_which_language_it_is_in(demo):
    service = Service.objects.get(name_en="Example National Helpline")
    service.translation_status = {"fr": "machine"}
    service.save()
    french = build("Example National Helpline", "fr")
    assert french["name"] == "Ligne nationale d’exemple"
    assert french["content_language"] == "fr" and french["translation_status"] == "machine"
    assert french["field_languages"] == {"interpretation_services": "en"}
    tagalog = build("Example National Helpline", "tl")
    assert tagalog["name"] == "Example National Helpline"
    assert tagalog["field_languages"]["name"] == "en"
    assert "translation_status" not in tagalog
    portuguese = build("Example National Helpline", "pt")  # pt falls back to es first
    assert portuguese["field_languages"]["name"] == "es"


def test_verification_record_names_the_assurer(demo):
    document = build("Example Emergency Shelter Lyon")
    assert document["assured_date"] == "2026-09-01"
    assert document["assurer_name"] == "Example Safe Homes Network (fictional)"
    assert document["assurer_organization_id"] == document["organization_id"]


def test_assurer_email_is_given_only_for_a_published_assurer(demo):
    service = Service.objects.get(name_en="Example Emergency Shelter Lyon")
    service.organization.email = "team@safe-homes.example.org"
    service.organization.save()
    assert build("Example Emergency Shelter Lyon")["assurer_email"] == "team@safe-homes.example.org"
    service.assurer = type(service.organization).objects.create(
        name="Unpublished Checkers", email="private@checkers.example.org", status="draft"
    )
    service.save()
    document = build("Example Emergency Shelter Lyon")
    assert document["assurer_name"] == "Unpublished Checkers"
    assert "assurer_email" not in document


def test_weekly_periods_map_to_byday_codes(db):
    channel = ChannelFactory()
    for weekday in range(7):
        PeriodFactory(channel=channel, weekday=weekday, opens=dt.time(9), closes=dt.time(12, 30))
    service = queries.with_documents(Service.objects.filter(pk=channel.service_id)).get()
    document = documents.service_document(service, documents.Context.load("en"))
    assert [s["byday"] for s in document["schedules"]] == ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
    assert document["schedules"][0]["closes_at"] == "12:30:00"
    assert document["schedules"][0]["description"] == "Monday 09:00–12:30"
