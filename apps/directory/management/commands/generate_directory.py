from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError

from apps.core import pagecache
from apps.directory.generate import COUNTRIES, DEFAULT_SEED, MAX_SERVICES, generate_directory


class Command(BaseCommand):
    help = (
        "Add a large fictional directory for benchmarks (marked as demonstration data on "
        "every page). The same seed gives the same directory (dates relative to today)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--services", type=int, required=True, help="How many services.")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument(
            "--organizations", type=int, help="How many organisations (default: services / 4)."
        )
        parser.add_argument(
            "--countries",
            help=f"Comma-separated country codes among {', '.join(COUNTRIES)} (default: all).",
        )

    def handle(self, *args, services, seed, organizations, countries, **options):
        if not 1 <= services <= MAX_SERVICES:
            raise CommandError(f"--services must be between 1 and {MAX_SERVICES:,}.")
        if organizations is not None and not 1 <= organizations <= services:
            raise CommandError("--organizations must be between 1 and the number of services.")
        codes = None
        if countries:
            codes = [c.strip().upper() for c in countries.split(",") if c.strip()]
            unknown = sorted(set(codes) - COUNTRIES.keys())
            if unknown or not codes:
                raise CommandError(
                    f"Unknown or unsupported countries: {', '.join(unknown) or countries}. "
                    f"Choose among {', '.join(COUNTRIES)} (those with fictional phone ranges)."
                )

        def progress(done, total):
            self.stdout.write(f"  {done:,} / {total:,} services")

        report = generate_directory(
            services=services,
            seed=seed,
            organizations=organizations,
            countries=codes,
            progress=progress,
        )
        cache.delete("waymark:demo-present")
        pagecache.purge()  # pages cached before this data arrived
        # No search step: on PostgreSQL the triggers of apps.directory.search index every
        # inserted service as part of the insert (COPY included).

        for name, count in sorted(report.counts.items()):
            self.stdout.write(f"  {name}: {count:,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {report.counts['service']:,} fictional services in "
                f"{report.seconds:.1f} s ({report.rate:,.0f} services/s)."
            )
        )
