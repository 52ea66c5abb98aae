"""``make bench``: the production setup under load, measured from a second process (#9).

The server is gunicorn with the production settings (DEBUG off, PostgreSQL, the Redis
cache, WhiteNoise's compressed manifest), on loopback, behind nothing: requests carry
``X-Forwarded-Proto: https`` as the reverse proxy would. The load comes from ``wrk``, a
small C program, so the load generator takes as little of the two cores as possible.

Each scenario cycles through many URLs (every interface language, many regions,
services, API pages, search words and filters), so caches are exercised the way
visitors would exercise them, misses included. ``/healthz`` answers without touching
the database: its throughput is the reference for what this machine and gunicorn can do.
"""

import gzip
import json
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


@dataclass
class Result:
    scenario: Scenario
    requests: int = 0
    seconds: float = 0.0
    p50: float = 0.0
    p95: float = 0.0
    p99: float = 0.0
    errors: dict = field(default_factory=dict)

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


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


def run_wrk(wrk: str, server: Server, scenario: Scenario, *, seconds: int, clients: int) -> Result:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua_script(scenario, server.origin()))
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
    match = re.search(r"^BENCH (.*)$", completed.stdout, re.MULTILINE)
    if not match:
        raise BenchError(f"wrk printed no result for {scenario.name}:\n{completed.stdout}")
    data = json.loads(match.group(1))
    return Result(
        scenario,
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50=data["p50"] / 1000,
        p95=data["p95"] / 1000,
        p99=data["p99"] / 1000,
        errors={k: v for k, v in data["errors"].items() if v},
    )


def _lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def lua_script(scenario: Scenario, origin: str) -> str:
    rows = ",\n".join(
        "{" + ", ".join(map(_lua_string, (method, path, body))) + "}"
        for method, path, body in scenario.requests
    )
    return LUA.read_text().replace("--REQUESTS--", rows).replace("--ORIGIN--", origin)


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


def table(results: list[Result], reference: float) -> str:
    lines = [
        "| scenario | req/s | vs trivial | p50 ms | p95 ms | p99 ms | requests | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        share = f"{r.throughput / reference:.0%}" if reference else "-"
        errors = ", ".join(f"{k} {v}" for k, v in r.errors.items()) or "0"
        lines.append(
            f"| {r.scenario.name} | {r.throughput:,.0f} | {share} | {r.p50:.1f} | {r.p95:.1f} "
            f"| {r.p99:.1f} | {r.requests:,} | {errors} |"
        )
    return "\n".join(lines)
