"""Writes for problem reports (C5): a visitor sends one, a partner resolves it, time purges it.

Kept beside ``services.py`` rather than in it so the two can change independently; the
same rules hold: keyword-only, atomic, follow-up work recorded in the outbox.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from .models import ProblemReport, StaffProfile
from .models.reports import RETENTION
from .services import audit_record, may_act_for, notify


def report_recipients(organization_id):
    """The owning partner's staff; coordinators when the partner has nobody to tell."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    partners = users.filter(
        staff_profile__organization_id=organization_id,
        staff_profile__role__in=StaffProfile.PARTNER_ROLES,
    )
    if partners.exists():
        return partners.select_related("staff_profile")
    return users.filter(
        staff_profile__role__in=[StaffProfile.Role.COORDINATOR, StaffProfile.Role.ADMINISTRATOR]
    ).select_related("staff_profile")


@transaction.atomic
def report_submit(*, service, category: str, message: str) -> ProblemReport:
    """File a visitor's report in the owning partner's queue and tell its staff (links only)."""
    report = ProblemReport.objects.create(
        service=service,
        organization_id=service.organization_id,
        category=category,
        message=message,
    )
    for user in report_recipients(service.organization_id):
        notify(
            user=user,
            template="report_received",
            key=f"report:{report.pk}:received:{user.pk}",
            context={"report": report.pk},
        )
    return report


@transaction.atomic
def report_resolve(*, report, by) -> ProblemReport:
    """Mark a report dealt with; it is deleted ``RETENTION`` later."""
    report = ProblemReport.objects.select_for_update().get(pk=report.pk)
    if not may_act_for(by, report.organization_id):
        raise PermissionDenied
    if report.status == ProblemReport.Status.RESOLVED:
        return report
    report.status = ProblemReport.Status.RESOLVED
    report.resolved_at = timezone.now()
    report.resolved_by = by
    report.save(update_fields=["status", "resolved_at", "resolved_by"])
    audit_record(
        actor=by,
        action="report.resolved",
        target_model="problemreport",
        target_id=report.pk,
        organization_id=report.organization_id,
    )
    return report


def reports_purge(*, now=None) -> int:
    """Delete reports resolved more than ``RETENTION`` ago; returns how many went."""
    cutoff = (now or timezone.now()) - RETENTION
    deleted, _per_model = ProblemReport.objects.resolved_before(cutoff).delete()
    return deleted
