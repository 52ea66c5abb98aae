"""Space available (issue 21, item 1): partners update it in one click from the staff home,
audited, without review; bad input is refused with a message and changes nothing; the
public sees it on cards and service pages, "not updated recently" once it is old, and can
filter "has space now"; the page cache never shows a stale status."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from apps.curation.models import AuditEntry
from apps.directory.capacity import shown, version_of
from apps.directory.models import Service, Taxonomy, TaxonomyTerm
from apps.directory.models.organizations import CapacityStatus, PublicationStatus

HOME = "/en/staff/"
UPDATE = "/en/staff/capacity/"


@pytest.fixture
def shelter(partner_a):
    taxonomy, _ = Taxonomy.objects.get_or_create(slug=Taxonomy.SERVICE_TYPE)
    term, _ = TaxonomyTerm.objects.get_or_create(
        taxonomy=taxonomy, code="emergency-housing", defaults={"name_en": "Emergency place"}
    )
    service = Service.objects.create(
        organization=partner_a, name_en="Shelter A", status=PublicationStatus.PUBLISHED
    )
    service.terms.add(term)
    return service


def _press(client, service, status, version=None):
    data = {
        "service": service.pk,
        "status": status,
        "version": version_of(service) if version is None else version,
    }
    return client.post(UPDATE, data, follow=True)


def test_a_partner_editor_updates_space_in_one_click_audited(staff_client, editor_a, shelter):
    client = staff_client(editor_a)
    home = client.get(HOME).text
    assert "Space available now" in home and "Shelter A" in home
    response = _press(client, shelter, CapacityStatus.FULL)
    assert "Saved: the public now sees “Full” for Shelter A." in response.text
    shelter.refresh_from_db()
    assert shelter.capacity_status == "full"
    assert timezone.now() - shelter.capacity_updated < dt.timedelta(minutes=1)
    entry = AuditEntry.objects.get(action="service.capacity", target_id=shelter.pk)
    assert entry.actor == editor_a and entry.organization_id == shelter.organization_id
    assert entry.old_value["status"] == "" and entry.new_value["status"] == "full"
    # The home now says it, and the next click carries the new version.
    assert "Full" in client.get(HOME).text


def test_another_organisations_editor_is_refused(staff_client, editor_b, shelter):
    client = staff_client(editor_b)
    assert "Shelter A" not in client.get(HOME).text
    response = _press(client, shelter, CapacityStatus.FULL)
    assert "You can update the space of your own organisation’s services only." in response.text
    shelter.refresh_from_db()
    assert shelter.capacity_status == ""
    assert not AuditEntry.objects.filter(action="service.capacity").exists()


def test_an_archived_service_is_refused(staff_client, editor_a, shelter):
    Service.objects.filter(pk=shelter.pk).update(status=PublicationStatus.ARCHIVED)
    shelter.refresh_from_db()
    response = _press(staff_client(editor_a), shelter, CapacityStatus.AVAILABLE)
    assert "This service is archived: its space cannot be updated." in response.text
    shelter.refresh_from_db()
    assert shelter.capacity_status == ""


def test_a_stale_form_is_refused(staff_client, editor_a, manager_a, shelter):
    shown_to_editor = version_of(shelter)
    _press(staff_client(manager_a), shelter, CapacityStatus.FULL)  # someone else, meanwhile
    response = _press(
        staff_client(editor_a), shelter, CapacityStatus.AVAILABLE, version=shown_to_editor
    )
    assert "Someone changed the space of this service after your page was opened." in (
        response.text
    )
    shelter.refresh_from_db()
    assert shelter.capacity_status == "full"
    assert AuditEntry.objects.filter(action="service.capacity").count() == 1


@pytest.mark.parametrize("status", ["open", "", "FULL"])
def test_an_unknown_status_is_refused(staff_client, editor_a, shelter, status):
    response = _press(staff_client(editor_a), shelter, status)
    assert response.status_code == 200
    assert "Choose one of the statuses shown." in response.text
    shelter.refresh_from_db()
    assert shelter.capacity_status == ""


def test_refusals_are_translated(staff_client, editor_b, shelter):
    response = staff_client(editor_b, language="fr").post(
        "/fr/staff/capacity/",
        {"service": shelter.pk, "status": "full", "version": version_of(shelter)},
        follow=True,
    )
    assert "You can update the space" not in response.text
    assert "votre organisation" in response.text


# --- what the public sees -------------------------------------------------------------


def _set(service, status, hours_ago, now=None):
    now = now or timezone.now()
    service.capacity_status = status
    service.capacity_updated = now - dt.timedelta(hours=hours_ago)
    service.save(update_fields=["capacity_status", "capacity_updated"])


def test_the_capacity_clock_never_shows_available_past_the_limit(db, settings):
    settings.WAYMARK_CAPACITY_STALE_HOURS = 24
    service = Service(capacity_status="available")
    updated = dt.datetime(2026, 12, 1, 12, 50, tzinfo=dt.UTC)
    service.capacity_updated = updated
    assert shown(service, updated + dt.timedelta(minutes=5)).hours == 0
    assert shown(service, dt.datetime(2026, 12, 1, 15, 10, tzinfo=dt.UTC)).hours == 2
    assert shown(service, dt.datetime(2026, 12, 1, 15, 55, tzinfo=dt.UTC)).hours == 3
    # Day 2, 11:59: fresh; from 12:00 the whole hour holds 12:50, so it is stale already.
    assert not shown(service, dt.datetime(2026, 12, 2, 11, 59, tzinfo=dt.UTC)).stale
    assert shown(service, dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)).stale
    assert shown(service, dt.datetime(2026, 12, 2, 12, 49, tzinfo=dt.UTC)).stale
    assert shown(Service(capacity_status=""), updated) is None


def test_cards_and_service_pages_show_space_and_its_age(client, demo):
    shelter = Service.objects.get(name="Example Emergency Shelter Lyon")
    page = client.get(f"/en/s/{shelter.pk}/").content.decode()
    assert "Space available" in page and "updated 2 hours ago" in page
    region = client.get("/en/r/fr-ara-lyon/").content.decode()
    assert "Space available</strong> · updated 2 hours ago" in region
    arabic = client.get(f"/ar/s/{shelter.pk}/").content.decode()
    assert "Space available" not in arabic


def test_an_old_update_reads_not_updated_recently(client, demo, settings):
    housing = Service.objects.get(name="Example Transitional Housing Program")
    page = client.get(f"/en/s/{housing.pk}/").content.decode()
    assert "Space: not updated recently" in page
    assert "Space available" not in page


def test_the_page_cache_never_shows_a_stale_status(client, demo, settings):
    settings.WAYMARK_CAPACITY_STALE_HOURS = 24
    shelter = Service.objects.get(name="Example Emergency Shelter Lyon")
    now = timezone.now().replace(minute=30)
    _set(shelter, "available", 23, now=now)  # updated at HH-23:30
    url = f"/en/s/{shelter.pk}/"
    with time_machine.travel(now, tick=False):
        assert "updated 23 hours ago" in client.get(url).content.decode()
    # Half an hour later (same hour): the kept page is served, still true.
    with time_machine.travel(now + dt.timedelta(minutes=29), tick=False):
        assert "updated 23 hours ago" in client.get(url).content.decode()
    # The next hour holds the 24-hour limit: no kept page says "available" there.
    with time_machine.travel(now + dt.timedelta(minutes=31), tick=False):
        assert "Space: not updated recently" in client.get(url).content.decode()


def test_a_capacity_update_reaches_cached_pages_at_once(client, demo, django_user_model):
    from apps.curation.services import capacity_set

    shelter = Service.objects.get(name="Example Emergency Shelter Lyon")
    url = f"/en/s/{shelter.pk}/"
    assert "Space available" in client.get(url).content.decode()
    coordinator = django_user_model.objects.create_superuser("boss", "b@example.org", "x" * 20)
    capacity_set(
        by=coordinator, service_id=shelter.pk, status="full", shown_version=version_of(shelter)
    )
    page = client.get(url).content.decode()
    assert "<strong>Full</strong>" in page and "updated less than an hour ago" in page


def _listed(page: str, service) -> bool:
    return f'id="svc-{service.pk}"' in page


def test_caseworkers_filter_has_space_now(client, demo):
    from apps.core import pagecache

    shelter = Service.objects.get(name="Example Emergency Shelter Lyon")
    helpline = Service.objects.get(name="Example National Helpline")
    everything = client.get("/en/r/fr-ara-lyon/").content.decode()
    assert "Has space now" in everything
    assert _listed(everything, shelter) and _listed(everything, helpline)
    with_space = client.get("/en/r/fr-ara-lyon/?space_now=on").content.decode()
    assert _listed(with_space, shelter) and not _listed(with_space, helpline)
    _set(shelter, "full", 1)
    pagecache.purge()
    assert not _listed(client.get("/en/r/fr-ara-lyon/?space_now=on").content.decode(), shelter)
    # Old news is not space: the stale "available" of the US housing is not found either.
    housing = Service.objects.get(name="Example Transitional Housing Program")
    assert _listed(client.get("/en/r/us-ca/").content.decode(), housing)
    assert not _listed(client.get("/en/r/us-ca/?space_now=on").content.decode(), housing)


def test_the_export_carries_capacity_in_the_profile(demo):
    from apps.interchange.hsds.documents import Context, service_document
    from apps.interchange.hsds.queries import published_services, with_documents

    loaded = with_documents(published_services())
    context = Context.load("en")
    shelter = service_document(loaded.get(name="Example Emergency Shelter Lyon"), context)
    assert shelter["capacity_status"] == "available"
    assert shelter["capacity_updated"].endswith("Z")
    helpline = service_document(loaded.get(name="Example National Helpline"), context)
    assert "capacity_status" not in helpline and "capacity_updated" not in helpline
