from django.core.management.base import BaseCommand

from apps.referrals.services import reference_codes_purge


class Command(BaseCommand):
    help = "Delete expired reference codes (run daily, e.g. from cron or Celery beat)."

    def handle(self, *args, **options):
        deleted = reference_codes_purge()
        self.stdout.write(f"Deleted {deleted} expired reference code(s).")
