"""Imports (X2, RR-4, SR-7): read, plan, then submit for review or publish — atomically.

``import_run`` reads a file and plans it outside any transaction (so progress can be
seen), then, in one transaction, either writes nothing (dry run), stores the batch for a
second coordinator (``ImportJob`` + ``ImportItem``), or — only for a coordinator who
asked to publish — writes it at once with the publishing itself audited. A batch goes
live through ``import_job_approve``, in one transaction, in dependency order.
"""

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.curation.services import audit_record, is_coordinator, purge_public_cache
from apps.directory.statistics import analyze_listings

from .importing.issues import ImportFailed, Issue, Report
from .importing.mapping import map_bundles
from .importing.planning import Plan, Step, plan_records
from .importing.reading import (
    Limits,
    content_languages,
    files_from_bytes,
    files_from_path,
    read_bundles,
)
from .importing.writing import contact_issues, write_steps
from .models import ImportItem, ImportJob

# Defaults; settings HSDS_IMPORT_MAX_BYTES / _MAX_RECORDS (uploads) and the command's
# options override them.
UPLOAD_MAX_BYTES = 20 * 1024 * 1024
UPLOAD_MAX_RECORDS = 50_000
# Records written by one import above which the listing tables are analyzed.
ANALYZE_AFTER = 1000
COMMAND_MAX_BYTES = 2 * 1024**3
COMMAND_MAX_RECORDS = 5_000_000


def upload_limits() -> Limits:
    return Limits(
        max_bytes=getattr(settings, "HSDS_IMPORT_MAX_BYTES", UPLOAD_MAX_BYTES),
        max_records=getattr(settings, "HSDS_IMPORT_MAX_RECORDS", UPLOAD_MAX_RECORDS),
    )


@dataclass
class Outcome:
    status: str
    plan: Plan = field(default_factory=Plan)
    report: Report = field(default_factory=Report)
    job: ImportJob | None = None
    written: dict = field(default_factory=dict)
    seconds: float = 0.0
    twin: ImportJob | None = None
    held_for_review: bool = False  # asked to publish, but contact data needs review


def _require_coordinator(user) -> None:
    if user is None or not is_coordinator(user):
        raise PermissionDenied(_("Only coordinators may import."))


def import_run(
    *,
    mode: str,
    by=None,
    path: Path | None = None,
    name: str = "",
    data: bytes | None = None,
    language: str | None = None,
    limits: Limits,
    job: ImportJob | None = None,
    progress=None,
) -> Outcome:
    """Import one file or folder; raises ImportFailed (nothing written) with every error."""
    started = time.monotonic()
    if mode != ImportJob.Mode.DRY_RUN:
        _require_coordinator(by)
    language = language or settings.LANGUAGE_CODE
    if language not in content_languages():
        raise ImportFailed([Issue("", "", "language", _("Unknown content language."))])
    report = Report()
    files = (
        files_from_path(path, limits) if path is not None else files_from_bytes(name, data, limits)
    )
    bundles = read_bundles(files, language=language, limits=limits, report=report)
    del files, data  # an uploaded file's bytes: the bundles hold what was read
    report.raise_if_errors()
    languages = ",".join(sorted({b.language for b in bundles}))
    # Mapping errors are kept, not raised: planning finds the rest, so all are reported.
    # Mapping lets each document go once read, so the parsed file is not kept alongside.
    records = map_bundles(bundles, report, progress)
    del bundles
    label = name or (path.name if path is not None else "")
    with transaction.atomic():
        plan = plan_records(records, report)
        del records  # the plan's steps hold what will be written
        plan.language = languages
        report.raise_if_errors()
        outcome = Outcome(status=ImportJob.Status.CHECKED, plan=plan, report=report, job=job)
        if mode == ImportJob.Mode.DRY_RUN:
            pass
        elif not plan.steps:
            outcome.status = ImportJob.Status.UNCHANGED
        elif mode == ImportJob.Mode.PUBLISH and contact_issues(plan.steps):
            # "Publish now" cannot skip the second person for contact data (SR-6, SR-7):
            # the batch waits for review instead, and the importer is told why.
            report.warn(
                (label, ""),
                "",
                _(
                    "This import adds or changes contact data, so it waits for a second "
                    "coordinator instead of being published now."
                ),
            )
            outcome.held_for_review = True
            outcome = _submit(outcome, job=job, by=by, label=label)
        elif mode == ImportJob.Mode.PUBLISH:
            outcome.job = _job(job, by=by, mode=mode, label=label, plan=plan)
            outcome.written = write_steps(plan.steps, by=by, job=outcome.job, check_stale=False)
            outcome.status = ImportJob.Status.PUBLISHED
            audit_record(
                actor=by,
                action="import.published",
                target_model="importjob",
                target_id=outcome.job.pk,
                new={"file": label, "counts": outcome.written, "language": plan.language},
            )
            purge_public_cache(f"import-{outcome.job.pk}")
            _analyze_if_large(outcome.written)
        else:
            outcome = _submit(outcome, job=job, by=by, label=label)
        outcome.seconds = time.monotonic() - started
        if job is None and outcome.job is not None:
            job_finish(outcome.job, outcome)  # the command's own record of the run
    outcome.seconds = time.monotonic() - started
    return outcome


