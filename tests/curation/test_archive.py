"""Archiving a contact channel or a place: a coordinator approves, it leaves every public
page at once, and it can be restored through review (SR-6, RR-1, RR-2; issue #15 item 8)."""

import pytest
from django.core.exceptions import PermissionDenied

from apps.curation.models import AuditEntry, Proposal, Version
from apps.curation.services import proposal_approve, proposal_archive, version_restore
from apps.directory.models import Channel, Location, ServiceAtLocation

from .test_proposals import cast, hotline_channel  # noqa: F401 - the fixture


def service_page(client, service):
    response = client.get(f"/en/s/{service.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_archiving_a_hotline_number_needs_a_coordinator(cast):
    archive = proposal_archive(by=cast.editor_a, instance=hotline_channel())
    assert archive.needs_coordinator
    assert "contact:number" in archive.reasons
    with pytest.raises(PermissionDenied):
        proposal_approve(proposal=archive, by=cast.manager_a)
    assert Channel.objects.filter(number="+33199001001").exists()


def test_an_approved_channel_archive_takes_the_number_off_the_public_page(cast, client):
    channel = hotline_channel()
    assert "tel:+33199001001" in service_page(client, cast.service)
    archive = proposal_archive(by=cast.editor_a, instance=channel)
    assert "tel:+33199001001" in service_page(client, cast.service)  # pending: unchanged
    proposal_approve(proposal=archive, by=cast.coordinator)
    archive.refresh_from_db()
    assert archive.status == Proposal.Status.APPROVED
    assert "tel:+33199001001" not in service_page(client, cast.service)
    assert "tel:+33199001001" not in client.get("/en/r/fr/").content.decode()
    assert AuditEntry.objects.filter(
        action="record.archived", target_model="channel", target_id=channel.pk
    ).exists()
    # What was removed is kept, whole, as the record's last version.
    version = Version.objects.filter(target_model="channel", target_id=channel.pk).last()
    assert version.proposal == archive
    assert version.snapshot["number"] == "+33199001001"
    assert version.snapshot["languages"] == ["ara", "eng", "fra"]


def test_an_archived_channel_is_restored_through_review(cast, client):
    channel = hotline_channel()
    proposal_approve(
        proposal=proposal_archive(by=cast.editor_a, instance=channel), by=cast.coordinator
    )
    version = Version.objects.filter(target_model="channel", target_id=channel.pk).last()
    restore = version_restore(by=cast.editor_a, version=version)
    assert restore.needs_coordinator  # a number comes back: a coordinator checks it
    assert "tel:+33199001001" not in service_page(client, cast.service)
    proposal_approve(proposal=restore, by=cast.coordinator_2)
    assert "tel:+33199001001" in service_page(client, cast.service)
    back = Channel.objects.get(number="+33199001001")
    assert back.is_24_7 and back.get_help_now
    assert sorted(back.languages.values_list("code", flat=True)) == ["ara", "eng", "fra"]


def test_archiving_a_place_needs_a_coordinator_and_takes_the_address_off(cast, client):
    office = Location.objects.get(name_en="Example Rights Centre office")
    clinic = ServiceAtLocation.objects.get(location=office).service
    assert "1 place de la Démonstration" in service_page(client, clinic)
    archive = proposal_archive(by=cast.editor_b, instance=office)
    assert archive.needs_coordinator
    proposal_approve(proposal=archive, by=cast.coordinator)
    assert "1 place de la Démonstration" not in service_page(client, clinic)
    assert not Location.objects.filter(pk=office.pk).exists()
    assert not Channel.objects.filter(location_id=office.pk).exists()
    version = Version.objects.filter(target_model="location", target_id=office.pk).last()
    assert version.snapshot["address_1_en"] == "1 place de la Démonstration"
    assert AuditEntry.objects.filter(
        action="record.archived", target_model="location", target_id=office.pk
    ).exists()


def test_archiving_a_listing_with_a_hotline_needs_a_coordinator(cast):
    """Archiving the whole listing takes its numbers off too."""
    archive = proposal_archive(by=cast.editor_a, instance=cast.service)
    assert archive.needs_coordinator
    with pytest.raises(PermissionDenied):
        proposal_approve(proposal=archive, by=cast.manager_a)
