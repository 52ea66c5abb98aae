"""Every write to a listing goes through here: proposals, review, audit, outbox (C2, SR-6/7).

Views, admin actions, imports and restores call these functions; none writes listings
itself. Each function is atomic and records its audit entries and follow-up work in the
same transaction.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core import pagecache
from apps.directory.models.organizations import PublicationStatus
from apps.directory.signals import hard_purge_after_commit, hides_something

from .contact_data import introduces_contact_data
from .models import AuditEntry, OutboxMessage, Proposal, StaffProfile, Version
from .registry import spec_for


class ProposalError(Exception):
    """A proposal cannot be submitted or reviewed; the message says why, plainly."""


def profile_of(user) -> StaffProfile | None:
    return getattr(user, "staff_profile", None)


def is_coordinator(user) -> bool:
    profile = profile_of(user)
    return bool(user.is_superuser or (profile and profile.is_coordinator))


def may_act_for(user, organization_id) -> bool:
    """Partners act only for their own organisation (SR-15); coordinators for all."""
    if is_coordinator(user):
        return True
    profile = profile_of(user)
    return bool(profile and profile.is_partner and profile.organization_id == organization_id)


# --- outbox ---------------------------------------------------------------------------


def outbox_record(*, kind: str, key: str, payload: dict) -> OutboxMessage:
    """Record follow-up work in the current transaction; sent after commit (RR-6)."""
    message, _created = OutboxMessage.objects.get_or_create(
        key=key, defaults={"kind": kind, "payload": payload}
    )
    from .tasks import enqueue_after_commit

    enqueue_after_commit(message.pk)
    return message


@transaction.atomic
def outbox_retry(*, ids, by) -> int:
    """Give dead (or waiting) messages a fresh set of attempts, audited; returns how many."""
    from .tasks import enqueue_after_commit

    if not is_coordinator(by):
        raise PermissionDenied
    messages = list(OutboxMessage.objects.undelivered().filter(pk__in=ids).select_for_update())
    for message in messages:
        audit_record(
            actor=by,
            action="outbox.retried",
            target_model="outboxmessage",
            target_id=message.pk,
            field="attempts",
            old=message.attempts,
            new=0,
        )
        message.attempts = 0
        message.save(update_fields=["attempts"])
        enqueue_after_commit(message.pk)
    return len(messages)


def outbox_dead_count(user) -> int | None:
    """How many messages were given up on, for the staff home; None for partners."""
    if not is_coordinator(user):
        return None
    return OutboxMessage.objects.dead().count()


def notify(*, user, template: str, key: str, context: dict) -> None:
    """An email to a staff member, in their language, with links only (C7). Nobody to
    tell when there is no author (an organisation's application to be listed)."""
    if user is None or not user.email:
        return
    profile = profile_of(user)
    outbox_record(
        kind=OutboxMessage.Kind.EMAIL,
        key=key,
        payload={
            "to": user.email,
            "language": profile.language if profile else "en",
            "template": template,
            "context": context,
        },
    )


def purge_public_cache(reason: str, *, hard: bool = True) -> None:
    """Kept public pages are stale. ``hard=False`` for a publication that hides nothing:
    the previous copy of a page may be served for a few seconds while it is rebuilt
    (decision 0014); anything else purges hard."""
    from apps.interchange.hsds.stored import changed

    changed()  # the stored HSDS documents, in this transaction (apps/interchange/hsds/stored.py)
    # At once, so the next visitor sees the change; and again from the outbox after the
    # commit, in case a visitor re-cached the old page while this transaction was open.
    pagecache.purge(hard=hard)
    if hard and transaction.get_connection().in_atomic_block:
        # Also at the commit itself, after any softer purge of the same transaction:
        # pages built from the state before the commit must never be served after it.
        transaction.on_commit(hard_purge_after_commit)
    outbox_record(
        kind=OutboxMessage.Kind.CACHE_PURGE,
        key=f"purge:{reason}:{timezone.now().isoformat()}",
        payload={"reason": reason, "hard": hard},
    )


# --- proposals ------------------------------------------------------------------------


def _changed(spec, instance, values: dict) -> tuple[dict, dict]:
    current = spec.snapshot(instance) if instance is not None else {}
    changes = {k: v for k, v in values.items() if not _same(current.get(k), v)}
    base = {k: current.get(k) for k in changes}
    return changes, base


def _same(old, new) -> bool:
    # An empty form field and an unset (NULL) language column mean the same thing.
    return old == new or (old in (None, "") and new in (None, ""))


def coordinator_reasons(spec, changes: dict, base: dict) -> list[str]:
    """Why these changes need a coordinator other than their author: contact fields, or
    contact data pasted into free text (SR-6, SR-7). Empty when they need neither."""
    reasons = []
    for name, value in changes.items():
        if spec.is_contact_field(name):
            reasons.append(f"contact:{name}")
        elif introduces_contact_data(base.get(name), value):
            reasons.append(f"free-text-contact:{name}")
    return reasons


def _archive_reasons(spec, instance) -> list[str]:
    """Archiving takes a record's contact data off the public pages: a number, a link,
    an address, or a listing's channels. Removing them is a contact change too (SR-6)."""
    reasons = [
        f"contact:{name}"
        for name, value in spec.snapshot(instance).items()
        if spec.is_contact_field(name) and value not in (None, "", [])
    ]
    if spec.name == "service" and instance.channels.exclude(number="", url="", email="").exists():
        reasons.append("contact:channels")
    return reasons


@transaction.atomic
def proposal_submit(
    *, by, model, values: dict, instance=None, action=None, note="", organization_id=None
) -> Proposal:
    """Propose new values for a record (or a new record); nothing changes until approval."""
    spec = spec_for(model)
    if instance is not None:
        # The base of the diff is what is stored now, not what the caller holds.
        instance = spec.model._default_manager.get(pk=instance.pk)
    action = action or (Proposal.Action.EDIT if instance is not None else Proposal.Action.CREATE)
    unknown = set(values) - set(spec.field_names())
    if unknown:
        raise ProposalError(_("These fields cannot be changed: %s") % ", ".join(sorted(unknown)))
    organization_id = organization_id or spec.organization_id_from(values, instance)
    if organization_id is None and spec.organization_field != "self":
        raise ProposalError(_("Choose the organisation this belongs to."))
    if spec.organization_field != "self" or instance is not None:
        if not may_act_for(by, organization_id):
            raise PermissionDenied
    elif not is_coordinator(by):
        raise PermissionDenied  # only coordinators propose new organisations
    changes, base = _changed(spec, instance, values)
    if action == Proposal.Action.EDIT and not changes:
        raise ProposalError(_("Nothing was changed."))
    reasons = coordinator_reasons(spec, changes, base)
    if action == Proposal.Action.ARCHIVE:
        reasons += _archive_reasons(spec, instance)
    proposal = Proposal.objects.create(
        action=action,
        target_model=spec.name,
        target_id=instance.pk if instance is not None else None,
        organization_id=organization_id or (instance.pk if instance else None),
        changes=changes,
        base=base,
        needs_coordinator=bool(reasons),
        reasons=reasons,
        author=by,
        note=note,
    )
    _audit(by, "proposal.submitted", proposal, spec.name, proposal.target_id)
    return proposal


def audit_entry(
    *,
    actor,
    action,
    target_model,
    target_id,
    organization_id=None,
    field="",
    old=None,
    new=None,
    proposal=None,
) -> AuditEntry:
    """An entry for the append-only trail, unsaved: save it (or bulk-create many) inside
    the change's transaction (SR-10)."""
    return AuditEntry(
        actor=actor,
        action=action,
        target_model=target_model,
        target_id=target_id,
        organization_id=organization_id,
        field=field,
        old_value=old,
        new_value=new,
        proposal=proposal,
    )


def audit_record(**kwargs) -> AuditEntry:
    """The one way a single entry joins the append-only trail; call it inside the
    change's transaction (SR-10)."""
    entry = audit_entry(**kwargs)
    entry.save()
    return entry


def _audit(actor, action, proposal, target_model, target_id, *, field="", old=None, new=None):
    return audit_record(
        actor=actor,
        action=action,
        target_model=target_model,
        target_id=target_id,
        organization_id=proposal.organization_id if proposal else None,
        field=field,
        old=old,
        new=new,
        proposal=proposal,
    )


def may_review(user, proposal) -> bool:
    if user.pk == proposal.author_id:
        return False  # four eyes: never one's own change (SR-6)
    if is_coordinator(user):
        return True
    if proposal.needs_coordinator:
        return False
    profile = profile_of(user)
    return bool(
        profile
        and profile.role == StaffProfile.Role.PARTNER_MANAGER
        and profile.organization_id == proposal.organization_id
    )


def _locked_pending(proposal) -> Proposal:
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != Proposal.Status.PENDING:
        raise ProposalError(_("This proposal has already been reviewed."))
    return proposal


def _snapshot_version(spec, instance, proposal):
    last = Version.objects.filter(target_model=spec.name, target_id=instance.pk).aggregate(
        n=Max("number")
    )["n"]
    return Version.objects.create(
        target_model=spec.name,
        target_id=instance.pk,
        number=(last or 0) + 1,
        snapshot=spec.snapshot(instance),
        proposal=proposal,
    )


@transaction.atomic
def proposal_approve(*, proposal, by, comment="") -> Proposal:
    """Publish a proposal: apply it, audit every field, keep a version, notify (C2, SR-10)."""
    proposal = _locked_pending(proposal)
    if by.pk == proposal.author_id:
        raise ProposalError(_("You cannot approve your own proposal."))
    if not may_review(by, proposal):
        raise PermissionDenied
    spec = spec_for(proposal.target_model)
    model = spec.model
    if proposal.action == Proposal.Action.CREATE:
        instance = model()
        if hasattr(instance, "status"):
            instance.status = PublicationStatus.PUBLISHED
    else:
        instance = model._default_manager.select_for_update().get(pk=proposal.target_id)
        current = spec.snapshot(instance)
        stale = [k for k, v in proposal.base.items() if current.get(k) != v]
        if stale:
            raise ProposalError(
                _("The listing changed after this was proposed (%s). Ask for a new proposal.")
                % ", ".join(sorted(stale))
            )
    before = spec.snapshot(instance) if instance.pk else {}
    target_id = instance.pk
    # A record without a publication status (a channel, a place) is archived by taking
    # it out of the listing whole; its last version keeps it, to restore from (RR-2).
    removed = proposal.action == Proposal.Action.ARCHIVE and not _has_status(spec)
    try:
        if removed:
            _snapshot_version(spec, instance, proposal)
            _remove(spec, instance, proposal, by)
        elif proposal.action == Proposal.Action.ARCHIVE:
            instance.status = PublicationStatus.ARCHIVED
            instance.save(update_fields=["status"])
        elif proposal.action == Proposal.Action.RESTORE and hasattr(instance, "status"):
            instance.status = PublicationStatus.PUBLISHED
            spec.apply(instance, proposal.changes)
        else:
            spec.apply(instance, proposal.changes)
    except ValidationError as error:
        raise ProposalError(
            _("This proposal is not valid: %s") % "; ".join(error.messages)
        ) from None
    after = {} if removed else spec.snapshot(instance)
    target_id = target_id or instance.pk
    proposal.target_id = target_id
    if proposal.organization_id is None:  # a new organisation: the proposal is now its own
        proposal.organization = instance
    proposal.status = Proposal.Status.APPROVED
    proposal.reviewer = by
    proposal.reviewed_at = timezone.now()
    proposal.review_comment = comment
    proposal.save()
    _audit(by, "proposal.approved", proposal, spec.name, target_id)
    for name in sorted(set(before) | set(after)):
        if before.get(name) != after.get(name):
            _audit(
                by,
                "field.changed",
                proposal,
                spec.name,
                target_id,
                field=name,
                old=before.get(name),
                new=after.get(name),
            )
    if proposal.action in (Proposal.Action.ARCHIVE, Proposal.Action.RESTORE):
        _audit(
            by,
            f"record.{proposal.action}d",
            proposal,
            spec.name,
            target_id,
            field="" if removed else "status",
            old=before.get("status"),
            new=None if removed else getattr(instance, "status", None),
        )
    if not removed:
        _snapshot_version(spec, instance, proposal)
    notify(
        user=proposal.author,
        template="approved",
        key=f"proposal:{proposal.pk}:approved",
        context={"proposal": proposal.pk},
    )
    # A change that hides, removes or changes contact data is never followed by the
    # previous copy of a page (SR-5, SR-6); any other is published softly (0014).
    hides = (
        removed
        or proposal.action == Proposal.Action.ARCHIVE
        or hides_something(instance)
        or (
            proposal.action != Proposal.Action.CREATE
            and bool(coordinator_reasons(spec, proposal.changes, proposal.base))
        )
    )
    purge_public_cache(f"proposal-{proposal.pk}", hard=hides)
    return proposal


def _has_status(spec) -> bool:
    return any(f.name == "status" for f in spec.model._meta.concrete_fields)


def _remove(spec, instance, proposal, by) -> None:
    """Take a channel or a place out of the directory, with everything that pointed at
    it, each step in the audit trail (SR-10)."""
    from apps.directory.models import Channel, ServiceAtLocation

    if spec.name == "location":
        for link in ServiceAtLocation.objects.filter(location=instance):
            _audit(
                by,
                "link.removed",
                proposal,
                "service",
                link.service_id,
                field="locations",
                old=instance.pk,
            )
            link.delete()
        for channel in Channel.objects.filter(location=instance):
            _audit(
                by,
                "field.changed",
                proposal,
                "channel",
                channel.pk,
                field="location_id",
                old=instance.pk,
            )
            channel.location = None
            channel.save(update_fields=["location"])
    instance.delete()


@transaction.atomic
def proposal_reject(*, proposal, by, comment="") -> Proposal:
    proposal = _locked_pending(proposal)
    if not may_review(by, proposal):
        raise PermissionDenied
    proposal.status = Proposal.Status.REJECTED
    proposal.reviewer, proposal.reviewed_at = by, timezone.now()
    proposal.review_comment = comment
    proposal.save()
    _audit(by, "proposal.rejected", proposal, proposal.target_model, proposal.target_id)
    notify(
        user=proposal.author,
        template="rejected",
        key=f"proposal:{proposal.pk}:rejected",
        context={"proposal": proposal.pk},
    )
    return proposal


@transaction.atomic
def proposal_withdraw(*, proposal, by) -> Proposal:
    proposal = _locked_pending(proposal)
    if by.pk != proposal.author_id:
        raise PermissionDenied
    proposal.status = Proposal.Status.WITHDRAWN
    proposal.save(update_fields=["status"])
    _audit(by, "proposal.withdrawn", proposal, proposal.target_model, proposal.target_id)
    return proposal


def proposal_archive(*, by, instance, note="") -> Proposal:
    """Soft deletion is a proposal too (RR-2); hard purge only by a command."""
    return proposal_submit(
        by=by,
        model=type(instance),
        values={},
        instance=instance,
        action=Proposal.Action.ARCHIVE,
        note=note,
    )


def version_restore(*, by, version: Version, note="") -> Proposal:
    """Restoring version k is a new proposal with version k's values, reviewed as usual."""
    spec = spec_for(version.target_model)
    values = {k: v for k, v in version.snapshot.items() if k in spec.field_names()}
    note = note or f"restore version {version.number}"
    instance = spec.model._default_manager.filter(pk=version.target_id).first()
    if instance is None:  # archived by removal (a channel, a place): proposed anew
        return proposal_submit(
            by=by, model=spec.model, values=values, action=Proposal.Action.CREATE, note=note
        )
    action = Proposal.Action.EDIT
    if getattr(instance, "status", None) == PublicationStatus.ARCHIVED:
        action = Proposal.Action.RESTORE
    return proposal_submit(
        by=by,
        model=spec.model,
        values=values,
        instance=instance,
        action=action,
        note=note,
    )


# --- memberships ------------------------------------------------------------------------


@transaction.atomic
def staff_profile_save(*, profile, by, changed=()) -> None:
    """Roles and memberships change only with an audit entry (RR-1, SR-10)."""
    old = StaffProfile.objects.filter(pk=profile.pk).values("role", "organization_id").first()
    profile.full_clean()
    profile.save()
    new = {"role": profile.role, "organization_id": profile.organization_id}
    audit_record(
        actor=by,
        action="membership.changed" if old else "membership.created",
        target_model="staffprofile",
        target_id=profile.pk,
        organization_id=profile.organization_id,
        field=",".join(changed),
        old=old,
        new=new,
    )


@transaction.atomic
def staff_profile_delete(*, profile, by) -> None:
    audit_record(
        actor=by,
        action="membership.ended",
        target_model="staffprofile",
        target_id=profile.pk,
        organization_id=profile.organization_id,
        old={
            "role": profile.role,
            "organization_id": profile.organization_id,
            "user": profile.user_id,
        },
    )
    profile.delete()


@transaction.atomic
def service_purge(*, service) -> None:
    """Hard deletion of an archived service; only the purge command calls this (RR-2)."""
    if service.status != PublicationStatus.ARCHIVED:
        raise ProposalError(_("Only archived listings can be purged."))
    audit_record(
        actor=None,
        action="record.purged",
        target_model="service",
        target_id=service.pk,
        organization_id=service.organization_id,
        field="name",
        old=service.name,
    )
    service.service_at_locations.all().delete()
    service.delete()


# --- verification ---------------------------------------------------------------------

DEFAULT_CADENCE_DAYS = 180
CADENCE_DAYS = {"hotline": 90, "emergency-housing": 90, "reporting": 90}


def cadence_for_codes(codes) -> int:
    """Days between verifications for a listing of these service types (the shortest)."""
    return min(
        [CADENCE_DAYS.get(code, DEFAULT_CADENCE_DAYS) for code in codes] or [DEFAULT_CADENCE_DAYS]
    )


def cadence_for(service) -> int:
    return cadence_for_codes(
        t.code for t in service.terms.all() if t.taxonomy.slug == "service-type"
    )


def verify_by_from(last_verified: dt.date, codes) -> dt.date:
    """When a listing verified on ``last_verified`` must be verified again (C4)."""
    return last_verified + dt.timedelta(days=cadence_for_codes(codes))


@transaction.atomic
def service_confirm(*, service, by) -> None:
    """A partner confirms "still correct" in one step; it is recorded (C4)."""
    if not may_act_for(by, service.organization_id):
        raise PermissionDenied
    profile = profile_of(by)
    today = timezone.localdate()
    old = {
        "assured_date": service.assured_date and service.assured_date.isoformat(),
        "verify_by": service.verify_by and service.verify_by.isoformat(),
    }
    service.assured_date = today
    service.assurer_id = (profile and profile.organization_id) or service.organization_id
    service.verify_by = today + dt.timedelta(days=cadence_for(service))
    service.save(update_fields=["assured_date", "assurer", "verify_by", "last_modified"])
    audit_record(
        actor=by,
        action="service.verified",
        target_model="service",
        target_id=service.pk,
        organization_id=service.organization_id,
        field="assured_date",
        old=old,
        new={"assured_date": today.isoformat(), "verify_by": service.verify_by.isoformat()},
    )
    purge_public_cache(f"verified-{service.pk}", hard=False)  # dates only


# --- space available and priority lines (issue 21) ------------------------------------


class RefusedChange(Exception):
    """A one-click change that cannot be made; the message says why, plainly."""


@transaction.atomic
def capacity_set(*, by, service_id, status: str, shown_version: str) -> None:
    """A partner says how much space a service has now: no review (operational status,
    not contact data), audited, the public cache purged. ``shown_version`` is what the
    form was shown (``capacity.version_of``): if someone changed it since, it is refused."""
    from apps.directory.capacity import version_of
    from apps.directory.models import Service
    from apps.directory.models.organizations import CapacityStatus

    service = Service.objects.select_for_update().filter(pk=service_id).first()
    if service is None or not may_act_for(by, service.organization_id):
        raise RefusedChange(_("You can update the space of your own organisation’s services only."))
    archived = PublicationStatus.ARCHIVED
    if archived in (service.status, service.organization.status):
        raise RefusedChange(_("This service is archived: its space cannot be updated."))
    if status not in CapacityStatus.values:
        raise RefusedChange(_("Choose one of the statuses shown."))
    if shown_version != version_of(service):
        raise RefusedChange(
            _(
                "Someone changed the space of this service after your page was opened. "
                "Check the status shown now and try again."
            )
        )
    old = {"status": service.capacity_status, "updated": to_plain_time(service.capacity_updated)}
    service.capacity_status = status
    service.capacity_updated = timezone.now()
    service.save(update_fields=["capacity_status", "capacity_updated"])
    audit_record(
        actor=by,
        action="service.capacity",
        target_model="service",
        target_id=service.pk,
        organization_id=service.organization_id,
        field="capacity_status",
        old=old,
        new={"status": status, "updated": to_plain_time(service.capacity_updated)},
    )
    # Hides nothing: the previous copy may be served for a few seconds (decision 0014).
    purge_public_cache(f"capacity-{service.pk}", hard=False)


def to_plain_time(moment) -> str | None:
    return moment.isoformat() if moment else None


@transaction.atomic
def priority_line_add(*, by, country, service) -> None:
    """A coordinator puts a service first for a country; at most three (issue 21)."""
    from apps.directory.models import PriorityLine, Region, Service

    if not is_coordinator(by):
        raise PermissionDenied
    # One change per country at a time (the country's row is the lock, even when it has
    # no lines yet), so two coordinators cannot both take the last place.
    Region.objects.select_for_update().filter(pk=country.pk).first()
    lines = list(PriorityLine.objects.filter(country=country))
    if any(line.service_id == service.pk for line in lines):
        raise RefusedChange(_("This service is already a priority line for this country."))
    if len(lines) >= PriorityLine.MAX_PER_COUNTRY:
        raise RefusedChange(
            _("%(country)s already has three priority lines. Remove one first.")
            % {"country": country.display_name}
        )
    serving = Service.objects.published().serving(country).filter(pk=service.pk).exists()
    if not serving:
        raise RefusedChange(_("This service is not published for this country."))
    taken = {line.position for line in lines}
    position = min(set(range(1, PriorityLine.MAX_PER_COUNTRY + 1)) - taken)
    line = PriorityLine.objects.create(country=country, service=service, position=position)
    audit_record(
        actor=by,
        action="priority_line.added",
        target_model="service",
        target_id=service.pk,
        organization_id=service.organization_id,
        field="priority_line",
        new={"country": country.code, "position": line.position},
    )
    purge_public_cache(f"priority-{country.code}", hard=False)


@transaction.atomic
def priority_line_remove(*, by, country, service) -> None:
    from apps.directory.models import PriorityLine

    if not is_coordinator(by):
        raise PermissionDenied
    line = PriorityLine.objects.select_for_update().filter(country=country, service=service).first()
    if line is None:
        raise RefusedChange(_("This service is not a priority line for this country."))
    audit_record(
        actor=by,
        action="priority_line.removed",
        target_model="service",
        target_id=service.pk,
        organization_id=service.organization_id,
        field="priority_line",
        old={"country": country.code, "position": line.position},
    )
    line.delete()
    purge_public_cache(f"priority-{country.code}", hard=False)
