"""Writes for applications to be listed (issue #22): an organisation applies from the
public form, coordinators vet it with a checklist, and approval publishes it through the
normal proposal path (``services.proposal_approve``), each record audited and versioned.

Kept beside ``services.py`` like ``reports.py``; the same rules hold: keyword-only,
atomic, follow-up work recorded in the outbox.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Application, OutboxMessage, Proposal, StaffProfile
from .models.applications import RETENTION
from .registry import spec_for
from .services import (
    ProposalError,
    audit_record,
    coordinator_reasons,
    is_coordinator,
    notify,
    outbox_record,
    proposal_approve,
    proposal_reject,
    service_confirm,
)

CONTACT_FIELDS = ("contact_name", "contact_role", "contact_phone", "contact_email", "references")


def _suffix(language: str) -> str:
    return language.replace("-", "_")


def _texts(field: str, value: str, language: str, *, also_english=False) -> dict:
    """A text in the applicant's language column; a name also in English, the language
    every other one falls back to, so the listing has a name for every reader."""
    if not value:
        return {}
    columns = {f"{field}_{_suffix(language)}": value}
    if also_english:
        columns[f"{field}_en"] = value
    return columns


def _proposal(application, model, values: dict) -> Proposal:
    spec = spec_for(model)
    proposal = Proposal.objects.create(
        action=Proposal.Action.CREATE,
        target_model=spec.name,
        changes=values,
        base={},
        # A new organisation from outside: only a coordinator may publish any of it.
        needs_coordinator=True,
        reasons=coordinator_reasons(spec, values, {}),
        author=None,
        application=application,
    )
    audit_record(
        actor=None,
        action="proposal.submitted",
        target_model=spec.name,
        target_id=None,
        proposal=proposal,
    )
    return proposal


def _channels(service: dict) -> list[dict]:
    from apps.directory.models import Channel

    found = [
        (Channel.Kind.VOICE, "number", service.get("phone")),
        (Channel.Kind.WEB, "url", service.get("url")),
        (Channel.Kind.EMAIL, "email", service.get("email")),
    ]
    return [
        {"service_id": None, "kind": kind, field: value, "position": position}
        for position, (kind, field, value) in enumerate(item for item in found if item[2])
    ]


@transaction.atomic
def application_submit(*, organization: dict, services: list[dict], language: str) -> Application:
    """File an application in the coordinators' queue as proposals for a new organisation,
    its services and their channels, and tell the coordinators (links only)."""
    from apps.directory.models import Channel, Organization, Service

    application = Application.objects.create(
        language=language, **{name: organization[name] for name in CONTACT_FIELDS}
    )
    _proposal(
        application,
        Organization,
        {
            **_texts("name", organization["name"], language, also_english=True),
            **_texts("description", organization.get("description"), language),
            # Only what was given: an empty website is not a contact change to review.
            **{k: organization[k] for k in ("website", "email") if organization.get(k)},
        },
    )
    layout = []
    for service in services:
        regions = sorted(service["regions"], key=lambda region: region.code)
        service_proposal = _proposal(
            application,
            Service,
            {
                "organization_id": None,  # set when the organisation is approved
                **_texts("name", service["name"], language, also_english=True),
                **_texts("description", service.get("description"), language),
                **_texts("fees_description", service.get("fees"), language),
                "time_zone": regions[0].time_zone,
                "terms": sorted(term.pk for term in service["kinds"]),
                "languages": sorted([lang.code, False] for lang in service["languages"]),
                "areas": [region.code for region in regions],
            },
        )
        channel_proposals = [_proposal(application, Channel, c) for c in _channels(service)]
        layout.append([service_proposal.pk, [p.pk for p in channel_proposals]])
    application.layout = {"services": layout}
    application.save(update_fields=["layout"])
    audit_record(
        actor=None,
        action="application.received",
        target_model="application",
        target_id=application.pk,
    )
    for user in _coordinators():
        notify(
            user=user,
            template="application_received",
            key=f"application:{application.pk}:received:{user.pk}",
            context={"proposal": organization_proposal(application).pk},
        )
    return application


def _coordinators():
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            staff_profile__role__in=[
                StaffProfile.Role.COORDINATOR,
                StaffProfile.Role.ADMINISTRATOR,
            ],
        )
        .exclude(email="")
        .select_related("staff_profile")
    )


def organization_proposal(application) -> Proposal:
    return application.proposals.get(target_model="organization")


def _locked_pending(application) -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != Application.Status.PENDING:
        raise ProposalError(_("This application has already been decided."))
    return application


@transaction.atomic
def application_check(*, application, by, checks) -> list[str]:
    """Save the vetting checklist as ticked now: each item ticked or unticked is kept
    with who and when, and audited. Returns the items that changed."""
    if not is_coordinator(by):
        raise PermissionDenied
    application = _locked_pending(application)
    checks = set(checks)
    changed = []
    now = timezone.now()
    for check in Application.CHECKS:
        ticked = check in checks
        if ticked == application.checked(check):
            continue
        old = {
            "by": getattr(application, f"{check}_by_id"),
            "at": getattr(application, f"{check}_at")
            and getattr(application, f"{check}_at").isoformat(),
        }
        setattr(application, f"{check}_by", by if ticked else None)
        setattr(application, f"{check}_at", now if ticked else None)
        audit_record(
            actor=by,
            action="application.checked" if ticked else "application.unchecked",
            target_model="application",
            target_id=application.pk,
            field=check,
            old=old,
            new={"by": by.pk, "at": now.isoformat()} if ticked else None,
        )
        changed.append(check)
    if changed:
        application.save()
    return changed


@transaction.atomic
def application_approve(*, application, by, comment="") -> Application:
    """Publish the organisation, its services and channels, once the checklist is done and
    by someone other than the one person who did all of it (four eyes, SR-6)."""
    from apps.directory.models import Service

    if not is_coordinator(by):
        raise PermissionDenied
    application = _locked_pending(application)
    if not application.checklist_complete:
        raise ProposalError(
            _(
                "Not approved: first complete the vetting checklist (criteria met, references "
                "checked, contact details verified by calling back)."
            )
        )
    checkers = {getattr(application, f"{check}_by_id") for check in Application.CHECKS}
    if checkers == {by.pk}:
        raise ProposalError(
            _(
                "Not approved: you completed the whole checklist yourself. Another coordinator "
                "must approve this application."
            )
        )
    organization = proposal_approve(
        proposal=organization_proposal(application), by=by, comment=comment
    )
    organization_id = organization.target_id
    first_service, services = None, []
    for service_id, channel_ids in application.layout["services"]:
        service = _approve_child(
            service_id, {"organization_id": organization_id}, organization_id, by, comment
        )
        first_service = first_service or service.target_id
        services.append(service.target_id)
        for channel_id in channel_ids:
            _approve_child(
                channel_id, {"service_id": service.target_id}, organization_id, by, comment
            )
    # Vetted today by calling back: that is a verification, and sets the next one (C4).
    for service in Service.objects.filter(pk__in=services).prefetch_related("terms__taxonomy"):
        service_confirm(service=service, by=by)
    application.status = Application.Status.APPROVED
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "decided_at"])
    audit_record(
        actor=by,
        action="application.approved",
        target_model="application",
        target_id=application.pk,
        organization_id=organization_id,
    )
    _tell_applicant(application, "application_approved", {"service": first_service})
    return application


def _approve_child(pk, links: dict, organization_id, by, comment) -> Proposal:
    """A service or channel of the application, now that what it belongs to exists."""
    proposal = Proposal.objects.select_for_update().get(pk=pk)
    proposal.changes = {**proposal.changes, **links}
    proposal.organization_id = organization_id
    proposal.save(update_fields=["changes", "organization"])
    return proposal_approve(proposal=proposal, by=by, comment=comment)


@transaction.atomic
def application_reject(*, application, by, reason: str, comment="") -> Application:
    """Reject every proposal of the application and tell the applicant why, in their
    language (the reason is one of ``Application.Reason``, translated in the email)."""
    if not is_coordinator(by):
        raise PermissionDenied
    if reason not in Application.Reason.values:
        raise ProposalError(_("Nothing was changed: choose a reason for the applicant."))
    application = _locked_pending(application)
    for proposal in application.proposals.filter(status=Proposal.Status.PENDING):
        proposal_reject(proposal=proposal, by=by, comment=comment or reason)
    application.status = Application.Status.REJECTED
    application.rejection_reason = reason
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "rejection_reason", "decided_at"])
    audit_record(
        actor=by,
        action="application.rejected",
        target_model="application",
        target_id=application.pk,
        field="rejection_reason",
        new=reason,
    )
    _tell_applicant(application, "application_rejected", {"reason": reason, "comment": comment})
    return application


def _tell_applicant(application, template: str, context: dict) -> None:
    name = organization_proposal(application).changes.get("name_en", "")
    outbox_record(
        kind=OutboxMessage.Kind.EMAIL,
        key=f"application:{application.pk}:{template}",
        payload={
            "to": application.contact_email,
            "language": application.language,
            "template": template,
            "context": {**context, "name": name},
        },
    )


def applications_purge(*, now=None) -> int:
    """Delete applications decided more than ``RETENTION`` ago, with the private contact
    and references they hold; their proposals and audit entries stay. Returns how many."""
    cutoff = (now or timezone.now()) - RETENTION
    deleted, _per_model = Application.objects.decided_before(cutoff).delete()
    return deleted
