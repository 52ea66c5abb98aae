"""What a source does not say stays unknown (issue 19, F8): ``is_free``, ``is_24_7`` and the
time zone are never written as false or UTC, the export leaves them out, and the public
page says "not known" rather than "no" (or "Closed")."""

import json

import pytest
from django.urls import reverse
from django.utils import translation

from apps.directory.models import Channel, Service
from tests.interchange.importing import export, load, publish

ORG = "0b0e3a3c-1111-4111-8111-000000000001"
SERVICE = "0b0e3a3c-1111-4111-8111-000000000002"
PHONE = "0b0e3a3c-1111-4111-8111-000000000003"


def feed(**service_fields):
    return [
        {"id": ORG, "name": "Outside Org", "description": "An organisation from a feed."},
        {
            "id": SERVICE,
            "organization_id": ORG,
            "name": "Outside helpline",
            "status": "active",
            "phones": [{"id": PHONE, "number": "+442079460000"}],
            **service_fields,
        },
    ]


@pytest.fixture
def imported(db, coordinator, tmp_path):
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(feed()), encoding="utf-8")
    publish(path, coordinator)
    return Service.objects.get()


def test_what_the_source_does_not_say_is_stored_as_unknown(imported):
    channel = Channel.objects.get()
    assert imported.is_free is None and imported.time_zone == ""
    assert channel.is_free is None and channel.is_24_7 is None


def test_the_export_leaves_unknown_values_out(imported, tmp_path):
    service = load(export(tmp_path / "export") / "hsds/services.json")[0]
    phone = service["phones"][0]
    assert "is_free" not in service and "time_zone" not in service
    assert "is_free" not in phone and "is_24_7" not in phone


def test_what_the_source_says_is_kept(db, coordinator, tmp_path):
    path = tmp_path / "feed.json"
    document = feed(is_free=False, time_zone="Europe/London")
    document[1]["phones"][0]["is_24_7"] = True
    path.write_text(json.dumps(document), encoding="utf-8")
    publish(path, coordinator)
    service = Service.objects.get()
    assert (service.is_free, service.time_zone) == (False, "Europe/London")
    assert Channel.objects.get().is_24_7 is True


@pytest.mark.parametrize(
    ("lang", "free", "zone", "hours"),
    [
        (
            "en",
            "Not known whether it is free of charge.",
            "The time zone of these hours is not known.",
            "Opening hours not known.",
        ),
        (
            "fr",
            "On ne sait pas si c’est gratuit.",
            "Le fuseau horaire de ces horaires n’est pas connu.",
            "Horaires d’ouverture inconnus.",
        ),
    ],
)
def test_the_public_page_says_not_known_rather_than_no(imported, client, lang, free, zone, hours):
    with translation.override(lang):
        page = client.get(reverse("service", args=[imported.pk])).content.decode()
    for text in (free, zone, hours):
        assert text in page
    assert "Closed" not in page and "Fermé" not in page