def _analyze_if_large(written: dict) -> None:
    """After the commit of many records, fresh planner statistics (``analyze_listings``)."""
    if sum(row["created"] + row["changed"] for row in written.values()) >= ANALYZE_AFTER:
        transaction.on_commit(analyze_listings)


def _job(job, *, by, mode, label, plan) -> ImportJob:
    if job is None:
        job = ImportJob.objects.create(file_name=label[:255], mode=mode, author=by)
    job.language = plan.language[:10]
    job.fingerprint = plan.fingerprint()
    job.save(update_fields=["language", "fingerprint"])
    return job


def _submit(outcome: Outcome, *, job, by, label) -> Outcome:
    """Store the batch for review, unless the same changes are waiting already."""
    plan = outcome.plan
    twin = ImportJob.objects.awaiting_review().filter(fingerprint=plan.fingerprint())
    if job is not None:
        twin = twin.exclude(pk=job.pk)
    outcome.twin = twin.first()
    if outcome.twin is not None:
        outcome.status = ImportJob.Status.UNCHANGED
        return outcome
    outcome.job = _job(job, by=by, mode=ImportJob.Mode.REVIEW, label=label, plan=plan)
    ImportItem.objects.bulk_create(
        [
            ImportItem(
                job=outcome.job,
                position=position,
                kind=step.kind,
                source_id=step.source_id,
                action=step.action,
                target_id=step.target_id,
                values=step.values,
                base=step.base,
                where=step.where[:300],
            )
            for position, step in enumerate(plan.steps)
        ],
        batch_size=1000,
    )
    outcome.status = ImportJob.Status.PENDING
    audit_record(
        actor=by,
        action="import.submitted",
        target_model="importjob",
        target_id=outcome.job.pk,
        new={"file": label, "counts": plan.counts, "language": plan.language},
    )
    return outcome


def job_finish(job: ImportJob, outcome: Outcome | None, error: ImportFailed | None = None):
    """Record how a job ended on its row."""
    job.finished_at = timezone.now()
    job.content = None
    if error is not None:
        job.status = ImportJob.Status.FAILED
        job.errors = [issue.as_dict() for issue in error.issues[:1000]]
        job.summary = {**job.summary, "error_count": len(error.issues)}
    else:
        job.status = outcome.status
        job.warnings = [issue.as_dict() for issue in outcome.report.warnings]
        job.warning_count = outcome.report.warning_count
        job.summary = {
            "counts": outcome.plan.counts,
            "seconds": round(outcome.seconds, 2),
            "diffs": [step_diff(step) for step in outcome.plan.steps[:200]],
            "twin": outcome.twin.pk if outcome.twin else None,
        }
    job.save()


