"""Restore drill (RR-3): prove that a backup restores into a fresh database and is whole.

    python manage.py restore_drill /backups/waymark-2025-01-31.pgc
    python manage.py restore_drill --from-live
    python manage.py restore_drill --from-live --expect-min-services 40

A dump file must be in pg_dump's custom format (``pg_dump -Fc``). With ``--from-live`` the
configured database is dumped first, from a consistent snapshot whose row counts are
taken in the same transaction, so the restored copy must match them exactly.

The drill creates a uniquely named scratch database on the same server (the configured
user needs the CREATEDB privilege), restores into it with ``pg_restore --no-owner``,
checks it, prints a report and drops the scratch database again (unless ``--keep``). Any
failure exits non-zero. The password travels to pg_dump and pg_restore only through
PGPASSWORD in their environment; it is never printed. See docs/backup.md.
"""

import os
import re
import secrets
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from psycopg import sql

# Django's OPTIONS that are libpq connection parameters, with their environment names.
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
    "channel_binding": "PGCHANNELBINDING",
    "gssencmode": "PGGSSENCMODE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
    "options": "PGOPTIONS",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
}
SCRATCH_PREFIX = "drill_"
MAX_IDENTIFIER = 63
TAIL_LINES = 15


def scratch_database_name(source: str, now: datetime | None = None) -> str:
    """``drill_<source>_<UTC time>_<random>``: unique, valid unquoted, at most 63 bytes."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d%H%M%S")
    suffix = f"_{stamp}_{secrets.token_hex(3)}"
    slug = re.sub(r"[^a-z0-9_]+", "_", source.lower()).strip("_") or "db"
    room = MAX_IDENTIFIER - len(SCRATCH_PREFIX) - len(suffix)
    return f"{SCRATCH_PREFIX}{slug[:room]}{suffix}"


@dataclass
class Server:
    """How to reach the configured PostgreSQL server, from Django's settings."""

    params: dict = field(default_factory=dict)  # libpq keywords, without dbname

    @classmethod
    def from_settings(cls, settings_dict: dict) -> "Server":
        params = {}
        for key, libpq_key in (
            ("HOST", "host"),
            ("PORT", "port"),
            ("USER", "user"),
            ("PASSWORD", "password"),
        ):
            if settings_dict.get(key):
                params[libpq_key] = str(settings_dict[key])
        for key, value in (settings_dict.get("OPTIONS") or {}).items():
            if key in LIBPQ_OPTIONS and value not in (None, ""):
                params[key] = str(value)
        return cls(params)

    @property
    def password(self) -> str:
        return self.params.get("password", "")

    def connect(self, dbname: str) -> psycopg.Connection:
        return psycopg.connect(dbname=dbname, autocommit=True, **self.params)

    def env(self, dbname: str | None = None) -> dict:
        """Environment for pg_dump / pg_restore: the password only as PGPASSWORD."""
        env = dict(os.environ)
        names = {"host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD"}
        names.update(LIBPQ_OPTIONS)
        for key, value in self.params.items():
            env[names[key]] = value
        if dbname is not None:
            # A database name in PGDATABASE is never read as a connection string.
            env["PGDATABASE"] = dbname
        return env

    def scrub(self, text: str) -> str:
        return text.replace(self.password, "********") if self.password else text


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


