from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied("The audit trail is append-only.")

    def delete(self):
        raise PermissionDenied("The audit trail is append-only.")


class AppendOnly(models.Model):
    """Rows are written once, in the transaction of the change, and never edited (SR-10)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("The audit trail is append-only.")


class AuditEntry(AppendOnly):
    """Who did what, when, with old and new values; one row per changed field."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("who"),
    )
    action = models.CharField(_("action"), max_length=40)  # e.g. "proposal.approved"
    target_model = models.CharField(_("kind of record"), max_length=40)
    target_id = models.PositiveBigIntegerField(_("record"), null=True)
    organization = models.ForeignKey(
        "directory.Organization",
        models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    field = models.CharField(_("field"), max_length=80, blank=True)
    old_value = models.JSONField(_("old value"), null=True)
    new_value = models.JSONField(_("new value"), null=True)
    proposal = models.ForeignKey(
        "curation.Proposal",
        models.PROTECT,
        null=True,
        related_name="audit_entries",
        verbose_name=_("proposal"),
    )

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["target_model", "target_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_model} {self.field}"


class Version(AppendOnly):
    """The whole record, every language, as it was after an approved change (RR-1)."""

    target_model = models.CharField(_("kind of record"), max_length=40)
    target_id = models.PositiveBigIntegerField(_("record"))
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("snapshot"))
    proposal = models.ForeignKey(
        "curation.Proposal",
        models.PROTECT,
        null=True,
        related_name="versions",
        verbose_name=_("proposal"),
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["target_model", "target_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["target_model", "target_id", "number"], name="version_number_unique"
            )
        ]

    def __str__(self):
        return f"{self.target_model} {self.target_id} v{self.number}"
