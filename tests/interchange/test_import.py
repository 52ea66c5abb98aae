"""``manage.py import_hsds`` (X2, RR-4, SR-7): review by default, publish when asked,
idempotent, and the official examples import."""

import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from apps.curation.models import AuditEntry
from apps.directory.models import Channel, Location, Organization, Service
from apps.interchange.importing.issues import ImportFailed
from apps.interchange.models import ImportJob
from apps.interchange.services import import_job_approve, import_job_reject
from tests.interchange.importing import counts, empty_directory, export, load, publish


def run(path, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_hsds", path, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def exported(demo, tmp_path):
    return export(tmp_path / "export")


@pytest.fixture
def fresh(exported):
    """An export of the demo directory, and an empty directory to import it into."""
    empty_directory()
    return exported


def test_dry_run_reports_and_writes_nothing(fresh):
    before = counts()
    out, _err = run(fresh / "hsds", dry_run=True, verbosity=2)
    assert "service: 11 new, 0 changed, 0 unchanged" in out
    assert "name_en: null -> " in out  # per-record field diffs in verbose mode
    assert counts() == before


def test_import_waits_for_a_second_coordinator(fresh, coordinator, second_coordinator):
    out, _err = run(fresh / "hsds", username=coordinator.username)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.PENDING
    assert "Submitted for review" in out
    assert Service.objects.count() == 0  # nothing public until approved (SR-6, SR-7)
    with pytest.raises(ImportFailed):
        import_job_approve(job=job, by=coordinator)  # never one's own batch
    import_job_approve(job=job, by=second_coordinator)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.APPROVED and job.reviewer == second_coordinator
    assert Service.objects.published().count() == 11
    assert AuditEntry.objects.filter(action="import.approved", actor=second_coordinator).exists()
    assert AuditEntry.objects.filter(action="import.created", target_model="service").count() == 11


def test_the_same_file_twice_does_not_queue_a_second_batch(fresh, coordinator):
    run(fresh / "hsds", username=coordinator.username)
    before = counts()
    out, _err = run(fresh / "hsds", username=coordinator.username)
    assert "Already waiting for review" in out
    assert counts() == before


def test_rejected_batch_changes_nothing(fresh, coordinator, second_coordinator):
    run(fresh / "hsds", username=coordinator.username)
    import_job_reject(job=ImportJob.objects.get(), by=second_coordinator)
    assert Service.objects.count() == 0
    assert ImportJob.objects.get().status == ImportJob.Status.REJECTED


@pytest.mark.parametrize("form", ["hsds", "tabular"])
def test_publishing_twice_changes_nothing_the_second_time(fresh, coordinator, form):
    publish(fresh / form, coordinator)
    assert AuditEntry.objects.filter(action="import.approved").count() == 1
    before = counts()
    out, _err = run(fresh / form, publish=True, username=coordinator.username)
    assert "Nothing to change" in out
    assert "service: 0 new, 0 changed, 11 unchanged" in out
    assert counts() == before


def test_importing_our_own_export_back_changes_nothing(exported, coordinator):
    before = counts()
    out, _err = run(exported / "tabular", publish=True, username=coordinator.username)
    assert "Nothing to change" in out
    assert counts() == before


def test_an_edit_in_the_file_changes_only_that_field(exported, coordinator, second_coordinator):
    services = load(exported / "hsds/services.json")
    services[0]["description"] = "New description from the partner's system."
    (exported / "hsds/services.json").write_text(json.dumps(services), encoding="utf-8")
    out, _err = run(exported / "hsds", username=coordinator.username)
    assert "service: 0 new, 1 changed, 10 unchanged" in out
    job = ImportJob.objects.get()
    item = job.items.get()
    assert item.action == "edit" and set(item.values) == {"description_en"}
    import_job_approve(job=job, by=second_coordinator)
    assert Service.objects.get(pk=item.target_id).description_en.startswith("New description")


def test_a_batch_is_refused_when_the_record_changed_meanwhile(
    exported, coordinator, second_coordinator
):
    services = load(exported / "hsds/services.json")
    services[0]["description"] = "Changed in the file."
    (exported / "hsds/services.json").write_text(json.dumps(services), encoding="utf-8")
    run(exported / "hsds", username=coordinator.username)
    job = ImportJob.objects.get()
    Service.objects.filter(pk=job.items.get().target_id).update(description_en="Edited here.")
    with pytest.raises(ImportFailed, match="changed after the import"):
        import_job_approve(job=job, by=second_coordinator)
    assert Service.objects.get(pk=job.items.get().target_id).description_en == "Edited here."


def test_only_coordinators_import(fresh, editor_a):
    with pytest.raises(CommandError, match="coordinators"):
        run(fresh / "hsds", publish=True, username=editor_a.username)
    with pytest.raises(CommandError, match="coordinators"):
        run(fresh / "hsds", username=editor_a.username)
    assert Service.objects.count() == 0


def test_publish_needs_a_named_coordinator(fresh):
    with pytest.raises(CommandError, match="--as"):
        run(fresh / "hsds", publish=True)


def test_importing_our_export_never_erases_a_hidden_address(exported, coordinator):
    hidden = Location.objects.filter(visibility=Location.Visibility.HIDDEN).first()
    assert hidden.address_1  # the demo shelter has a (confidential) address
    run(exported / "hsds", publish=True, username=coordinator.username)
    hidden.refresh_from_db()
    assert hidden.address_1 and hidden.visibility == Location.Visibility.HIDDEN


def test_every_language_folder_imports_into_the_same_records(demo, coordinator, tmp_path):
    folder = export(tmp_path / "all", all_languages=True)
    french = Service.objects.exclude(name_fr="").first()
    empty_directory()
    publish(folder, coordinator)
    assert Service.objects.count() == 11
    copy = Service.objects.get(name_en=french.name_en)
    assert copy.name_fr == french.name_fr


def test_official_json_examples_import(db, coordinator, hsds_examples):
    out, err = publish(hsds_examples / "service_full.json", coordinator)
    service = Service.objects.get()
    assert service.name == "Community Counselling"
    assert service.organization.name == "Example Organization Inc."
    assert Channel.objects.filter(service=service, number="+441234234567").exists()
    location = Location.objects.get()
    # No visibility in plain HSDS: confidential until a coordinator decides.
    assert location.visibility == Location.Visibility.HIDDEN
    assert location.latitude is None  # 100 is not a latitude
    assert "wait_time: HSDS field that Waymark does not keep" in err


def test_official_tabular_example_imports(db, coordinator, hsds_examples):
    out, err = publish(hsds_examples / "csv", coordinator)
    assert Service.objects.get().name == "Community Counselling"
    assert Organization.objects.filter(name="Example Organization Inc.").exists()
    assert "service: 1 new" in out


def test_import_permissions_are_checked_in_the_service(fresh, editor_a):
    from apps.interchange.importing.reading import Limits
    from apps.interchange.services import import_run

    with pytest.raises(PermissionDenied):
        import_run(mode="publish", by=editor_a, path=fresh / "hsds", limits=Limits(10**9, 10**6))


# --- four eyes for contact data, whatever the mode (SR-6, SR-7; issue #18 item 3) -------


def test_publish_now_by_one_coordinator_holds_new_numbers_for_a_second(
    fresh, coordinator, second_coordinator
):
    out, err = run(fresh / "hsds", publish=True, username=coordinator.username)
    assert "waits for a second coordinator" in err
    assert "Submitted for review" in out
    assert Service.objects.count() == 0 and Channel.objects.count() == 0
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.PENDING
    with pytest.raises(ImportFailed):
        import_job_approve(job=job, by=coordinator)
    import_job_approve(job=job, by=second_coordinator)
    assert Channel.objects.filter(number__startswith="+").exists()


def test_publish_now_of_a_changed_number_waits_for_a_second_coordinator(exported, coordinator):
    services = load(exported / "hsds/services.json")
    phone = next(s for s in services if s.get("phones"))
    old = phone["phones"][0]["number"]
    phone["phones"][0]["number"] = "+33 1 99 88 77 66"
    (exported / "hsds/services.json").write_text(json.dumps(services), encoding="utf-8")
    run(exported / "hsds", publish=True, username=coordinator.username)
    assert not Channel.objects.filter(number="+33199887766").exists()
    assert ImportJob.objects.get().status == ImportJob.Status.PENDING
    assert old  # the published number is still the old one
    assert not AuditEntry.objects.filter(action="import.published").exists()


def test_publish_now_of_a_number_pasted_in_a_description_waits(exported, coordinator):
    services = load(exported / "hsds/services.json")
    services[0]["description"] = "New helpline: call 0 800 05 95 95 now."
    (exported / "hsds/services.json").write_text(json.dumps(services), encoding="utf-8")
    run(exported / "hsds", publish=True, username=coordinator.username)
    assert ImportJob.objects.get().status == ImportJob.Status.PENDING
    assert not Service.objects.filter(description_en__contains="0 800 05 95 95").exists()


def test_publish_now_without_contact_data_goes_live_at_once(exported, coordinator):
    services = load(exported / "hsds/services.json")
    services[0]["description"] = "Open to everyone, free of charge."
    (exported / "hsds/services.json").write_text(json.dumps(services), encoding="utf-8")
    run(exported / "hsds", publish=True, username=coordinator.username)
    assert ImportJob.objects.get().status == ImportJob.Status.PUBLISHED
    assert Service.objects.filter(description_en="Open to everyone, free of charge.").exists()
    assert AuditEntry.objects.filter(action="import.published", actor=coordinator).exists()


def test_the_writer_refuses_contact_data_on_one_persons_word(fresh, coordinator):
    """The rule lives where imports are written, so no mode or caller can skip it."""
    from django.db import transaction

    from apps.interchange.importing.reading import Limits
    from apps.interchange.importing.writing import write_steps
    from apps.interchange.services import import_run

    plan = import_run(
        mode=ImportJob.Mode.DRY_RUN, path=fresh / "hsds", limits=Limits(10**9, 10**6)
    ).plan
    before = counts()
    with pytest.raises(ImportFailed) as failed, transaction.atomic():
        write_steps(plan.steps, by=coordinator, check_stale=False)
    messages = {issue.message for issue in failed.value.issues}
    assert messages == {
        "New or changed contact data goes live only when a second coordinator approves it."
    }
    assert any("number" in issue.field.split(", ") for issue in failed.value.issues), [
        i.field for i in failed.value.issues
    ]
    assert counts() == before
