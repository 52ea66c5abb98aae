"""Every change is a proposal that someone else approves (C2, C3, SR-6, SR-7, SR-10, RR-1, RR-2)."""

import types

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from apps.curation.models import AuditEntry, OutboxMessage, Proposal, StaffProfile, Version
from apps.curation.services import (
    ProposalError,
    proposal_approve,
    proposal_archive,
    proposal_reject,
    proposal_submit,
    version_restore,
)
from apps.directory.models import Channel, Organization, Service


def make_user(name, role, organization=None):
    user = get_user_model().objects.create_user(name, f"{name}@example.org", "x" * 16)
    StaffProfile.objects.create(
        user=user,
        role=role,
        organization=organization,
        language="fr" if name.endswith("_a") else "en",
    )
    return user


@pytest.fixture
def cast(demo):
    partner_a = Organization.objects.get(name_en__startswith="Example Safe Homes")
    partner_b = Organization.objects.get(name_en__startswith="Example Rights Centre")
    return types.SimpleNamespace(
        partner_a=partner_a,
        partner_b=partner_b,
        editor_a=make_user("editor_a", "editor", partner_a),
        manager_a=make_user("manager_a", "manager", partner_a),
        editor_b=make_user("editor_b", "editor", partner_b),
        coordinator=make_user("coordinator", "coordinator"),
        coordinator_2=make_user("coordinator_2", "coordinator"),
        service=Service.objects.get(name_en="Example National Helpline"),
    )


def hotline_channel():
    return Channel.objects.get(number="+33199001001")


def test_an_edit_stays_pending_and_the_public_keeps_the_old_text(cast, client):
    proposal = proposal_submit(
        by=cast.editor_a,
        model=Service,
        instance=cast.service,
        values={"description_en": "New description"},
    )
    assert proposal.status == Proposal.Status.PENDING
    cast.service.refresh_from_db()
    assert cast.service.description_en != "New description"
    assert "New description" not in client.get(f"/en/s/{cast.service.pk}/").content.decode()


def test_a_manager_of_the_same_partner_publishes_a_text_change(cast, client):
    proposal = proposal_submit(
        by=cast.editor_a,
        model=Service,
        instance=cast.service,
        values={"description_fr": "Nouvelle description"},
    )
    assert not proposal.needs_coordinator
    proposal_approve(proposal=proposal, by=cast.manager_a)
    assert "Nouvelle description" in client.get(f"/fr/s/{cast.service.pk}/").content.decode()
    entries = AuditEntry.objects.filter(proposal=proposal)
    changed = entries.get(action="field.changed")
    assert changed.field == "description_fr" and changed.new_value == "Nouvelle description"
    assert changed.actor == cast.manager_a
    assert entries.filter(action="proposal.submitted", actor=cast.editor_a).exists()


def test_self_approval_is_refused(cast):
    proposal = proposal_submit(
        by=cast.coordinator, model=Service, instance=cast.service, values={"name_en": "Renamed"}
    )
    with pytest.raises(ProposalError):
        proposal_approve(proposal=proposal, by=cast.coordinator)
    assert Service.objects.get(pk=cast.service.pk).name_en == "Example National Helpline"


def test_a_phone_number_change_needs_a_coordinator(cast, client):
    """SR-6: a hijacked hotline number is an attack."""
    channel = hotline_channel()
    proposal = proposal_submit(
        by=cast.editor_a, model=Channel, instance=channel, values={"number": "+33199009999"}
    )
    assert proposal.needs_coordinator and "contact:number" in proposal.reasons
    with pytest.raises(PermissionDenied):
        proposal_approve(proposal=proposal, by=cast.manager_a)
    html = client.get(f"/en/s/{cast.service.pk}/").content.decode()
    assert "tel:+33199001001" in html and "+33199009999" not in html
    proposal_approve(proposal=proposal, by=cast.coordinator)
    assert "tel:+33199009999" in client.get(f"/en/s/{cast.service.pk}/").content.decode()


