"""New records are written in batches (docs/hsds.md, "Size"). Whatever the batch size, an
import gives the same directory, the same versions and audit trail as writing one record
at a time, the same clear errors, and its queries do not grow with every record."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from apps.curation.models import AuditEntry, Version
from apps.curation.registry import SPECS
from apps.directory.generate import generate_directory
from apps.directory.models import Channel, Service
from apps.interchange import services
from apps.interchange.importing import writing
from apps.interchange.importing.issues import ImportFailed
from apps.interchange.importing.reading import Limits
from apps.interchange.importing.writing import write_steps
from apps.interchange.models import ImportJob
from apps.interchange.services import import_run
from tests.interchange.importing import counts, empty_directory, export, load, publish
from tests.interchange.test_import_bad_input import write
from tests.interchange.test_import_roundtrip import _documents, differences


@pytest.fixture
def exported(demo, tmp_path):
    folder = export(tmp_path / "export")
    empty_directory()
    return folder


def test_small_batches_give_the_same_directory(exported, coordinator, tmp_path, monkeypatch):
    monkeypatch.setattr(writing, "BATCH", 2)
    publish(exported / "hsds", coordinator)
    before, after = _documents(exported), _documents(export(tmp_path / "again"))
    for name in before:
        assert after[name] == before[name], "\n".join(differences(before[name], after[name]))


def test_every_imported_record_has_its_version_and_audit_entry(exported, coordinator, monkeypatch):
    monkeypatch.setattr(writing, "BATCH", 3)
    publish(exported / "hsds", coordinator)
    # Written when the second coordinator approved the batch, in their name.
    approver = AuditEntry.objects.get(action="import.approved").actor
    assert approver != coordinator
    for spec in SPECS.values():
        records = list(spec.model._default_manager.all())
        assert records, spec.name
        for record in records:
            version = Version.objects.get(target_model=spec.name, target_id=record.pk)
            assert version.number == 1
            assert version.snapshot == spec.snapshot(record), (spec.name, record.pk)
            entry = AuditEntry.objects.get(target_model=spec.name, target_id=record.pk)
            assert entry.action == "import.created" and entry.actor == approver
            assert entry.organization_id == spec.organization_of(record).pk


def test_a_bad_record_in_a_later_batch_is_named_and_nothing_is_written(
    exported, coordinator, second_coordinator, monkeypatch
):
    # Checked again as it is written: here a plan changed after it was checked.
    monkeypatch.setattr(writing, "BATCH", 2)
    plan = import_run(
        mode=ImportJob.Mode.DRY_RUN,
        path=exported / "hsds",
        limits=Limits(max_bytes=10**7, max_records=10**4),
    ).plan
    channels = [s for s in plan.steps if s.kind == "channel" and s.values.get("periods")]
    last = channels[-1]
    weekday, opens, _closes = last.values["periods"][0]
    last.values["periods"][0] = [weekday, opens, opens]
    before = counts()
    with pytest.raises(ImportFailed) as failed, transaction.atomic():
        write_steps(plan.steps, by=second_coordinator, proposed_by=coordinator, check_stale=False)
    [issue] = failed.value.issues
    assert (issue.file, issue.where) == (last.where, f"channel {last.source_id}")
    assert (issue.field, issue.message) == ("closes", "Opening and closing times are the same.")
    assert counts() == before


def _queries_to_import(folder, services, coordinator) -> tuple[int, int]:
    """Queries of importing the services, and of importing them again (nothing to change)."""
    write(folder / "services.json", services)
    counted = []
    for _time in range(2):
        with CaptureQueriesContext(connection) as queries:
            publish(folder, coordinator)
        counted.append(len(queries))
    assert Service.objects.count() == len(services)
    empty_directory()
    return tuple(counted)


def test_queries_do_not_grow_with_every_record(db, coordinator, tmp_path):
    generate_directory(services=40, seed=3)
    folder = export(tmp_path / "export") / "hsds"
    empty_directory()
    services = load(folder / "services.json")
    few = _queries_to_import(folder, services[:5], coordinator)
    many = _queries_to_import(folder, services, coordinator)
    # Record by record, 40 services took 3 336 queries against 806 for 5, and 533 against
    # 99 to find nothing changed.
    assert many[0] < few[0] * 2, (few, many)
    assert many[1] < few[1] * 2, (few, many)


def test_a_large_import_leaves_fresh_planner_statistics(
    exported, coordinator, monkeypatch, require_postgres, django_capture_on_commit_callbacks
):
    # Stale row counts made a query of the export run for more than 16 minutes after a
    # 100 000-service import; the demo stands in for "large" here.
    monkeypatch.setattr(services, "ANALYZE_AFTER", 10)

    def row_estimate(table):
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            return cursor.fetchone()[0]

    with django_capture_on_commit_callbacks(execute=True):
        publish(exported / "hsds", coordinator)
    assert row_estimate("directory_service") == Service.objects.count() > 0
    assert row_estimate("directory_channel") == Channel.objects.count() > 0
