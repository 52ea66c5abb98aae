from django.core.management.base import BaseCommand

from apps.directory.reference import VOCABULARY_FILE, apply_vocabulary


class Command(BaseCommand):
    help = (
        "Write the shared vocabulary's translations (taxonomy terms, cost words) into the "
        "empty translation columns. --overwrite replaces names that differ. --costs also "
        "fills listings' cost options, outside the reviewed workflow (no version is kept)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--overwrite", action="store_true")
        parser.add_argument("--costs", action="store_true")

    def handle(self, *args, overwrite=False, costs=False, **options):
        changed = apply_vocabulary(overwrite=overwrite, costs=costs)
        self.stdout.write(f"{changed} records updated from {VOCABULARY_FILE.name}.")
