"""Hard deletion, only from the command line and only of long-archived listings (RR-2)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max
from django.utils import timezone

from apps.curation.models import AuditEntry
from apps.curation.services import service_purge
from apps.directory.models import Service
from apps.directory.models.organizations import PublicationStatus


class Command(BaseCommand):
    help = "Permanently delete services archived for at least --days days (default 365)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=365)
        parser.add_argument("--dry-run", action="store_true", help="List, delete nothing.")
        parser.add_argument("--yes", action="store_true", help="Do it (required to delete).")

    def handle(self, *args, days, dry_run, yes, **options):
        if days < 30:
            raise CommandError("--days must be at least 30: archiving is meant to be undone.")
        cutoff = timezone.now() - dt.timedelta(days=days)
        archived_at = dict(
            AuditEntry.objects.filter(target_model="service", action="record.archived")
            .values_list("target_id")
            .annotate(last=Max("at"))
        )
        doomed = [
            service
            for service in Service.objects.filter(status=PublicationStatus.ARCHIVED)
            if archived_at.get(service.pk) and archived_at[service.pk] < cutoff
        ]
        for service in doomed:
            self.stdout.write(f"{service.pk}\t{service.name}")
        if dry_run or not doomed:
            self.stdout.write(f"{len(doomed)} service(s) would be deleted.")
            return
        if not yes:
            raise CommandError("Nothing deleted: add --yes to delete permanently.")
        for service in doomed:
            service_purge(service=service)
        self.stdout.write(f"{len(doomed)} service(s) deleted permanently.")