def step_diff(step: Step | ImportItem) -> dict:
    return {
        "kind": step.kind,
        "id": step.source_id,
        "action": step.action,
        "fields": [
            [name, step.base.get(name), value] for name, value in sorted(step.values.items())
        ],
    }


# --- uploads and review -----------------------------------------------------------------


@transaction.atomic
def import_job_upload(*, by, file_name: str, data: bytes, mode: str) -> ImportJob:
    """Keep an uploaded file and run it in the background after commit."""
    _require_coordinator(by)
    job = ImportJob.objects.create(
        file_name=Path(file_name).name[:255],
        content=data,
        sha256=hashlib.sha256(data).hexdigest(),
        mode=mode,
        author=by,
        rows_total=0,
    )
    audit_record(
        actor=by,
        action="import.uploaded",
        target_model="importjob",
        target_id=job.pk,
        new={"file": job.file_name, "mode": mode, "bytes": len(data)},
    )
    from .tasks import enqueue_import

    enqueue_import(job.pk)
    return job


def import_job_process(job_id: int) -> ImportJob | None:
    """Run a queued job once (the task calls this); a second call does nothing."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != ImportJob.Status.QUEUED:
            return job
        job.status = ImportJob.Status.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at"])
    data = bytes(job.content or b"")

    def progress(done, total):
        ImportJob.objects.filter(pk=job.pk).update(rows_done=done, rows_total=total)

    try:
        outcome = import_run(
            mode=job.mode,
            by=job.author,
            name=job.file_name,
            data=data,
            limits=upload_limits(),
            job=job,
            progress=progress,
        )
    except ImportFailed as error:
        job_finish(job, None, error)
    except PermissionDenied:
        job_finish(
            job,
            None,
            ImportFailed([Issue(job.file_name, "", "", _("Only coordinators may import."))]),
        )
    else:
        job.refresh_from_db(fields=["rows_done", "rows_total", "language", "fingerprint"])
        job_finish(job, outcome)
    return job


def may_review_import(user, job: ImportJob) -> bool:
    return is_coordinator(user) and user.pk != job.author_id


@transaction.atomic
def import_job_approve(*, job: ImportJob, by) -> dict:
    """A second coordinator publishes the whole batch, in dependency order (SR-6, SR-7)."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportJob.Status.PENDING:
        raise ImportFailed(
            [Issue(job.file_name, "", "", _("This import has already been reviewed."))]
        )
    if by.pk == job.author_id:
        raise ImportFailed([Issue(job.file_name, "", "", _("You cannot approve your own import."))])
    if not is_coordinator(by):
        raise PermissionDenied
    steps = [
        Step(
            item.kind,
            item.source_id,
            item.action,
            item.target_id,
            item.values,
            item.base,
            item.where,
        )
        for item in job.items.order_by("position")
    ]
    written = write_steps(steps, by=by, job=job, check_stale=True, proposed_by=job.author)
    job.status = ImportJob.Status.APPROVED
    job.reviewer, job.reviewed_at = by, timezone.now()
    job.save(update_fields=["status", "reviewer", "reviewed_at"])
    audit_record(
        actor=by,
        action="import.approved",
        target_model="importjob",
        target_id=job.pk,
        new={"file": job.file_name, "counts": written, "author": job.author_id},
    )
    purge_public_cache(f"import-{job.pk}")
    _analyze_if_large(written)
    return written


@transaction.atomic
def import_job_reject(*, job: ImportJob, by) -> None:
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportJob.Status.PENDING:
        raise ImportFailed(
            [Issue(job.file_name, "", "", _("This import has already been reviewed."))]
        )
    if not is_coordinator(by):
        raise PermissionDenied
    job.status = ImportJob.Status.REJECTED
    job.reviewer, job.reviewed_at = by, timezone.now()
    job.save(update_fields=["status", "reviewer", "reviewed_at"])
    audit_record(
        actor=by,
        action="import.rejected",
        target_model="importjob",
        target_id=job.pk,
        new={"file": job.file_name},
    )
