"""The CPU cost of first-time searches, in-process (issue #20).

    DATABASE_URL=postgres://…/waymark_bench .venv/bin/python -m apps.core.bench.first_search
    … -m apps.core.bench.first_search --profile 30   # cProfile of one search, top 30

Runs distinct searches nobody made before (words + region + language + one more filter,
the cache emptied first) through Django's test client, as a visitor's browser would:
the POST and the result page it is sent to. For each search it measures the web
process's CPU (``time.process_time``), the CPU of the PostgreSQL backend serving this
connection (from /proc, so only on the same machine; otherwise 0), the time spent in
SQL as Django saw it, and the number of statements. A load test (``make bench``)
measures what 20 clients get; this measures what one search costs, which is steadier on
a shared machine.
"""

import argparse
import cProfile
import io
import os
import pstats
import random
import statistics
import sys
import time
from urllib.parse import urlencode


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "apps.settings")
    import django

    django.setup()


def backend_cpu(pid: int | None) -> float:
    """Seconds of CPU used so far by the PostgreSQL backend process ``pid``."""
    if not pid:
        return 0.0
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def searches(count: int, seed: int) -> list[tuple[str, dict]]:
    """``count`` different searches: a word of a listing's name, a region the listing
    serves, a language and one more filter, in English, French or Spanish."""
    from apps.directory.models import Language, Service, Taxonomy, TaxonomyTerm

    rng = random.Random(seed)
    terms = {
        name: list(TaxonomyTerm.objects.of(slug).values_list("pk", flat=True))
        for name, slug in (
            ("type", Taxonomy.SERVICE_TYPE),
            ("population", Taxonomy.POPULATION),
            ("trust", Taxonomy.TRUST),
        )
    }
    extras = [
        *({"type": [pk]} for pk in terms["type"][:6]),
        *({"population": [pk]} for pk in terms["population"][:4]),
        *({"trust": [pk]} for pk in terms["trust"][:3]),
        {"channel": ["voice"]},
        {"channel": ["sms"]},
        {"free": "on"},
        {"open_now": "on"},
        {"always_open": "on"},
    ]
    # The same seed picks the same listings, so runs before and after a change compare.
    serving = Service.objects.published().filter(areas__region__isnull=False)
    population = sorted(set(serving.values_list("pk", flat=True)))
    picked = rng.sample(population, min(len(population), count * 4))
    rows = serving.filter(pk__in=picked).values_list(
        "pk", "name_en", "name_fr", "name_es", "areas__region__code"
    )
    first = {}
    for row in rows:
        first.setdefault(row[0], row)
    samples = [first[pk] for pk in picked if pk in first]
    # A language the listing is offered in, so that most searches find something.
    spoken = {}
    for service_id, language_id in Language.objects.filter(
        services__in=[row[0] for row in samples]
    ).values_list("services", "pk"):
        spoken.setdefault(service_id, []).append(language_id)
    rows, seen = [], set()
    for number, (pk, en, fr, es, region) in enumerate(samples):
        if len(rows) == count:
            break
        lang, name = (("en", en), ("fr", fr), ("es", es))[number % 3]
        words = [w for w in (name or en or "").split() if len(w) > 4 and w.isalpha()]
        if not words or pk not in spoken:
            continue
        data = {"q": rng.choice(words).lower(), "region": region}
        data["language"] = rng.choice(sorted(spoken[pk]))
        data.update(extras[number % len(extras)])
        key = (lang, urlencode(data, doseq=True))
        if key not in seen:
            seen.add(key)
            rows.append((lang, data))
    return rows


def run(count: int, seed: int, profile: int) -> dict:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    rows = searches(count, seed)
    cache.clear()
    client = Client(HTTP_ORIGIN="http://testserver")
    client.get("/en/")  # connections, templates and catalogs loaded before measuring
    connection.ensure_connection()
    pid = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
    web, database, sql, statements, found = [], [], [], [], []
    profiler = cProfile.Profile() if profile else None
    for number, (lang, data) in enumerate(rows):
        cpu, db_cpu = time.process_time(), backend_cpu(pid)
        with CaptureQueriesContext(connection) as queries:
            if profiler and number == len(rows) // 2:
                profiler.enable()
            response = client.post(f"/{lang}/find/", data, follow=True)
            if profiler:
                profiler.disable()
        web.append((time.process_time() - cpu) * 1000)
        database.append((backend_cpu(pid) - db_cpu) * 1000)
        sql.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
        statements.append(len(queries.captured_queries))
        if response.status_code != 200:
            raise SystemExit(f"search {data} answered {response.status_code}")
        found.append(response.content.decode().count('<h3 id="svc-'))
    summary = {
        "searches": len(rows),
        "with results": sum(1 for n in found if n),
        "web CPU ms p50/p95/mean": _stats(web),
        "PostgreSQL CPU ms p50/p95/mean": _stats(database),
        "SQL time ms p50/p95/mean": _stats(sql),
        "statements mean": round(statistics.mean(statements), 1),
        "CPU per search ms (web + database, mean)": round(
            statistics.mean(web) + statistics.mean(database), 1
        ),
    }
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(profile)
        summary["profile"] = out.getvalue()
    return summary


def _stats(values):
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered):.1f} / {p95:.1f} / {statistics.mean(ordered):.1f}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--searches", type=int, default=60)
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--profile", type=int, default=0, help="print the top N of one search")
    args = parser.parse_args(argv)
    _setup()
    summary = run(args.searches, args.seed, args.profile)
    profile = summary.pop("profile", "")
    for name, value in summary.items():
        print(f"{name}: {value}")
    if profile:
        print(profile)


if __name__ == "__main__":
    main(sys.argv[1:])
