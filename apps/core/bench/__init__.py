"""``make bench``: the production setup under load, measured from a second process (#9).

The server is gunicorn with the production settings (DEBUG off, PostgreSQL, the Redis
cache, WhiteNoise's compressed manifest), on loopback, behind nothing: requests carry
``X-Forwarded-Proto: https`` as the reverse proxy would. The load comes from ``wrk``, a
small C program, so the load generator takes as little of the two cores as possible.

Each scenario cycles through many URLs (every interface language, many regions,
services, API pages, search words and filters), so caches are exercised the way
visitors would exercise them, misses included. ``/healthz`` answers without touching
the database: its throughput is the reference for what this machine and gunicorn can do.

A run can be trusted (issue #20):
- each scenario is warmed right before it runs and starts only when the server has
  drained the previous one's queued requests (``wait_until_idle``);
- a scenario with no answers, or with answers other than the ones it expects, fails
  (``Result.failure``) instead of reporting "0 errors";
- the CPU time of gunicorn (master and workers) and of the bench database's PostgreSQL
  backends over the run (``/proc/<pid>/stat``) is divided by the answers: steadier than
  requests per second on a shared machine.
"""

import gzip
import json
import math
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
LUA = Path(__file__).with_name("wrk.lua")


@dataclass
class Scenario:
    name: str
    # (method, path, body); wrk cycles through them.
    requests: list[tuple[str, str, str]]
    note: str = ""
    # False: nothing is requested before the run, so nothing is kept in the cache yet.
    warm: bool = True
    # The status every answer must have (a search answers 303 to its results page).
    expect: tuple[int, ...] = (200,)
    # Follow a 303 to its Location (counted as part of the same visitor action).
    follow: bool = False
    # Called right before the run, after the warm-up (e.g. a publication's purge).
    before: object = None
    # How many different requests there are, when each should be made once only.
    count: int = 0

    @property
    def slug(self) -> str:
        """The name without spaces or commas, for ``--only``: "search-new"."""
        return re.sub(r"[^a-z0-9+/]+", "-", self.name.lower()).strip("-/")


@dataclass
class Result:
    scenario: Scenario
    requests: int = 0
    seconds: float = 0.0
    p50: float = 0.0
    p95: float = 0.0
    p99: float = 0.0
    errors: dict = field(default_factory=dict)
    # Answers by HTTP status, as wrk's script counted them.
    statuses: dict = field(default_factory=dict)
    # Redirects followed (their pages are answers too, but not new visitor actions).
    followed: int = 0
    # CPU seconds of gunicorn and of PostgreSQL over the run (None: not measured).
    cpu_web: float | None = None
    cpu_db: float | None = None
    notes: list = field(default_factory=list)
    # Why the scenario could not run at all ("" when it ran).
    aborted: str = ""

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def actions(self) -> int:
        """Visitor actions: a search and the results page it leads to count once."""
        return self.requests - self.followed

    def cpu_ms_per_action(self, part: str = "all") -> float | None:
        if self.cpu_web is None or not self.actions:
            return None
        cpu = {"web": self.cpu_web, "db": self.cpu_db, "all": self.cpu_web + self.cpu_db}[part]
        return 1000 * cpu / self.actions

    @property
    def failure(self) -> str:
        """Why this scenario cannot be trusted ("" when it can)."""
        if self.aborted:
            return self.aborted
        if self.requests == 0:
            return "no answers at all"
        expected = set(self.scenario.expect) | ({200} if self.scenario.follow else set())
        unexpected = {
            int(code): n for code, n in self.statuses.items() if int(code) not in expected
        }
        if unexpected:
            listed = ", ".join(f"{n} × {code}" for code, n in sorted(unexpected.items()))
            return f"unexpected answers: {listed}"
        if self.errors:
            listed = ", ".join(f"{k} {v}" for k, v in self.errors.items())
            return f"errors: {listed}"
        return ""


class BenchError(Exception):
    pass


def find_wrk() -> str:
    path = shutil.which("wrk")
    if not path:
        raise BenchError(
            "make bench needs wrk, a load generator: install it with `apt-get install wrk` "
            "(Debian/Ubuntu) or `brew install wrk` (macOS)."
        )
    return path


