"""Imports (X2): one row per run, the changes awaiting review, and where records came from.

An ``ImportJob`` is one file read by the command or uploaded by a coordinator: its
progress, its errors and warnings, what it would change, and — while it waits for a
second coordinator — its ``ImportItem`` rows, the batch's proposed changes in dependency
order. ``ImportedRecord`` remembers which directory row an outside HSDS id became, so
importing the same file again finds the same rows (RR-4). Decision record:
docs/decisions/0008-import-through-curation.md.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportJobQuerySet(models.QuerySet):
    def awaiting_review(self):
        return self.filter(status=ImportJob.Status.PENDING)


class ImportJob(models.Model):
    class Mode(models.TextChoices):
        DRY_RUN = "dry_run", _("Check only (dry run)")
        REVIEW = "review", _("Submit for review")
        PUBLISH = "publish", _("Publish now")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        FAILED = "failed", _("Failed: nothing was changed")
        CHECKED = "checked", _("Checked (dry run): nothing was changed")
        UNCHANGED = "unchanged", _("Nothing to change")
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved and published")
        REJECTED = "rejected", _("Rejected")
        PUBLISHED = "published", _("Published")

    FINISHED = {
        Status.FAILED,
        Status.CHECKED,
        Status.UNCHANGED,
        Status.APPROVED,
        Status.REJECTED,
        Status.PUBLISHED,
    }

    file_name = models.CharField(_("file"), max_length=255)
    # The uploaded bytes, kept until the background task has read them.
    content = models.BinaryField(_("content"), null=True, blank=True, editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    mode = models.CharField(_("mode"), max_length=8, choices=Mode.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    language = models.CharField(_("content language"), max_length=10, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="import_jobs",
        verbose_name=_("imported by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows read"), default=0)
    summary = models.JSONField(_("changes per kind"), default=dict, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    warning_count = models.PositiveIntegerField(_("warnings in all"), default=0)
    # What the batch would change; a second import of the same file finds its twin.
    fingerprint = models.CharField(_("fingerprint"), max_length=64, blank=True, db_index=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"#{self.pk} {self.file_name}"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def percent_done(self) -> int:
        if not self.rows_total:
            return 100 if self.is_finished else 0
        return min(100, round(100 * self.rows_done / self.rows_total))


class ImportItem(models.Model):
    """One record the batch creates or changes; parents it creates are named by ``$ref``."""

    class Action(models.TextChoices):
        CREATE = "create", _("Create")
        EDIT = "edit", _("Edit")

    job = models.ForeignKey(ImportJob, models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(_("position"))
    kind = models.CharField(_("kind of record"), max_length=20)
    source_id = models.CharField(_("HSDS id"), max_length=100)
    action = models.CharField(_("action"), max_length=6, choices=Action.choices)
    target_id = models.PositiveBigIntegerField(_("record"), null=True, blank=True)
    values = models.JSONField(_("new values"), default=dict)
    base = models.JSONField(_("previous values"), default=dict)
    where = models.CharField(_("found at"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("imported change")
        verbose_name_plural = _("imported changes")
        ordering = ["job", "position"]
        constraints = [
            models.UniqueConstraint(fields=["job", "position"], name="import_item_position")
        ]

    def __str__(self):
        return f"{self.get_action_display()} {self.kind} {self.source_id}"


class ImportedRecord(models.Model):
    """An outside HSDS id and the directory row it became."""

    kind = models.CharField(_("kind of record"), max_length=20)
    source_id = models.CharField(_("HSDS id"), max_length=100)
    target_id = models.PositiveBigIntegerField(_("record"))
    job = models.ForeignKey(
        ImportJob,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("import"),
    )
    created_at = models.DateTimeField(_("first imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("imported record")
        verbose_name_plural = _("imported records")
        constraints = [
            models.UniqueConstraint(fields=["kind", "source_id"], name="imported_record_unique")
        ]

    def __str__(self):
        return f"{self.kind} {self.source_id} → {self.target_id}"


# --- what the HSDS API and the export keep ready (docs/hsds.md, "Stored documents") -------
# Internal tables, never shown to anyone: no admin, no translated names.


class Publication(models.Model):
    """One row: a token every change to the directory replaces, in the same transaction
    (``apps.interchange.hsds.stored.changed``). A stored document is good only for the
    token it was built under."""

    token = models.BigIntegerField(default=0)

    def __str__(self):
        return f"publication {self.token}"


class HsdsKey(models.Model):
    """The HSDS id of a row, so ``/services/{id}`` is one indexed lookup (a uuid5 cannot
    be reversed). Filled for every row of a kind when an id is not found; never decides
    visibility: callers filter what they find by what the public may see."""

    namespace = models.UUIDField()
    kind = models.CharField(max_length=24)
    target_id = models.BigIntegerField()
    hsds_id = models.UUIDField(unique=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["namespace", "kind", "target_id"], name="hsds_key_row_unique"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.target_id} = {self.hsds_id}"


class StoredDocument(models.Model):
    """A service's (or an organization's) HSDS document in one content language, as
    compact JSON text in the order the builders give, built under ``token``."""

    kind = models.CharField(max_length=24)
    target_id = models.BigIntegerField()
    language = models.CharField(max_length=10)
    token = models.BigIntegerField()
    owner_id = models.BigIntegerField(null=True)  # a service's organization
    body = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "target_id", "language"], name="stored_document_unique"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.target_id} ({self.language})"
