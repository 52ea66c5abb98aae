"""Hard purge only by command (RR-2); memberships are audited (RR-1); translation marks (L2)."""

import datetime as dt

import pytest
import time_machine
from django.core.management import CommandError, call_command

from apps.curation.models import AuditEntry, StaffProfile
from apps.curation.services import proposal_approve, proposal_archive, staff_profile_save
from apps.directory.models import Service

from .test_proposals import cast  # noqa: F401 - the fixture


def archive(cast, service):
    proposal_approve(
        proposal=proposal_archive(by=cast.editor_a, instance=service), by=cast.coordinator
    )


def test_purge_deletes_only_long_archived_services_and_only_when_told(cast):
    with time_machine.travel(dt.datetime(2025, 1, 1, tzinfo=dt.UTC)):
        archive(cast, cast.service)
    recent = Service.objects.get(name_en="Example Emergency Shelter Lyon")
    archive(cast, recent)
    with pytest.raises(CommandError, match="--yes"):
        call_command("purge_archived")
    assert Service.objects.filter(pk=cast.service.pk).exists()
    call_command("purge_archived", "--yes")
    assert not Service.objects.filter(pk=cast.service.pk).exists()
    assert Service.objects.filter(pk=recent.pk).exists()  # archived today: kept
    assert AuditEntry.objects.filter(action="record.purged", target_id=cast.service.pk).exists()


def test_purge_refuses_a_short_window(cast):
    with pytest.raises(CommandError):
        call_command("purge_archived", "--days", "1", "--yes")


def test_role_changes_are_audited(cast):
    profile = StaffProfile.objects.get(user=cast.editor_a)
    profile.role = StaffProfile.Role.PARTNER_MANAGER
    staff_profile_save(profile=profile, by=cast.coordinator, changed=["role"])
    entry = AuditEntry.objects.get(action="membership.changed", target_id=profile.pk)
    assert entry.old_value["role"] == "editor" and entry.new_value["role"] == "manager"
    assert entry.actor == cast.coordinator


def test_machine_translation_mark_is_per_field(cast, client):
    service = cast.service
    service.translation_status = {"description_fr": "machine"}
    service.save()
    html = client.get(f"/fr/s/{service.pk}/").content.decode()
    heading = html.split("<h1>")[1].split("</h1>")[0]
    assert 'class="shown-in"' not in heading  # the name is not marked
    assert html.count('class="shown-in"') == 1  # the description is