@pytest.mark.parametrize(
    "text",
    [
        "Call us now on +33 1 99 00 77 77",
        "Nouveau numéro : 01 99 00 77 77",
        "Write to help@evil.example",
        "Chat at https://evil.example/chat",
        "Visit evil.example/help",
        "رقم جديد ٠١٩٩٠٠٧٧٧٧",
    ],
)
def test_contact_data_pasted_into_free_text_needs_a_coordinator(cast, text):
    """SR-7: a number or link pasted into a description is contact data too."""
    proposal = proposal_submit(
        by=cast.editor_a, model=Service, instance=cast.service, values={"description_en": text}
    )
    assert proposal.needs_coordinator
    with pytest.raises(PermissionDenied):
        proposal_approve(proposal=proposal, by=cast.manager_a)


def test_visibility_change_needs_a_coordinator(cast):
    location = cast.partner_a.locations.first()
    proposal = proposal_submit(
        by=cast.editor_a, model=type(location), instance=location, values={"visibility": "public"}
    )
    assert proposal.needs_coordinator


def test_partners_cannot_propose_for_another_organisation(cast):
    with pytest.raises(PermissionDenied):
        proposal_submit(
            by=cast.editor_b, model=Service, instance=cast.service, values={"name_en": "Hijacked"}
        )


def test_an_editor_cannot_approve(cast):
    proposal = proposal_submit(
        by=cast.manager_a, model=Service, instance=cast.service, values={"name_en": "Renamed"}
    )
    with pytest.raises(PermissionDenied):
        proposal_approve(proposal=proposal, by=cast.editor_a)


def test_rejected_proposals_change_nothing_and_tell_the_author(cast):
    proposal = proposal_submit(
        by=cast.editor_a, model=Service, instance=cast.service, values={"name_en": "Renamed"}
    )
    proposal_reject(proposal=proposal, by=cast.coordinator, comment="No")
    assert Service.objects.get(pk=cast.service.pk).name_en == "Example National Helpline"
    assert OutboxMessage.objects.filter(key=f"proposal:{proposal.pk}:rejected").exists()


def test_a_stale_proposal_cannot_overwrite_a_newer_change(cast):
    first = proposal_submit(
        by=cast.editor_a, model=Service, instance=cast.service, values={"name_en": "First"}
    )
    second = proposal_submit(
        by=cast.editor_a, model=Service, instance=cast.service, values={"name_en": "Second"}
    )
    proposal_approve(proposal=first, by=cast.manager_a)
    with pytest.raises(ProposalError, match="changed after"):
        proposal_approve(proposal=second, by=cast.manager_a)


def test_a_new_service_is_public_only_after_approval(cast, client):
    proposal = proposal_submit(
        by=cast.editor_a,
        model=Service,
        values={
            "organization_id": cast.partner_a.pk,
            "name_en": "Brand new line",
            "time_zone": "Europe/Paris",
            "areas": ["FR"],
            "terms": [],
        },
    )
    assert not Service.objects.filter(name_en="Brand new line").exists()
    proposal_approve(proposal=proposal, by=cast.manager_a)
    created = Service.objects.get(name_en="Brand new line")
    assert created.status == "published"
    assert "Brand new line" in client.get("/en/r/fr/").content.decode()


def test_archiving_is_soft_and_restorable(cast, client):
    archive = proposal_archive(by=cast.editor_a, instance=cast.service)
    proposal_approve(proposal=archive, by=cast.coordinator)  # it takes numbers off
    assert client.get(f"/en/s/{cast.service.pk}/").status_code == 404
    assert Service.objects.filter(pk=cast.service.pk, status="archived").exists()
    version = Version.objects.filter(target_model="service", target_id=cast.service.pk).last()
    restore = version_restore(by=cast.editor_a, version=version)
    assert restore.action == Proposal.Action.RESTORE
    proposal_approve(proposal=restore, by=cast.coordinator_2)
    assert client.get(f"/en/s/{cast.service.pk}/").status_code == 200


