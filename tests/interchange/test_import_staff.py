"""The import upload in the staff area (X2): coordinators only, background job with
progress, review by a second coordinator, never a 500 and nothing half-written."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from apps.curation.models import AuditEntry
from apps.directory.models import Service
from apps.interchange.models import ImportJob
from tests.interchange.importing import counts, empty_directory, export

ADD = "/en/staff/interchange/importjob/add/"


def job_url(job, action="change"):
    return f"/en/staff/interchange/importjob/{job.pk}/{action}/"


@pytest.fixture
def services_json(demo, tmp_path):
    data = (export(tmp_path / "export") / "hsds/services.json").read_bytes()
    organizations = (tmp_path / "export/hsds/organizations.json").read_bytes()
    empty_directory()
    return data, organizations


def upload(client, name, data, mode, capture):
    with capture(execute=True):
        return client.post(
            ADD, {"file": SimpleUploadedFile(name, data), "mode": mode}, follow=False
        )


def test_partners_cannot_reach_the_upload(editor_a, staff_client):
    client = staff_client(editor_a)
    assert client.get(ADD).status_code == 403
    assert client.get("/en/staff/interchange/importjob/").status_code == 403
    assert b"importjob" not in client.get("/en/staff/").content


def test_upload_submits_a_batch_that_another_coordinator_approves(
    coordinator,
    second_coordinator,
    staff_client,
    django_capture_on_commit_callbacks,
    tmp_path,
    demo,
):
    data = (export(tmp_path / "export") / "hsds/services.json").read_bytes()
    client = staff_client(coordinator)
    page = client.get(ADD)
    assert page.status_code == 200 and b'<label for="id_file">' in page.content
    services = json.loads(data)
    services[0]["description"] = "Updated by upload."
    response = upload(
        client,
        "services.json",
        json.dumps(services).encode(),
        "review",
        django_capture_on_commit_callbacks,
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(job_url(job))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PENDING and job.content is None
    page = client.get(job_url(job))
    assert b"Updated by upload." in page.content
    assert b"Another coordinator reviews your import." in page.content
    # The author may not approve: the form is not offered and the service refuses.
    client.post(job_url(job, "review"), {"decision": "approve"})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PENDING
    other = staff_client(second_coordinator)
    other.post(job_url(job, "review"), {"decision": "approve"})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.APPROVED
    assert Service.objects.filter(description_en="Updated by upload.").count() == 1


def test_publish_upload_is_audited(
    coordinator, staff_client, django_capture_on_commit_callbacks, services_json
):
    data, _organizations = services_json
    client = staff_client(coordinator)
    # services.json alone names organisations it does not contain: a clear failure.
    upload(client, "services.json", data, "publish", django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    page = client.get(job_url(job))
    assert page.status_code == 200
    assert b"is neither in this import nor in the directory" in page.content
    assert Service.objects.count() == 0


@pytest.mark.parametrize(
    "name,data",
    [
        ("services.json", b'[{"id": '),
        ("services.json", '[{"id": "é"}]'.encode("latin-1")),
        ("package.zip", b"PK\x03\x04broken"),
        ("services.json", b"[" * 100000),
    ],
)
def test_bad_uploads_fail_cleanly(
    coordinator, staff_client, django_capture_on_commit_callbacks, name, data
):
    client = staff_client(coordinator)
    before = counts()
    response = upload(client, name, data, "publish", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED and job.errors
    assert client.get(job_url(job)).status_code == 200
    after = counts()
    assert {k: v for k, v in after.items() if k not in ("ImportJob", "AuditEntry")} == {
        k: v for k, v in before.items() if k not in ("ImportJob", "AuditEntry")
    }


def test_an_empty_upload_is_refused_by_the_form(
    coordinator, staff_client, django_capture_on_commit_callbacks
):
    client = staff_client(coordinator)
    response = upload(client, "services.json", b"", "review", django_capture_on_commit_callbacks)
    assert response.status_code == 200 and b"errorlist" in response.content
    assert not ImportJob.objects.exists()


def test_too_large_upload_is_refused_by_the_form(
    coordinator, staff_client, django_capture_on_commit_callbacks, settings
):
    settings.HSDS_IMPORT_MAX_BYTES = 10
    client = staff_client(coordinator)
    response = upload(
        client,
        "services.json",
        b"[" + b" " * 20 + b"]",
        "review",
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 200
    assert b"too large" in response.content
    assert not ImportJob.objects.exists()


def test_upload_needs_csrf(coordinator, staff_client):
    client = staff_client(coordinator, client=Client(enforce_csrf_checks=True))
    response = client.post(ADD, {"file": SimpleUploadedFile("s.json", b"[]"), "mode": "dry_run"})
    assert response.status_code == 403
    assert not ImportJob.objects.exists()


def test_a_running_job_page_refreshes_itself(coordinator, staff_client):
    job = ImportJob.objects.create(
        file_name="s.json", mode="review", author=coordinator, rows_total=10, rows_done=4
    )
    page = staff_client(coordinator).get(job_url(job))
    assert b'http-equiv="refresh"' in page.content
    assert b"4 of 10 records read" in page.content
    assert AuditEntry.objects.filter(action="import.uploaded").count() == 0