def production_environment(database_url: str, redis_url: str, data_dir: Path) -> dict:
    """What gunicorn gets: the production settings, with loopback-only hosts."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "WAYMARK_", "CELERY_", "REDIS_", "DATABASE_"))
    }
    env.update(
        {
            "WAYMARK_ENV": "production",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "CELERY_BROKER_URL": redis_url,
            "HTTPS": "true",
            "BEHIND_PROXY": "true",
            "WAYMARK_DATA_DIR": str(data_dir),
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(data_dir),
            # The bench measures the server, not the API's per-client limit: one client
            # (wrk) sends all the load, which the limiter would rightly refuse.
            "DJANGO_SETTINGS_MODULE": "bench_settings",
        }
    )
    return env


BENCH_SETTINGS = '''"""Written by make bench: the production settings, with the API limit lifted."""
from apps.settings import *  # noqa: F403

HSDS_API_RATE_LIMIT = 10**9
'''


class Server:
    """gunicorn, started with the production configuration from ``app_dir``."""

    def __init__(self, app_dir: Path, env: dict, port: int, log: Path):
        self.app_dir, self.env, self.port, self.log = app_dir, env, port, log
        self.process = None

    def prepare(self) -> None:
        data_dir = Path(self.env["WAYMARK_DATA_DIR"])
        data_dir.mkdir(parents=True, exist_ok=True)
        (data_dir / "bench_settings.py").write_text(BENCH_SETTINGS)
        for command in (["compile_catalogs"], ["collectstatic", "--noinput", "-v0"]):
            subprocess.run(  # noqa: S603 - fixed arguments
                [sys.executable, "manage.py", *command],
                cwd=self.app_dir,
                env=self.env,
                check=True,
                stdout=subprocess.DEVNULL,
            )

    def __enter__(self):
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                str(gunicorn),
                "-c",
                "apps/gunicorn_conf.py",
                "--bind",
                f"127.0.0.1:{self.port}",
                "apps.wsgi:application",
            ],
            cwd=self.app_dir,
            env=self.env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn stopped at start; see {self.log}")
            try:
                fetch(self.url("/healthz"))
                return self
            except OSError:
                time.sleep(0.3)
        raise BenchError("gunicorn did not answer within 60 s")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def origin(self) -> str:
        return f"https://127.0.0.1:{self.port}"


HEADERS = {"X-Forwarded-Proto": "https", "Accept-Encoding": "gzip"}


def fetch(url: str, *, method="GET", body: str | None = None, origin: str | None = None):
    """One request as a browser would send it; returns (status, headers, raw body)."""
    headers = dict(HEADERS)
    data = None
    if body is not None:
        data = body.encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if origin:
        headers["Origin"] = origin
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def run_wrk(
    wrk: str, server: Server, scenario: Scenario, *, seconds: int, clients: int, cpu=None
) -> Result:
    """One scenario under load; ``cpu`` (a ``CpuMeter``) measures the run's CPU time."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua_script(scenario, server.origin()))
    start = cpu.sample() if cpu else None
    try:
        completed = subprocess.run(  # noqa: S603 - fixed arguments
            [
                wrk,
                "-t1",
                f"-c{clients}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                script.name,
                server.url("/"),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(script.name)
    end = cpu.sample() if cpu else None
    result = parse_wrk(scenario, completed.stdout)
    if cpu:
        result.cpu_web, result.cpu_db = cpu.spent(start, end)
    return result


def parse_wrk(scenario: Scenario, stdout: str) -> Result:
    match = re.search(r"^BENCH (.*)$", stdout, re.MULTILINE)
    if not match:
        raise BenchError(f"wrk printed no result for {scenario.name}:\n{stdout}")
    data = json.loads(match.group(1))
    return Result(
        scenario,
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50=data["p50"] / 1000,
        p95=data["p95"] / 1000,
        p99=data["p99"] / 1000,
        # wrk counts a status of 400 or more as an error; the statuses are checked apart.
        errors={k: v for k, v in data["errors"].items() if v and k != "status"},
        statuses={int(k): v for k, v in data.get("statuses", {}).items()},
        followed=data.get("followed", 0),
    )


# --- CPU time of the server and of the database -----------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat(pid: int, proc: Path) -> tuple[int, float] | None:
    """(parent pid, CPU seconds) of a process, from /proc/<pid>/stat; None if gone."""
    try:
        text = (proc / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: split after its end.
    fields = text[text.rindex(")") + 2 :].split()
    # Fields 4 (ppid), 14 (utime) and 15 (stime) of proc(5), counted from 1.
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _cmdline(pid: int, proc: Path) -> str:
    try:
        return (proc / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


class CpuMeter:
    """CPU seconds spent by gunicorn (its master and workers) and by the PostgreSQL
    backends serving one database, from /proc (Linux). Backends that end during a run
    take their time with them; gunicorn's workers keep their connections (CONN_MAX_AGE)."""

    def __init__(self, server_pid: int, database: str, proc: Path = Path("/proc")):
        self.server_pid, self.database, self.proc = server_pid, database, proc

    def sample(self) -> dict[str, dict[int, float]]:
        web, db = {}, {}
        for entry in self.proc.iterdir():
            if not entry.name.isdigit():
                continue
            pid = int(entry.name)
            stat = _stat(pid, self.proc)
            if stat is None:
                continue
            parent, seconds = stat
            if pid == self.server_pid or parent == self.server_pid:
                web[pid] = seconds
            elif _is_backend_of(_cmdline(pid, self.proc), self.database):
                db[pid] = seconds
        return {"web": web, "db": db}

    @staticmethod
    def spent(start: dict, end: dict) -> tuple[float, float]:
        """(web, db) CPU seconds between two samples; a process born since counts from 0."""
        return tuple(
            sum(max(0.0, end[part][pid] - start[part].get(pid, 0.0)) for pid in end[part])
            for part in ("web", "db")
        )

    def busy(self) -> float:
        """CPU seconds of the server and its database so far (for ``wait_until_idle``)."""
        sample = self.sample()
        return sum(sample["web"].values()) + sum(sample["db"].values())


def _is_backend_of(cmdline: str, database: str) -> bool:
    # "postgres: [<cluster>:] <user> <database> <host>(<port>) <state>", as PostgreSQL
    # names its backends (the cluster name when cluster_name is set, as on Debian).
    words = cmdline.split()
    if not words or words[0] != "postgres:":
        return False
    words = words[1:]
    if words and words[0].endswith(":"):
        words = words[1:]
    return len(words) >= 2 and words[1] == database


def wait_until_idle(
    busy, *, interval: float = 0.25, quiet: float = 0.05, calm: int = 3, timeout: float = 180
) -> float:
    """Wait until the server has finished what was queued: ``busy()`` (CPU seconds so far)
    grows by less than ``quiet`` of ``interval`` for ``calm`` intervals in a row. Returns
    the seconds waited; raises BenchError after ``timeout``."""
    started = time.monotonic()
    last, still = busy(), 0
    while still < calm:
        if time.monotonic() - started > timeout:
            raise BenchError(f"the server was still busy {timeout:.0f} s after a scenario")
        time.sleep(interval)
        now = busy()
        still = still + 1 if now - last < quiet * interval else 0
        last = now
    return time.monotonic() - started


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of a few measured values (0 for none)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def lua_script(scenario: Scenario, origin: str) -> str:
    rows = ",\n".join(
        "{" + ", ".join(map(_lua_string, (method, path, body))) + "}"
        for method, path, body in scenario.requests
    )
    return (
        LUA.read_text()
        .replace("--REQUESTS--", rows)
        .replace("--ORIGIN--", origin)
        .replace("--FOLLOW--", "true" if scenario.follow else "false")
    )


def page_weight(server: Server, method: str, path: str, body: str = "") -> dict:
    """Bytes transferred for one page: HTML plus its stylesheets and scripts, compressed."""
    status, headers, raw = fetch(
        server.url(path), method=method, body=body or None, origin=server.origin()
    )
    if status != 200:
        raise BenchError(f"{method} {path} answered {status}")
    html = gzip.decompress(raw) if headers.get("Content-Encoding") == "gzip" else raw
    assets = re.findall(rb'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"', html)
    sizes = {"html": len(raw)}
    for asset in assets:
        _status, _headers, body_bytes = fetch(server.url(asset.decode()))
        sizes[asset.decode()] = len(body_bytes)
    images = len(re.findall(rb"<img\b", html))
    fonts = len(re.findall(rb"@font-face|\.woff2?\b", html))
    return {"bytes": sum(sizes.values()), "parts": sizes, "images": images, "fonts": fonts}


def table(results: list[Result], reference: Result | None) -> str:
    """The figures of each scenario, with its share of the trivial view's throughput and
    its CPU per answer against the trivial view's (how many times its work)."""
    lines = [
        "| scenario | req/s | vs trivial | p50 ms | p95 ms | p99 ms | answers "
        "| CPU ms/answer (web + db) | × trivial CPU | result |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    base_rate = reference.throughput if reference else 0
    base_cpu = reference.cpu_ms_per_action() if reference else None
    for r in results:
        share = f"{r.throughput / base_rate:.0%}" if base_rate else "-"
        cpu = r.cpu_ms_per_action()
        cpu_text = (
            f"{cpu:.2f} ({r.cpu_ms_per_action('web'):.2f} + {r.cpu_ms_per_action('db'):.2f})"
            if cpu is not None
            else "-"
        )
        times = f"{cpu / base_cpu:.1f}" if cpu is not None and base_cpu else "-"
        verdict = f"**FAILED: {r.failure}**" if r.failure else "ok"
        lines.append(
            f"| {r.scenario.name} | {r.throughput:,.1f} | {share} | {r.p50:.1f} | {r.p95:.1f} "
            f"| {r.p99:.1f} | {r.actions:,} | {cpu_text} | {times} | {verdict} |"
        )
    return "\n".join(lines)
