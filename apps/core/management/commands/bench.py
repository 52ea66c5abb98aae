"""``make bench``: throughput and latency of the public site at scale (issue #9).

Runs against the database in DATABASE_URL (the Makefile points it at a separate bench
database), fills it with ``generate_directory`` when empty, starts gunicorn with the
production settings and loads it with wrk. Writes the figures to data/bench/.
"""

import datetime as dt
import json
import os
import random
import time
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
        parser.add_argument(
            "--only",
            default="",
            help="Comma-separated names or slugs (search-new, region-after-a-publication).",
        )

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
            scenarios = [s for s in scenarios if wanted & {s.name, s.slug} or s.name == "trivial"]
        _flush_cache(redis_url)
        connection.close()  # the bench's own backend stays out of the database's CPU
        results, weights, first_renders = [], {}, {}
        database = urlsplit(os.environ["DATABASE_URL"]).path.lstrip("/")
        with server:
            meter = bench.CpuMeter(server.process.pid, database)
            for scenario in scenarios:
                self.stdout.write(f"  {scenario.name}: {options['seconds']} s …")
                results.append(self.measure(wrk, server, meter, scenario, options))
                if scenario.name == "region":
                    first_renders = self.first_renders(server, meter, scenario)
            for name, (method, path, body) in self.weighed_pages().items():
                try:
                    weights[name] = bench.page_weight(server, method, path, body)
                except (bench.BenchError, OSError) as error:
                    # A page too slow or broken to weigh is reported, not fatal.
                    weights[name] = {"bytes": 0, "images": 0, "fonts": 0, "error": str(error)}
        self.report(results, weights, first_renders, options, out_dir)
        failed = [r.scenario.name for r in results if r.failure]
        if failed:
            raise CommandError(
                f"{len(failed)} scenario(s) failed: {', '.join(failed)} (see the report)."
            )

    # --- running --------------------------------------------------------------------

    def warm(self, server, scenario) -> None:
        """Visit the scenario's URLs once, right before it runs (a scenario measured cold
        only checks two requests, which it then drops)."""
        checked = scenario.requests if scenario.warm else scenario.requests[:2]
        if not scenario.warm:
            scenario.requests = scenario.requests[len(checked) :] or checked
        for method, path, body in checked:
            status, _headers, _body = bench.fetch(
                server.url(path), method=method, body=body or None, origin=server.origin()
            )
            if status != 200:
                raise CommandError(f"{method} {path} answered {status}; see the log.")

    def measure(self, wrk, server, meter, scenario, options, *, again=True) -> bench.Result:
        """Warm, wait for the server to be idle, run, and wait for it to drain.

        Entries that depend on the clock (the schedule epoch) could be emptied between
        the warm-up and the run: if the epoch changed meanwhile, the scenario runs again."""
        epoch = _epoch()
        try:
            self.warm(server, scenario)
        except (CommandError, OSError) as error:
            # Reported as a failed scenario; the others still run.
            self.stderr.write(f"    {scenario.name}: the warm-up failed: {error}")
            bench.wait_until_idle(meter.busy)
            return bench.Result(scenario, aborted=f"the warm-up failed: {error}")
        bench.wait_until_idle(meter.busy)
        if scenario.before:
            scenario.before()
        result = bench.run_wrk(
            wrk,
            server,
            scenario,
            seconds=options["seconds"],
            clients=options["clients"],
            cpu=meter,
        )
        drained = bench.wait_until_idle(meter.busy)
        if drained > 2:
            result.notes.append(f"the server drained its queue for {drained:.0f} s afterwards")
        if _epoch() != epoch:
            if again and scenario.warm:
                self.stdout.write("    the schedule epoch changed during the run: again …")
                return self.measure(wrk, server, meter, scenario, options, again=False)
            result.notes.append("the schedule epoch changed during the run")
        if scenario.count and result.actions > scenario.count:
            result.notes.append(
                f"{result.actions:,} searches from {scenario.count:,} different ones: "
                "some were made twice"
            )
        return result

    def first_renders(self, server, meter, scenario) -> dict:
        """One client, the first request for a region page right after a publication:
        an ordinary one (the previous copy may be served while it is rebuilt) and one
        that hides something (the page must be built again before it is served)."""
        from apps.core import pagecache

        paths = [path for _method, path, _body in scenario.requests if path.startswith("/en/")]
        timings = {}
        for kind, hard in (("an ordinary publication", False), ("a hiding publication", True)):
            self.stdout.write(f"  first render after {kind}: {len(paths)} pages …")
            values = []
            for path in paths:
                bench.fetch(server.url(path))  # kept before the publication
                bench.wait_until_idle(meter.busy, interval=0.1)
                pagecache.purge(hard=hard)
                started = time.perf_counter()
                status, _headers, _body = bench.fetch(server.url(path))
                values.append((time.perf_counter() - started) * 1000)
                if status != 200:
                    raise CommandError(f"GET {path} answered {status} after a purge.")
                bench.wait_until_idle(meter.busy, interval=0.1)
            timings[kind] = values
        return timings

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
        region_pages = [
            get(f"/{lang}/r/{code.lower()}/") for code in regions for lang in ("en", "fr")
        ]
        new_searches = self.searches(random.Random(), regions, count=5000)
        return [
            bench.Scenario("trivial", [get("/healthz")], "no database, no template"),
            bench.Scenario("home", [get(f"/{code}/") for code in LANGUAGES], "12 languages"),
            bench.Scenario("region", region_pages, f"{len(regions)} regions x 2 languages"),
            bench.Scenario(
                "region after a publication",
                region_pages,
                "as region, started right after an ordinary publication's purge "
                "(every page was kept before it)",
                before=lambda: _purge(hard=False),
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
                "POST: words + region + filters, 3 languages, then its results page (303); "
                "60 searches, each made once before",
                expect=(303,),
                follow=True,
            ),
            bench.Scenario(
                "search, new",
                new_searches,
                "as search, but every search different and none made before the run "
                f"({len(new_searches):,} drawn afresh)",
                warm=False,
                expect=(303,),
                follow=True,
                count=len(new_searches),
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
            bench.Scenario(
                "api/services/{id}",
                [get(f"/api/hsds/services/{pk}") for pk in self.hsds_ids(service_ids)],
                "one service's HSDS document, 300 services (not kept: checked, not warmed)",
                warm=False,
            ),
        ]

    def hsds_ids(self, service_ids) -> list[str]:
        """The HSDS ids of these services, as the served site derives them."""
        from apps.interchange.hsds.ids import hsds_id

        return [hsds_id("service", pk) for pk in service_ids]

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

    def report(self, results, weights, first_renders, options, out_dir: Path) -> None:
        reference = next((r for r in results if r.scenario.name == "trivial"), None)
        warm_region = next((r for r in results if r.scenario.name == "region"), None)
        for r in results:
            if r.scenario.before and warm_region and warm_region.throughput:
                r.notes.append(
                    f"{r.throughput / warm_region.throughput:.0%} of the warm region rate"
                )
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        label = options["label"] or stamp
        lines = [
            f"# make bench — {label}",
            "",
            f"{self.services:,} published services; {options['clients']} concurrent clients; "
            f"{options['seconds']} s per scenario; gunicorn (production settings) from "
            f"`{options['app_dir']}`; wrk from a second process. Latency in milliseconds. "
            "Each scenario was warmed right before it ran and started once the server was "
            "idle. CPU: gunicorn (master and workers) and the database's PostgreSQL "
            "backends over the run (/proc), divided by the answers (a search and its "
            "results page count as one).",
            "",
            bench.table(results, reference),
            "",
            "| scenario | what is requested | notes |",
            "|---|---|---|",
            *[f"| {r.scenario.name} | {r.scenario.note} | {'; '.join(r.notes)} |" for r in results],
        ]
        if first_renders:
            lines += [
                "",
                "## One client: a region page right after a publication",
                "",
                "| after | pages | p50 ms | p95 ms | max ms |",
                "|---|---:|---:|---:|---:|",
                *[
                    f"| {kind} | {len(values)} | {bench.percentile(values, 0.5):.1f} "
                    f"| {bench.percentile(values, 0.95):.1f} | {max(values):.1f} |"
                    for kind, values in first_renders.items()
                ],
            ]
        lines += [
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
                            "actions": r.actions,
                            "statuses": r.statuses,
                            "errors": r.errors,
                            "cpu_web_s": r.cpu_web,
                            "cpu_db_s": r.cpu_db,
                            "cpu_ms_per_action": r.cpu_ms_per_action(),
                            "failure": r.failure,
                            "notes": r.notes,
                        }
                        for r in results
                    ],
                    "first_renders_ms": first_renders,
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


def _purge(*, hard: bool) -> None:
    """What a publication does to the pages kept by the served site (same Redis)."""
    from apps.core import pagecache

    pagecache.purge(hard=hard)


def _epoch() -> str:
    """The schedule epoch now: entries keyed by it become unreachable when it changes."""
    from django.utils import timezone

    from apps.core import pagecache

    return pagecache.schedule_epoch(timezone.now(), pagecache.current_generation())


def _flush_cache(redis_url: str) -> None:
    """Start cold: no page cached by an earlier run."""
    import redis

    redis.Redis.from_url(redis_url).flushdb()
