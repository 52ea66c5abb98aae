"""``manage.py import_hsds PATH``: HSDS 3.0 JSON or a tabular datapackage, imported (X2)."""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from apps.interchange.importing.issues import ImportFailed
from apps.interchange.importing.reading import Limits, content_languages
from apps.interchange.models import ImportJob
from apps.interchange.services import COMMAND_MAX_BYTES, COMMAND_MAX_RECORDS, import_run


class Command(BaseCommand):
    help = (
        "Import HSDS 3.0: a JSON file (services, fully nested), an export folder, or a "
        "tabular datapackage (folder or .zip). Without --dry-run the changes are submitted "
        "for review by another coordinator; with --publish they go live at once (audited). "
        "One transaction: any error leaves the directory unchanged."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--dry-run", action="store_true", help="report what would change")
        mode.add_argument("--publish", action="store_true", help="publish now (coordinators)")
        parser.add_argument("--as", dest="username", help="the coordinator importing")
        parser.add_argument(
            "--language",
            help="language of files that do not say (default LANGUAGE_CODE): "
            + ", ".join(content_languages()),
        )
        parser.add_argument("--max-bytes", type=int, default=COMMAND_MAX_BYTES)
        parser.add_argument("--max-records", type=int, default=COMMAND_MAX_RECORDS)

    def handle(self, *args, path, dry_run, publish, username, language, **options):
        verbosity = options["verbosity"]
        mode = (
            ImportJob.Mode.DRY_RUN
            if dry_run
            else ImportJob.Mode.PUBLISH
            if publish
            else ImportJob.Mode.REVIEW
        )
        user = None
        if username:
            user = get_user_model().objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"No user {username!r}.")
        elif mode != ImportJob.Mode.DRY_RUN:
            raise CommandError("Say who imports: --as USERNAME (a coordinator).")
        limits = Limits(max_bytes=options["max_bytes"], max_records=options["max_records"])
        try:
            outcome = import_run(mode=mode, by=user, path=path, language=language, limits=limits)
        except ImportFailed as error:
            for issue in error.issues:
                self.stderr.write(f"error: {issue}")
            raise CommandError(f"{len(error.issues)} error(s): nothing was imported.") from None
        except PermissionDenied as error:
            raise CommandError(str(error) or "Only coordinators may import.") from None
        report = outcome.report
        for issue in report.warnings if verbosity > 1 else report.warnings[:20]:
            self.stderr.write(f"warning: {issue}")
        if report.warning_count > (len(report.warnings) if verbosity > 1 else 20):
            self.stderr.write(f"... {report.warning_count} warning(s) in all (-v 2 lists them)")
        for kind, counts in sorted(outcome.plan.counts.items()):
            self.stdout.write(
                f"{kind}: {counts['created']} new, {counts['changed']} changed, "
                f"{counts['unchanged']} unchanged"
            )
        if verbosity > 1:
            for step in outcome.plan.steps:
                self.stdout.write(f"{step.action} {step.kind} {step.source_id} ({step.where})")
                for name, value in sorted(step.values.items()):
                    old = json.dumps(step.base.get(name), ensure_ascii=False, default=str)
                    new = json.dumps(value, ensure_ascii=False, default=str)
                    self.stdout.write(f"    {name}: {old} -> {new}")
        services = sum(outcome.plan.counts.get("service", {}).values())
        rate = services / outcome.seconds if outcome.seconds else 0
        self.stdout.write(
            f"{services} service(s) read in {outcome.seconds:.2f} s ({rate:.0f} services/s)"
        )
        messages = {
            ImportJob.Status.CHECKED: "Dry run: nothing was written.",
            ImportJob.Status.UNCHANGED: "Nothing to change.",
            ImportJob.Status.PUBLISHED: f"Published (import #{outcome.job and outcome.job.pk}).",
            ImportJob.Status.PENDING: (
                f"Submitted for review as import #{outcome.job and outcome.job.pk}; "
                "another coordinator approves it in the staff area."
            ),
        }
        message = messages[outcome.status]
        if outcome.twin is not None:
            message = f"Already waiting for review as import #{outcome.twin.pk}: nothing written."
        self.stdout.write(self.style.SUCCESS(message))