class Command(BaseCommand):
    help = (
        "Restore a pg_dump custom-format dump (or, with --from-live, a fresh dump of the "
        "configured database) into a new scratch database, check it, and drop it again."
    )

    def add_arguments(self, parser):
        parser.add_argument("dump", nargs="?", help="A dump file written by `pg_dump -Fc`.")
        parser.add_argument(
            "--from-live",
            action="store_true",
            help="Dump the configured database first and compare row counts with it.",
        )
        parser.add_argument(
            "--keep",
            action="store_true",
            help="Keep the scratch database for inspection (drop it yourself afterwards).",
        )
        parser.add_argument(
            "--expect-min-services",
            type=int,
            metavar="N",
            help="Fail unless the restored database holds at least N services.",
        )
        parser.add_argument(
            "--maintenance-db",
            default="postgres",
            help="Database to connect to for CREATE/DROP DATABASE (default: postgres).",
        )
        parser.add_argument(
            "--pg-bin-dir",
            default=os.environ.get("PG_BIN_DIR", ""),
            help="Folder holding pg_dump and pg_restore (default: found on PATH).",
        )

    # --- entry point ----------------------------------------------------------------
    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                f"restore_drill needs PostgreSQL; this site's database is {connection.vendor} "
                "(DATABASE_URL is not a postgres:// URL). SQLite demo data has no pg_dump "
                "backups to drill: copy the file instead."
            )
        dump_arg, from_live = options["dump"], options["from_live"]
        if bool(dump_arg) == from_live:
            raise CommandError("Give either a dump file or --from-live (exactly one of them).")
        min_services = options["expect_min_services"]
        if min_services is not None and min_services < 0:
            raise CommandError("--expect-min-services must be 0 or more.")

        self.pg_dump = self.find_tool("pg_dump", options["pg_bin_dir"])
        self.pg_restore = self.find_tool("pg_restore", options["pg_bin_dir"])
        self.server = Server.from_settings(connection.settings_dict)
        source = connection.settings_dict["NAME"]
        tables = self.django_tables()

        with tempfile.TemporaryDirectory(prefix="restore-drill-") as workdir:
            expected = None
            if from_live:
                dump = Path(workdir) / "live.pgc"
                self.say(f'Restore drill: dumping the live database "{source}".')
                expected = self.dump_live(source, dump, tables)
            else:
                dump = Path(dump_arg)
                if not dump.is_file():
                    raise CommandError(f"Dump file not found: {dump}")
                self.say(f"Restore drill: dump file {dump}.")
            entries = self.list_archive(dump)
            self.say(f"Dump: {dump.stat().st_size / 1024:.1f} KiB, {entries} archive entries.")

            scratch = scratch_database_name(source)
            self.create_database(scratch, options["maintenance_db"])
            self.say(f"Scratch database: {scratch}")
            try:
                checks = self.restore_and_check(dump, scratch, tables, expected, min_services)
            except BaseException:
                self.finish(scratch, options, quiet_errors=True)
                raise
            self.finish(scratch, options, quiet_errors=False)

        failed = [c for c in checks if not c.ok]
        if failed:
            reasons = "; ".join(f"{c.name}: {c.detail}" for c in failed)
            raise CommandError(f"Restore drill FAILED ({len(failed)} problem(s)): {reasons}")
        self.say(self.style.SUCCESS(f"Restore drill PASSED: {len(checks)} checks, none failed."))

    # --- tools ----------------------------------------------------------------------
    def find_tool(self, name: str, bin_dir: str) -> str:
        path = shutil.which(name, path=bin_dir) if bin_dir else shutil.which(name)
        if not path:
            where = f"in {bin_dir}" if bin_dir else "on PATH"
            raise CommandError(
                f"{name} was not found {where}. Install the PostgreSQL client tools of the "
                "server's major version (or pass --pg-bin-dir)."
            )
        return path

    def run_tool(self, argv: list[str], what: str, dbname: str | None = None) -> str:
        started = time.monotonic()
        result = subprocess.run(  # noqa: S603 - argument list, no shell
            argv,
            env=self.server.env(dbname),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            lines = self.server.scrub(result.stderr or result.stdout).strip().splitlines()
            tail = "\n".join(lines[-TAIL_LINES:]) or f"exit status {result.returncode}"
            raise CommandError(f"{what} failed:\n{tail}")
        self.elapsed = time.monotonic() - started
        return result.stdout

    def list_archive(self, dump: Path) -> int:
        """Read the archive's table of contents: a clear error for a file that is not one."""
        listing = self.run_tool(
            [self.pg_restore, "--list", str(dump)],
            f"Reading {dump} as a pg_dump custom-format archive",
        )
        return sum(1 for line in listing.splitlines() if line.strip() and not line.startswith(";"))

    # --- dump -----------------------------------------------------------------------
    def dump_live(self, source: str, dump: Path, tables: list[str]) -> dict[str, int | None]:
        """Dump from an exported snapshot and count rows in that same snapshot."""
        with self.connect(source) as conn:
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            try:
                snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
                counts = self.count_rows(conn, tables)
                self.run_tool(
                    [
                        self.pg_dump,
                        "--format=custom",
                        "--no-password",
                        f"--snapshot={snapshot}",
                        f"--file={dump}",
                    ],
                    "pg_dump of the live database",
                    dbname=source,
                )
            finally:
                conn.execute("ROLLBACK")
        self.say(f"Dumped in {self.elapsed:.1f} s from a consistent snapshot.")
        return counts

    # --- scratch database -----------------------------------------------------------
    def connect(self, dbname: str) -> psycopg.Connection:
        try:
            return self.server.connect(dbname)
        except psycopg.Error as exc:
            message = self.server.scrub(str(exc)).strip()
            raise CommandError(f'Cannot connect to database "{dbname}": {message}') from None

    def create_database(self, name: str, maintenance_db: str) -> None:
        with self.connect(maintenance_db) as conn:
            try:
                conn.execute(
                    sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name))
                )
            except psycopg.errors.InsufficientPrivilege:
                user = self.server.params.get("user", "the configured user")
                raise CommandError(
                    f"{user} may not create databases: grant it CREATEDB "
                    "(ALTER ROLE ... CREATEDB) or run the drill as a role that has it."
                ) from None

    def drop_database(self, name: str, maintenance_db: str) -> None:
        with self.connect(maintenance_db) as conn:
            force = " WITH (FORCE)" if conn.info.server_version >= 130000 else ""
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}" + force).format(sql.Identifier(name)))

    def finish(self, scratch: str, options: dict, *, quiet_errors: bool) -> None:
        if options["keep"]:
            self.say(
                f"Scratch database {scratch} kept (--keep). Drop it when done: "
                f'DROP DATABASE "{scratch}";'
            )
            return
        try:
            self.drop_database(scratch, options["maintenance_db"])
        except (CommandError, psycopg.Error) as exc:
            message = f"Could not drop scratch database {scratch}: {self.server.scrub(str(exc))}"
            if quiet_errors:  # an earlier error is already on its way out; keep it
                self.stderr.write(message)
                return
            raise CommandError(message) from None
        self.say(f"Scratch database {scratch} dropped.")

    # --- restore and checks ---------------------------------------------------------
    def restore_and_check(self, dump, scratch, tables, expected, min_services) -> list[Check]:
        self.unapplied = []
        self.run_tool(
            [
                self.pg_restore,
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--no-password",
                f"--dbname={scratch}",
                str(dump),
            ],
            f"pg_restore into {scratch}",
        )
        self.say(f"Restored with pg_restore --no-owner in {self.elapsed:.1f} s.")

        with self.connect(scratch) as conn:
            restored = self.count_rows(conn, tables)
            applied = self.applied_migrations(conn) if restored["django_migrations"] else set()
        checks = [self.check_migrations(restored, applied)]
        if expected is not None:
            checks += self.compare_counts(tables, expected, restored)
        else:
            checks += self.check_tables(tables, restored, applied)
        if min_services is not None:
            checks.append(self.check_services(restored, min_services))

        self.say("")
        for check in checks:
            mark = self.style.SUCCESS("ok  ") if check.ok else self.style.ERROR("FAIL")
            self.say(f"  {mark} {check.name}: {check.detail}")
        self.say("")
        return checks

    def django_tables(self) -> list[str]:
        """Tables of every installed model (with M2M tables), and django_migrations."""
        tables = {"django_migrations"}
        for model in apps.get_models(include_auto_created=True):
            meta = model._meta
            if meta.managed and not meta.proxy and not meta.swapped:
                tables.add(meta.db_table)
        return sorted(tables)

    @staticmethod
    def count_rows(conn, tables: list[str]) -> dict[str, int | None]:
        """Rows per table; None for a table that does not exist."""
        counts = {}
        for table in tables:
            quoted = sql.Identifier(table).as_string(conn)
            exists = conn.execute("SELECT to_regclass(%s) IS NOT NULL", [quoted]).fetchone()[0]
            if not exists:
                counts[table] = None
                continue
            query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            counts[table] = conn.execute(query).fetchone()[0]
        return counts

    @staticmethod
    def applied_migrations(conn) -> set[tuple[str, str]]:
        rows = conn.execute("SELECT app, name FROM django_migrations").fetchall()
        return {(app, name) for app, name in rows}

    @staticmethod
    def unapplied_migrations(applied: set[tuple[str, str]]) -> list[str]:
        """Migrations of this code that the restored database has not recorded."""
        disk = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
        done = set(applied)
        for key, migration in disk.items():  # a squashed migration covers what it replaces
            if key in done:
                done.update(tuple(r) for r in migration.replaces)
            elif migration.replaces and all(tuple(r) in done for r in migration.replaces):
                done.add(key)
        return sorted(f"{app}.{name}" for app, name in disk if (app, name) not in done)

    def check_migrations(self, restored, applied) -> Check:
        if restored["django_migrations"] is None:
            return Check("django_migrations", False, "table missing: not a Django database dump")
        if not applied:
            return Check("django_migrations", False, "table is empty")
        self.unapplied = self.unapplied_migrations(applied)
        detail = f"{len(applied)} applied migrations"
        if self.unapplied:
            shown = ", ".join(self.unapplied[:5]) + (" ..." if len(self.unapplied) > 5 else "")
            detail += (
                f"; {len(self.unapplied)} migration(s) of this code not applied ({shown}): "
                "run `manage.py migrate` after a real restore"
            )
        else:
            detail += "; every migration of this code is applied"
        return Check("django_migrations", True, detail)

    def compare_counts(self, tables, expected, restored) -> list[Check]:
        checks = []
        for table in tables:
            source, copy = expected[table], restored[table]
            if source is None and copy is None:
                continue  # not created in the live database either (unmigrated app)
            if copy is None:
                checks.append(Check(table, False, f"missing after restore (source {source} rows)"))
            elif source is None:
                checks.append(Check(table, False, f"{copy} rows restored, but absent in source"))
            else:
                ok = source == copy
                verdict = "match" if ok else "MISMATCH"
                checks.append(Check(table, ok, f"source {source}, restored {copy} rows: {verdict}"))
        return checks

    def check_tables(self, tables, restored, applied) -> list[Check]:
        """Without a live source: core tables must exist and hold what Django always has."""
        core = {
            "django_content_type",
            "auth_permission",
            get_user_model()._meta.db_table,
        }
        fully_migrated = bool(applied) and not self.unapplied
        checks = []
        for table in tables:
            if table == "django_migrations":
                continue
            rows = restored[table]
            if rows is not None:
                checks.append(Check(table, True, f"{rows} rows"))
            elif table in core or fully_migrated:
                checks.append(Check(table, False, "missing after restore"))
            else:
                checks.append(Check(table, True, "absent (the dump predates its migration)"))
        if restored.get("django_content_type") == 0:
            checks.append(Check("django_content_type", False, "empty: the dump is incomplete"))
        return checks

    def check_services(self, restored, minimum) -> Check:
        try:
            table = apps.get_model("directory", "Service")._meta.db_table
        except LookupError:
            return Check("services", False, "no directory.Service model in this code")
        rows = restored.get(table)
        if rows is None:
            return Check("services", False, f"table {table} missing after restore")
        return Check("services", rows >= minimum, f"{rows} (expected at least {minimum})")

    def say(self, message: str) -> None:
        self.stdout.write(message)
