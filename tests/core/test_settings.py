"""Settings come from the environment and refuse bad or missing production values."""

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

PRODUCTION = {
    "WAYMARK_ENV": "production",
    "SECRET_KEY": "k" * 20 + "abcdefghijklmnopqrstuvwxyz0123456789",
    "ALLOWED_HOSTS": "help.example.org",
    "DATABASE_URL": "postgres://u:p@db:5432/waymark",
    "CELERY_BROKER_URL": "redis://redis:6379/0",
}


def load_settings(**env):
    """Import the settings in a fresh interpreter; return (exit code, output)."""
    # Only what a deployment would have: nothing from this test run's own environment.
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("WAYMARK", "DATABASE", "REDIS", "CELERY", "DJANGO"))
    }
    clean.update({"WAYMARK_DATA_DIR": str(ROOT / "data" / "settings-test"), **env})
    code = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.DATABASES['default']['ENGINE'], settings.CELERY_TASK_ALWAYS_EAGER, "
        "settings.DEBUG, settings.DATABASES['default'].get('CONN_HEALTH_CHECKS'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "apps.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.returncode, result.stdout + result.stderr


def test_demo_defaults_to_sqlite_eager_jobs_and_no_debug():
    code, out = load_settings()
    assert code == 0, out
    assert out.split()[:3] == ["django.db.backends.sqlite3", "True", "False"]


def test_postgres_url_uses_postgresql_with_health_checks_and_real_broker():
    code, out = load_settings(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/x", CELERY_BROKER_URL="redis://h:6379/0"
    )
    assert code == 0, out
    assert out.split()[:4] == ["django.db.backends.postgresql", "False", "False", "True"]


def test_complete_production_settings_start():
    code, out = load_settings(**PRODUCTION)
    assert code == 0, out


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CELERY_BROKER_URL"]
)
def test_production_refuses_to_start_without(missing):
    env = {**PRODUCTION, missing: ""}
    code, out = load_settings(**env)
    assert code != 0
    assert missing in out


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "mysql://x/y"),
        ("DATABASE_CONN_MAX_AGE", "soon"),
        ("WAYMARK_ENV", "staging"),
        ("CELERY_BROKER_URL", "ftp://x"),
        ("HTTPS", "2"),
    ],
)
def test_bad_values_fail_loudly_naming_the_variable(name, value):
    code, out = load_settings(**{name: value})
    assert code != 0
    assert name in out


def test_production_refuses_debug_and_plain_http():
    assert load_settings(**PRODUCTION, DEBUG="true")[0] != 0
    assert load_settings(**PRODUCTION, HTTPS="false")[0] != 0


def test_production_refuses_a_short_secret_key():
    code, out = load_settings(**{**PRODUCTION, "SECRET_KEY": "short"})
    assert code != 0 and "SECRET_KEY" in out


def test_check_deploy_is_clean_with_production_settings():
    """SR-16: Django's deployment checklist passes."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("WAYMARK", "DATABASE", "REDIS", "CELERY", "DJANGO"))
    }
    env = {
        **clean,
        **PRODUCTION,
        "WAYMARK_DATA_DIR": str(ROOT / "data" / "settings-test"),
        "DJANGO_SETTINGS_MODULE": "apps.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
