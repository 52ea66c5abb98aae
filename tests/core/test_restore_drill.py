"""The restore drill (RR-3) against a real PostgreSQL server.

Skipped with a reason when DATABASE_URL is not a postgres:// URL or the server cannot be
reached, unless WAYMARK_REQUIRE contains "postgres" (as in CI): then they fail.
"""

import io
import os
import re
import shutil
import subprocess
from urllib.parse import urlsplit

import psycopg
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from psycopg import sql

from apps.core.management.commands.restore_drill import scratch_database_name


def _postgres_unavailable() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if urlsplit(url).scheme not in ("postgres", "postgresql"):
        return "needs PostgreSQL: DATABASE_URL is not a postgres:// URL"
    try:
        # The maintenance database: the one named in the URL may not exist yet.
        psycopg.connect(url, dbname="postgres", connect_timeout=3).close()
    except psycopg.Error as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"needs PostgreSQL: the server in DATABASE_URL is unreachable ({first_line})"
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        return "needs the PostgreSQL client tools pg_dump and pg_restore on PATH"
    return None


UNAVAILABLE = _postgres_unavailable()
REQUIRED = "postgres" in os.environ.get("WAYMARK_REQUIRE", "")


def needs_postgres(test):
    """Real PostgreSQL, a committed-data test database and the drill's own fixture."""
    test = pytest.mark.django_db(transaction=True)(test)
    test = pytest.mark.usefixtures("_postgres_required")(test)
    test = pytest.mark.skipif(bool(UNAVAILABLE and not REQUIRED), reason=UNAVAILABLE or "")(test)
    return pytest.mark.postgres(test)


@pytest.fixture(scope="session")
def _postgres_required():
    """With WAYMARK_REQUIRE=postgres a missing server is a failure, not a skip."""
    if UNAVAILABLE:
        pytest.fail(f"WAYMARK_REQUIRE contains 'postgres', but this test {UNAVAILABLE}")


def _server_params() -> dict:
    settings_dict = connection.settings_dict
    params = {"dbname": "postgres", "autocommit": True}
    for key, name in (("HOST", "host"), ("PORT", "port"), ("USER", "user")):
        if settings_dict.get(key):
            params[name] = str(settings_dict[key])
    if settings_dict.get("PASSWORD"):
        params["password"] = settings_dict["PASSWORD"]
    return params


def drill_databases() -> set[str]:
    with psycopg.connect(**_server_params()) as conn:
        rows = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE 'drill\\_%'"
        ).fetchall()
    return {name for (name,) in rows}


def drop_database(name: str) -> None:
    with psycopg.connect(**_server_params()) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def pg_dump_test_database(path) -> None:
    settings_dict = connection.settings_dict
    env = dict(os.environ, PGDATABASE=settings_dict["NAME"])
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if settings_dict.get(key):
            env[name] = str(settings_dict[key])
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    subprocess.run(
        [shutil.which("pg_dump"), "--format=custom", "--no-password", f"--file={path}"],
        env=env,
        check=True,
        capture_output=True,
    )


def shortest_listable_prefix(data: bytes, probe) -> int:
    """Length of the archive header and table of contents (what --list must read)."""
    lo, hi = 0, len(data)
    while lo < hi:
        mid = (lo + hi) // 2
        probe.write_bytes(data[:mid])
        listed = subprocess.run([shutil.which("pg_restore"), "--list", probe], capture_output=True)
        if listed.returncode == 0:
            hi = mid
        else:
            lo = mid + 1
    return lo


