"""Imported listings take part in verification (issue 15, item 7): their verify-by date is
the source's ``assured_date`` (or the day of the import) plus the listing's cadence."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.curation.services import DEFAULT_CADENCE_DAYS
from apps.directory.models import Service
from apps.interchange.models import ImportJob
from apps.interchange.services import import_job_approve
from tests.interchange.importing import publish


def run(path, **options):
    call_command("import_hsds", path, stdout=io.StringIO(), stderr=io.StringIO(), **options)


def test_a_listing_last_verified_in_2005_is_overdue_at_once(db, coordinator, hsds_examples):
    publish(hsds_examples / "service_full.json", coordinator)
    service = Service.objects.get()
    assert service.assured_date == dt.date(2005, 1, 1)
    assert service.verify_by == dt.date(2005, 1, 1) + dt.timedelta(days=DEFAULT_CADENCE_DAYS)
    assert Service.objects.filter(verify_by__lt=timezone.localdate()).count() == 1


def test_without_an_assured_date_the_clock_starts_on_the_day_it_is_published(
    db, coordinator, second_coordinator, hsds_examples, tmp_path
):
    document = json.loads((hsds_examples / "service_full.json").read_text())
    document.pop("assured_date")
    source = tmp_path / "service.json"
    source.write_text(json.dumps(document))
    run(source, username=coordinator.username)  # waits for a second coordinator
    assert not Service.objects.exists()
    import_job_approve(job=ImportJob.objects.get(), by=second_coordinator)
    service = Service.objects.get()
    assert service.assured_date is None
    today = timezone.localdate()
    assert service.verify_by == today + dt.timedelta(days=DEFAULT_CADENCE_DAYS)


@pytest.mark.parametrize("assured", ["2005-01-01", "2026-01-01"])
def test_a_reimport_with_a_newer_assured_date_moves_the_date(
    db, coordinator, hsds_examples, tmp_path, assured
):
    publish(hsds_examples / "service_full.json", coordinator)
    document = json.loads((hsds_examples / "service_full.json").read_text())
    document["assured_date"] = assured
    source = tmp_path / "service.json"
    source.write_text(json.dumps(document))
    publish(source, coordinator)
    service = Service.objects.get()
    day = dt.date.fromisoformat(assured)
    assert service.verify_by == day + dt.timedelta(days=DEFAULT_CADENCE_DAYS)
