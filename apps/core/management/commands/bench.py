"""``make bench``: throughput and latency of the public site at scale (issue #9).

Runs against the database in DATABASE_URL (the Makefile points it at a separate bench
database), fills it with ``generate_directory`` when empty, starts gunicorn with the
production settings and loads it with wrk. Writes the figures to data/bench/.
"""

import datetime as dt
import json
import os
import random
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from apps.core import bench
from apps.directory.models import Language, Region, Service, Taxonomy, TaxonomyTerm

LANGUAGES = [code for code, _name in settings.LANGUAGES]


class Command(BaseCommand):
    help = "Measure the production setup under load (needs PostgreSQL, Redis and wrk)."

    def add_arguments(self, parser):
        parser.add_argument("--services", type=int, default=100_000)
        parser.add_argument("--seconds", type=int, default=20, help="Per scenario.")
        parser.add_argument("--clients", type=int, default=20, help="Concurrent connections.")
        parser.add_argument("--port", type=int, default=8089)
        parser.add_argument(
            "--app-dir",
            default=str(bench.ROOT),
            help="Serve another checkout (e.g. a worktree of an older commit) to compare.",
        )
        parser.add_argument("--label", default="", help="A name for this run in the report.")
        parser.add_argument("--only", default="", help="Comma-separated scenario names.")

    def handle(self, *args, **options):
        try:
            wrk = bench.find_wrk()
        except bench.BenchError as error:
            raise CommandError(str(error)) from None
        if connection.vendor != "postgresql":
            raise CommandError(
                "make bench measures the production setup: set BENCH_DATABASE_URL to a "
                "PostgreSQL database (default postgres://postgres@127.0.0.1:5432/waymark_bench)."
            )
        redis_url = settings.REDIS_URL
        if not redis_url:
            raise CommandError("make bench needs Redis: set BENCH_REDIS_URL.")
        _ensure_database(os.environ.get("DATABASE_URL", ""))
        self.prepare_data(options["services"])
        data_dir = Path(settings.DATA_DIR) / "bench"
        out_dir = data_dir / "results"
        out_dir.mkdir(parents=True, exist_ok=True)
        env = bench.production_environment(
            os.environ["DATABASE_URL"], redis_url, data_dir / "server"
        )
        app_dir = Path(options["app_dir"]).resolve()
        server = bench.Server(app_dir, env, options["port"], out_dir / "gunicorn.log")
        self.stdout.write(f"Preparing the server from {app_dir} …")
        server.prepare()
        scenarios = self.scenarios()
        if options["only"]:
            wanted = set(options["only"].split(","))
            scenarios = [s for s in scenarios if s.name in wanted or s.name == "trivial"]
        _flush_cache(redis_url)
        results, weights = [], {}
        with server:
            self.stdout.write("Warming up: every URL once …")
            for scenario in scenarios:
                # A scenario measured cold is only checked, on requests it then drops.
                checked = scenario.requests if scenario.warm else scenario.requests[:2]
                scenario.requests = scenario.requests[len(checked) :] or checked
                for method, path, body in checked:
                    status, _headers, _body = bench.fetch(
                        server.url(path), method=method, body=body or None, origin=server.origin()
                    )
                    if status != 200:
                        raise CommandError(f"{method} {path} answered {status}; see the log.")
            for scenario in scenarios:
                self.stdout.write(f"  {scenario.name}: {options['seconds']} s …")
                results.append(
                    bench.run_wrk(
                        wrk,
                        server,
                        scenario,
                        seconds=options["seconds"],
                        clients=options["clients"],
                    )
                )
            for name, (method, path, body) in self.weighed_pages().items():
                try:
                    weights[name] = bench.page_weight(server, method, path, body)
                except (bench.BenchError, OSError) as error:
                    # A page too slow or broken to weigh is reported, not fatal.
                    weights[name] = {"bytes": 0, "images": 0, "fonts": 0, "error": str(error)}
        self.report(results, weights, options, out_dir)

    # --- data -----------------------------------------------------------------------

    def prepare_data(self, services: int) -> None:
        call_command("migrate", "--noinput", verbosity=0)
        existing = Service.objects.count()
        if existing == 0:
            self.stdout.write(f"Generating {services:,} services (once; kept for later runs) …")
            call_command("generate_directory", services=services)
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        elif existing < services * 0.9:
            self.stderr.write(
                f"The bench database holds {existing:,} services, not {services:,}. "
                "Drop it (dropdb waymark_bench) to generate again; measuring what is there."
            )
        self.services = Service.objects.published().count()

    # --- what is requested ----------------------------------------------------------

    def scenarios(self) -> list[bench.Scenario]:
        rng = random.Random(9)
        regions = list(
            Region.objects.filter(kind__in=[Region.Kind.COUNTRY, Region.Kind.SUBDIVISION])
            .filter(service_areas__isnull=False)
            .distinct()
            .order_by("code")
            .values_list("code", flat=True)
        )
        regions = rng.sample(regions, min(20, len(regions)))
        service_ids = list(Service.objects.published().values_list("pk", flat=True)[:5000])
        service_ids = rng.sample(service_ids, min(300, len(service_ids)))
        get = lambda path: ("GET", path, "")  # noqa: E731 - a row builder
        return [
            bench.Scenario("trivial", [get("/healthz")], "no database, no template"),
            bench.Scenario("home", [get(f"/{code}/") for code in LANGUAGES], "12 languages"),
            bench.Scenario(
                "region",
                [get(f"/{lang}/r/{code.lower()}/") for code in regions for lang in ("en", "fr")],
                f"{len(regions)} regions x 2 languages",
            ),
            bench.Scenario(
                "region+filters",
                [
                    get(f"/{lang}/r/{code.lower()}/?{query}")
                    for code in regions[:10]
                    for lang in ("en", "ar")
                    for query in self.filter_queries(rng)
                ],
                "GET filters: type, language, free, open now",
            ),
            bench.Scenario(
                "search",
                self.searches(rng, regions),
                "POST: words + region + filters, 3 languages",
            ),
            bench.Scenario(
                "search (new)",
                self.searches(random.Random(), regions, count=5000),
                "as search, but each one different and none made before the run",
                warm=False,
            ),
            bench.Scenario(
                "service",
                [get(f"/{lang}/s/{pk}/") for pk in service_ids for lang in ("en", "es")],
                f"{len(service_ids)} services x 2 languages",
            ),
            bench.Scenario(
                "api/services",
                [get(f"/api/hsds/services?page={page}") for page in range(1, 51)],
                "pages 1-50",
            ),
        ]

    def filter_queries(self, rng) -> list[str]:
        types = list(TaxonomyTerm.objects.of(Taxonomy.SERVICE_TYPE).values_list("pk", flat=True))
        languages = list(Language.objects.values_list("pk", flat=True)[:30])
        return [
            urlencode({"type": rng.choice(types), "free": "on"}),
            urlencode({"language": rng.choice(languages)}),
            urlencode({"open_now": "on", "channel": "voice"}),
        ]

    def searches(self, rng, regions, count=60) -> list[tuple[str, str, str]]:
        """Words taken from the data itself, so searches find what visitors would find.

        ``count`` different searches: the words of a listing's name in the reader's
        language, a region, and some of the filters.
        """
        types = list(TaxonomyTerm.objects.of(Taxonomy.SERVICE_TYPE).values_list("pk", flat=True))
        languages = list(Language.objects.values_list("pk", flat=True)[:30])
        samples = Service.objects.published().order_by("?")[: min(count, 600)]
        words = {lang: set() for lang in ("en", "fr", "es")}
        for service in samples:
            for lang, found in words.items():
                name = getattr(service, f"name_{lang}") or service.name_en or ""
                found.update(w for w in name.split() if len(w) > 4 and w.isalpha())
        words = {lang: sorted(found) for lang, found in words.items()}
        rows = {}
        while len(rows) < count:
            number = len(rows)
            lang = ("en", "fr", "es")[number % 3]
            data = {"q": rng.choice(words[lang]), "region": rng.choice(regions)}
            if number % 2:
                data["type"] = rng.choice(types)
            if number % 3 == 0:
                data["language"] = rng.choice(languages)
            if number % 4 == 0:
                data["free"] = "on"
            rows[(lang, urlencode(data))] = ("POST", f"/{lang}/find/", urlencode(data))
        return list(rows.values())

    def weighed_pages(self) -> dict:
        service = Service.objects.published().order_by("pk").first()
        region = (
            Region.objects.countries().filter(service_areas__isnull=False).order_by("code").first()
        )
        word = (service.name_en or "help").split()[0]
        ids = list(Service.objects.published().values_list("pk", flat=True)[:3])
        return {
            "home": ("GET", "/en/", ""),
            "region": ("GET", f"/en/r/{region.code.lower()}/", ""),
            "region (ar, filtered)": ("GET", f"/ar/r/{region.code.lower()}/?free=on", ""),
            "search form": ("GET", "/en/find/", ""),
            "search results": (
                "POST",
                "/en/find/",
                urlencode({"q": word, "region": region.code}),
            ),
            "service": ("GET", f"/en/s/{service.pk}/", ""),
            "problem report form": ("GET", f"/en/s/{service.pk}/note/", ""),
            "referral list": (
                "GET",
                "/en/list/?" + urlencode({"ids": ids}, doseq=True),
                "",
            ),
            "browse safely": ("GET", "/en/safety/", ""),
        }

    # --- report ---------------------------------------------------------------------

    def report(self, results, weights, options, out_dir: Path) -> None:
        reference = next((r.throughput for r in results if r.scenario.name == "trivial"), 0)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        label = options["label"] or stamp
        lines = [
            f"# make bench — {label}",
            "",
            f"{self.services:,} published services; {options['clients']} concurrent clients; "
            f"{options['seconds']} s per scenario; gunicorn (production settings) from "
            f"`{options['app_dir']}`; wrk from a second process. Latency in milliseconds.",
            "",
            bench.table(results, reference),
            "",
            "| scenario | what is requested |",
            "|---|---|",
            *[f"| {r.scenario.name} | {r.scenario.note} |" for r in results],
            "",
            "## Page weight (HTML + CSS + JS as transferred, gzip)",
            "",
            "| page | bytes | images | web fonts |",
            "|---|---:|---:|---:|",
            *[
                f"| {name} | {w.get('error') or format(w['bytes'], ',')} | {w['images']} "
                f"| {w['fonts']} |"
                for name, w in weights.items()
            ],
        ]
        text = "\n".join(lines) + "\n"
        self.stdout.write("\n" + text)
        (out_dir / f"bench-{stamp}.md").write_text(text)
        (out_dir / f"bench-{stamp}.json").write_text(
            json.dumps(
                {
                    "label": label,
                    "services": self.services,
                    "results": [
                        {
                            "scenario": r.scenario.name,
                            "throughput": r.throughput,
                            "p50_ms": r.p50,
                            "p95_ms": r.p95,
                            "p99_ms": r.p99,
                            "requests": r.requests,
                            "errors": r.errors,
                        }
                        for r in results
                    ],
                    "page_weights": weights,
                },
                indent=2,
            )
        )
        self.stdout.write(f"Written to {out_dir / f'bench-{stamp}.md'}")


def _ensure_database(url: str) -> None:
    """Create the bench database on first use (the server's maintenance database is asked)."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _flush_cache(redis_url: str) -> None:
    """Start cold: no page cached by an earlier run."""
    import redis

    redis.Redis.from_url(redis_url).flushdb()
