import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .people import visible_to_staff

MESSAGE_MAX_LENGTH = 2000
# Resolved reports are deleted this long after they were resolved (C5).
RETENTION = dt.timedelta(days=90)


class ProblemReportQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=ProblemReport.Status.OPEN)

    def visible_to(self, user):
        return visible_to_staff(self, user)

    def resolved_before(self, moment):
        """Reports resolved before ``moment``: what the daily purge deletes."""
        return self.filter(status=ProblemReport.Status.RESOLVED, resolved_at__lt=moment)


class ProblemReport(models.Model):
    """A visitor's note that a listing is wrong (C5).

    Deliberately holds nothing about the sender: no address, no browser, no contact.
    """

    class Category(models.TextChoices):
        WRONG_NUMBER = "number", _("A phone number is wrong")
        WRONG_HOURS = "hours", _("The hours are wrong")
        CLOSED = "closed", _("It has closed or moved")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    service = models.ForeignKey(
        "directory.Service",
        models.CASCADE,
        related_name="problem_reports",
        verbose_name=_("listing"),
    )
    # Copied from the service when the report arrives, so each partner's queue is one
    # indexed filter and a report stays with the organisation it was sent to.
    organization = models.ForeignKey(
        "directory.Organization",
        models.CASCADE,
        related_name="problem_reports",
        verbose_name=_("organisation"),
    )
    category = models.CharField(_("what is wrong"), max_length=8, choices=Category.choices)
    message = models.TextField(_("details"), max_length=MESSAGE_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )

    objects = ProblemReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("problem report")
        verbose_name_plural = _("problem reports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open", resolved_at__isnull=True)
                | models.Q(status="resolved", resolved_at__isnull=False),
                name="problem_report_resolved_has_date",
            )
        ]

    def __str__(self):
        return f"{self.get_category_display()} #{self.pk}"
