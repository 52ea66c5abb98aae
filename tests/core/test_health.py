"""Health endpoints (RR-10) and surviving a PostgreSQL restart (RR-9)."""

import os
import socket
import subprocess
import sys
import time
import urllib.request

import psycopg
import pytest
from django.db import connection
from django.db.utils import OperationalError

from tests.conftest import ROOT


def test_healthz_answers_while_the_process_is_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


@pytest.mark.django_db
def test_readyz_answers_when_the_database_is_reachable(client):
    assert client.get("/readyz").status_code == 200


@pytest.mark.django_db
def test_readyz_says_unavailable_when_the_database_is_not(client, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert b"refused" not in response.content


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local server
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_app_recovers_after_postgres_drops_its_connections(require_postgres):
    """RR-9: every server-side connection of the running app is killed, as a PostgreSQL
    restart does; the next request reconnects without restarting the app."""
    settings_dict = connection.settings_dict
    url = (
        f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:"
        f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
    )
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PGAPPNAME": "waymark-rr9",
        "DJANGO_SETTINGS_MODULE": "apps.settings",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "apps.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if _get(f"{base}/healthz") == 200:
                    break
            except OSError:
                time.sleep(0.1)
        assert _get(f"{base}/readyz") == 200
        admin = psycopg.connect(
            host=settings_dict["HOST"],
            port=settings_dict["PORT"] or 5432,
            user=settings_dict["USER"],
            dbname="postgres",
            autocommit=True,
        )
        with admin:
            killed = admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = 'waymark-rr9'"
            ).fetchone()[0]
        assert killed >= 1, "the app kept no connection open to drop"
        assert _get(f"{base}/readyz") == 200
        assert server.poll() is None
    finally:
        server.terminate()
        server.wait(timeout=10)
