from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .people import visible_to_staff


class ProposalQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=Proposal.Status.PENDING)

    def visible_to(self, user):
        return visible_to_staff(self, user)


class Proposal(models.Model):
    """A change to a listing that goes live only when someone else approves it (C2)."""

    class Action(models.TextChoices):
        CREATE = "create", _("Create")
        EDIT = "edit", _("Edit")
        ARCHIVE = "archive", _("Archive")
        RESTORE = "restore", _("Restore")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    target_model = models.CharField(_("kind of record"), max_length=40)
    target_id = models.PositiveBigIntegerField(_("record"), null=True, blank=True)
    # Empty only while a new organisation is proposed; set to it on approval.
    organization = models.ForeignKey(
        "directory.Organization",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("organisation"),
    )
    # Field name → new value, for the concrete fields (every language column) and
    # many-to-many ids; "base" holds the values they replace, for the diff and for
    # detecting that the record changed since.
    changes = models.JSONField(_("changes"), default=dict)
    base = models.JSONField(_("previous values"), default=dict)
    needs_coordinator = models.BooleanField(_("needs a coordinator"), default=False)
    reasons = models.JSONField(_("why it needs a coordinator"), default=list, blank=True)
    status = models.CharField(
        _("status"),
        max_length=9,
        choices=Status.choices,
        default=Status.PENDING,
        db_index=True,
    )
    # Empty only for what an organisation sent through the public application form.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("proposed by"),
    )
    application = models.ForeignKey(
        "curation.Application",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("application to be listed"),
    )
    note = models.TextField(_("note to the reviewer"), blank=True)
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["target_model", "target_id"])]

    def __str__(self):
        label = f"{self.get_action_display()} {self.target_model} {self.target_id or ''}".strip()
        if self.application_id and self.changes.get("name_en"):
            # From an application: nothing exists yet to number, so name what is proposed.
            return f"{label}: {self.changes['name_en']}"
        return label