def run_drill(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("restore_drill", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def scratch_name(output: str) -> str:
    match = re.search(r"Scratch database: (drill_\w+)", output)
    assert match, f"the drill did not name its scratch database:\n{output}"
    return match.group(1)


def make_users(count: int) -> None:
    user_model = get_user_model()
    for i in range(count):
        user_model.objects.create_user(username=f"drill-user-{i}", password=None)


@needs_postgres
def test_from_live_restores_matching_counts_and_drops_scratch():
    make_users(3)
    before = drill_databases()

    output, _ = run_drill("--from-live")

    assert "auth_user: source 3, restored 3 rows: match" in output
    assert "django_migrations: " in output
    assert "MISMATCH" not in output
    assert "Restore drill PASSED" in output
    name = scratch_name(output)
    assert f"Scratch database {name} dropped." in output
    assert name not in drill_databases()
    assert drill_databases() == before


@needs_postgres
def test_drill_reads_the_test_database_not_another():
    """The command follows django.db.connection, i.e. pytest-django's test_ database."""
    assert connection.settings_dict["NAME"].startswith("test_")
    make_users(2)

    output, _ = run_drill("--from-live")

    assert f'dumping the live database "{connection.settings_dict["NAME"]}"' in output
    assert "auth_user: source 2, restored 2 rows: match" in output


@needs_postgres
def test_corrupted_dump_fails_clearly_and_leaves_no_scratch_database(tmp_path):
    dump = tmp_path / "garbage.pgc"
    dump.write_bytes(b"PGDMP this is not really an archive \x00\x01\x02" * 50)
    before = drill_databases()

    with pytest.raises(CommandError, match="custom-format archive") as excinfo:
        run_drill(str(dump))

    assert "pg_restore" in str(excinfo.value) or "archive" in str(excinfo.value)
    assert drill_databases() == before


@needs_postgres
def test_truncated_dump_fails_during_restore_and_scratch_is_dropped(tmp_path):
    make_users(5)
    good = tmp_path / "good.pgc"
    pg_dump_test_database(good)
    data = good.read_bytes()
    # Keep the whole table of contents (so the archive still lists) but cut the table
    # data short: the failure then happens while restoring into the scratch database.
    toc_end = shortest_listable_prefix(data, tmp_path / "probe.pgc")
    assert toc_end < len(data) - 16, "the dump should hold table data after its TOC"
    truncated = tmp_path / "truncated.pgc"
    truncated.write_bytes(data[: (toc_end + len(data)) // 2])
    listed = subprocess.run([shutil.which("pg_restore"), "--list", truncated], capture_output=True)
    assert listed.returncode == 0
    before = drill_databases()
    out = io.StringIO()

    with pytest.raises(CommandError, match=r"pg_restore into drill_\w+ failed"):
        call_command("restore_drill", str(truncated), stdout=out, stderr=io.StringIO())

    name = scratch_name(out.getvalue())
    assert f"Scratch database {name} dropped." in out.getvalue()
    assert name not in drill_databases()
    assert drill_databases() == before


@needs_postgres
def test_dump_file_with_keep_leaves_a_usable_copy(tmp_path):
    make_users(4)
    dump = tmp_path / "nightly.pgc"
    pg_dump_test_database(dump)

    output, _ = run_drill(str(dump), "--keep", "--expect-min-services", "0")
    name = scratch_name(output)
    try:
        assert "Restore drill PASSED" in output
        assert "auth_user: 4 rows" in output
        assert "services: 0 (expected at least 0)" in output
        assert name in drill_databases()
        params = _server_params() | {"dbname": name}
        with psycopg.connect(**params) as conn:
            users = conn.execute("SELECT count(*) FROM auth_user").fetchone()[0]
        assert users == 4
    finally:
        drop_database(name)
    assert name not in drill_databases()


@needs_postgres
def test_too_few_services_fails_the_drill(tmp_path):
    before = drill_databases()

    out = io.StringIO()
    with pytest.raises(CommandError, match=r"services: 0 \(expected at least 1\)"):
        call_command("restore_drill", "--from-live", "--expect-min-services", "1", stdout=out)

    assert "FAIL" in out.getvalue()
    assert drill_databases() == before


@needs_postgres
def test_missing_dump_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Dump file not found"):
        run_drill(str(tmp_path / "nope.pgc"))


def test_refuses_to_run_on_sqlite(monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        run_drill("--from-live")


def test_needs_exactly_one_source(monkeypatch, tmp_path):
    monkeypatch.setattr(connection, "vendor", "postgresql")
    with pytest.raises(CommandError, match="exactly one"):
        run_drill()
    with pytest.raises(CommandError, match="exactly one"):
        run_drill(str(tmp_path / "x.pgc"), "--from-live")


def test_scratch_names_are_unique_and_valid_identifiers():
    long_source = "test_" + "x" * 80
    names = {scratch_database_name(long_source) for _ in range(20)}
    assert len(names) == 20
    for name in names:
        assert len(name.encode()) <= 63
        assert re.fullmatch(r"drill_[a-z0-9_]+", name)
    assert scratch_database_name("Test-Waymark").startswith("drill_test_waymark_")
