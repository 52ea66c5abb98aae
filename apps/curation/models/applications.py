import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Decided applications are deleted this long after the decision, with the private
# contact and references they hold; the proposals and the audit trail stay (C5).
RETENTION = dt.timedelta(days=90)
MAX_SERVICES = 3
REFERENCES_MAX_LENGTH = 2000


class ApplicationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=Application.Status.PENDING)

    def decided_before(self, moment):
        """Applications decided before ``moment``: what the daily purge deletes."""
        return self.exclude(status=Application.Status.PENDING).filter(decided_at__lt=moment)


class Application(models.Model):
    """An organisation's request to be listed, sent from the public form.

    What would be published travels as proposals (one for the organisation, one per
    service and channel, ``Proposal.application``). This row holds only what stays
    with the coordinators: who to call back to vet it, the references, the applicant's
    language, and the vetting checklist, each item with who ticked it and when.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    class Reason(models.TextChoices):
        CRITERIA = "criteria", _("It does not meet the inclusion criteria.")
        UNVERIFIED = "unverified", _("We could not verify the organisation or its references.")
        NO_CONTACT = "no_contact", _("We could not reach the vetting contact by calling back.")
        SCOPE = "scope", _("Its services are outside what this directory lists.")

    # The three checks a coordinator completes before approving.
    CHECKS = ("criteria_met", "references_checked", "contact_verified")

    language = models.CharField(
        _("applicant's language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    contact_name = models.CharField(_("contact for vetting"), max_length=200)
    contact_role = models.CharField(_("role in the organisation"), max_length=200, blank=True)
    contact_phone = models.CharField(_("phone for calling back"), max_length=16)
    contact_email = models.EmailField(_("email for the decision"))
    references = models.TextField(_("references"), max_length=REFERENCES_MAX_LENGTH)
    # Which proposals make the listing: {"services": [[service proposal id, [channel
    # proposal ids]], ...]}; the organisation's proposal is the one with target "organization".
    layout = models.JSONField(default=dict)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    rejection_reason = models.CharField(
        _("reason"), max_length=12, choices=Reason.choices, blank=True
    )
    criteria_met_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    criteria_met_at = models.DateTimeField(null=True, blank=True)
    references_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    references_checked_at = models.DateTimeField(null=True, blank=True)
    contact_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    contact_verified_at = models.DateTimeField(null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application to be listed")
        verbose_name_plural = _("applications to be listed")
        ordering = ["-created_at"]

    def __str__(self):
        return f"#{self.pk}"

    def checked(self, check: str) -> bool:
        return getattr(self, f"{check}_at") is not None

    @property
    def checklist_complete(self) -> bool:
        return all(self.checked(check) for check in self.CHECKS)