def test_restoring_version_k_reproduces_it_in_every_language(cast):
    """RR-1."""
    first = proposal_submit(
        by=cast.editor_a,
        model=Service,
        instance=cast.service,
        values={
            "name_en": "Version one",
            "name_ar": "النسخة الأولى",
            "description_uk": "Перша версія",
        },
    )
    proposal_approve(proposal=first, by=cast.manager_a)
    version_one = Version.objects.get(proposal=first)
    second = proposal_submit(
        by=cast.editor_a,
        model=Service,
        instance=cast.service,
        values={
            "name_en": "Version two",
            "name_ar": "النسخة الثانية",
            "description_uk": "Друга версія",
            "terms": [],
        },
    )
    proposal_approve(proposal=second, by=cast.manager_a)
    restore = version_restore(by=cast.editor_a, version=version_one)
    assert restore.status == Proposal.Status.PENDING  # restoring is reviewed too (SR-7)
    proposal_approve(proposal=restore, by=cast.coordinator)
    service = Service.objects.get(pk=cast.service.pk)
    assert (service.name_en, service.name_ar, service.description_uk) == (
        "Version one",
        "النسخة الأولى",
        "Перша версія",
    )
    assert service.terms.count() == len(version_one.snapshot["terms"]) > 0


def test_restoring_an_old_number_still_needs_a_coordinator(cast):
    channel = hotline_channel()
    change = proposal_submit(
        by=cast.editor_a, model=Channel, instance=channel, values={"label_en": "Renamed line"}
    )
    proposal_approve(proposal=change, by=cast.manager_a)
    number = proposal_submit(
        by=cast.editor_a, model=Channel, instance=channel, values={"number": "+33199008888"}
    )
    proposal_approve(proposal=number, by=cast.coordinator)
    restore = version_restore(by=cast.editor_a, version=Version.objects.get(proposal=change))
    assert restore.needs_coordinator


def test_the_audit_trail_cannot_be_edited_or_deleted(cast):
    proposal = proposal_submit(
        by=cast.editor_a, model=Service, instance=cast.service, values={"name_en": "X"}
    )
    entry = AuditEntry.objects.filter(proposal=proposal).first()
    entry.field = "tampered"
    with pytest.raises(PermissionDenied):
        entry.save()
    with pytest.raises(PermissionDenied):
        entry.delete()
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.all().update(field="tampered")
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.all().delete()


def test_approval_writes_audit_and_outbox_in_the_same_transaction(cast, monkeypatch):
    """If anything fails while publishing, nothing is half-written (SR-10)."""
    import apps.curation.services as services

    proposal = proposal_submit(
        by=cast.editor_a, model=Service, instance=cast.service, values={"name_en": "Atomic"}
    )

    def explode(*args, **kwargs):
        raise RuntimeError("version store failed")

    monkeypatch.setattr(services, "_snapshot_version", explode)
    with pytest.raises(RuntimeError):
        proposal_approve(proposal=proposal, by=cast.manager_a)
    assert Service.objects.get(pk=cast.service.pk).name_en == "Example National Helpline"
    assert not AuditEntry.objects.filter(action="proposal.approved").exists()
    assert Proposal.objects.get(pk=proposal.pk).status == Proposal.Status.PENDING


def test_unknown_fields_cannot_be_proposed(cast):
    with pytest.raises(ProposalError):
        proposal_submit(
            by=cast.editor_a, model=Service, instance=cast.service, values={"status": "published"}
        )


def test_invalid_values_are_refused_at_approval_with_a_message(cast):
    proposal = proposal_submit(
        by=cast.editor_a, model=Channel, instance=hotline_channel(), values={"number": "+33 1 99"}
    )
    with pytest.raises(ProposalError, match="not valid"):
        proposal_approve(proposal=proposal, by=cast.coordinator)
    assert hotline_channel().number == "+33199001001"


def test_a_coordinator_proposes_a_new_organisation_and_another_approves_it(
    coordinator, administrator
):
    from apps.directory.models import Organization

    proposal = proposal_submit(
        by=coordinator, model=Organization, values={"name_en": "Example New Partner"}
    )
    assert proposal.organization is None
    assert not Organization.objects.filter(name_en="Example New Partner").exists()
    proposal_approve(proposal=proposal, by=administrator)
    created = Organization.objects.get(name_en="Example New Partner")
    assert created.status == "published"
    proposal.refresh_from_db()
    assert proposal.organization == created and proposal.target_id == created.pk
