from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError

from apps.core import pagecache
from apps.directory.demo import load_demo
from apps.directory.models import Organization, Service


class Command(BaseCommand):
    help = "Load the fictional demonstration directory (marked as such on every page)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the directory already has services.",
        )

    def handle(self, *args, if_empty=False, **options):
        if Service.objects.exists() or Organization.objects.exists():
            if if_empty:
                self.stdout.write("The directory already has data; demo data not loaded.")
                return
            raise CommandError("The directory is not empty; demo data goes into an empty one.")
        count = load_demo()
        cache.delete("waymark:demo-present")
        pagecache.purge()  # pages cached before this data arrived
        self.stdout.write(self.style.SUCCESS(f"Loaded {count} fictional demonstration services."))
