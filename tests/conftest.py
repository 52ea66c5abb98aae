"""Shared fixtures: the demo directory, and honest skips for missing services.

A test that needs PostgreSQL, Redis, Chromium or ../shared skips with the reason when
it is missing — unless WAYMARK_REQUIRE names it (CI sets
``WAYMARK_REQUIRE=postgres,redis,chromium,shared``), in which case it fails instead.
"""

import os
import shutil
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CHROMIUM = os.environ.get("WAYMARK_CHROMIUM", "/usr/bin/chromium")


def _required(thing: str) -> bool:
    return thing in {t.strip() for t in os.environ.get("WAYMARK_REQUIRE", "").split(",")}


def need(thing: str, available: bool, reason: str) -> None:
    """Skip (or, where CI requires the thing, fail) when it is not available."""
    if available:
        return
    if _required(thing):
        pytest.fail(f"{reason} (WAYMARK_REQUIRE includes {thing})")
    pytest.skip(reason)


def _port_open(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or default_port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def require_postgres():
    need(
        "postgres",
        connection.vendor == "postgresql",
        "needs PostgreSQL: set DATABASE_URL=postgres://...",
    )


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL") or os.environ.get("CELERY_BROKER_URL") or ""
    need(
        "redis",
        bool(url) and _port_open(url, 6379),
        "needs a running Redis: set REDIS_URL=redis://127.0.0.1:6379/0",
    )
    return url


@pytest.fixture
def shared_dir():
    need("shared", SHARED.is_dir(), f"needs ../shared beside the project ({SHARED})")
    return SHARED


@pytest.fixture
def chromium_path():
    need(
        "chromium",
        Path(CHROMIUM).exists() or bool(shutil.which("chromium")),
        f"needs Chromium at {CHROMIUM} (apt-get install chromium)",
    )
    return CHROMIUM


@pytest.fixture
def demo(db):
    """The fictional demo directory, loaded once per test."""
    from django.core.cache import cache

    from apps.directory.demo import load_demo

    load_demo()
    cache.clear()
    return True


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _reset_language():
    """A request through the test client leaves its language active in this thread; the
    next test starts from the default language, whatever ran before it."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture
def in_process_tasks():
    """Run tasks inside the test, as the laptop demo does, even where a broker is set."""
    from apps.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved
