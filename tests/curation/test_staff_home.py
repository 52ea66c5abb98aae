"""The staff home shows the work (issue 15, item 4), scoped per person; coordinators
download the HSDS export as zip files."""

import datetime as dt
import io
import json
import zipfile

import pytest
from django.utils import timezone

from apps.curation.models import ProblemReport
from apps.curation.services import proposal_submit
from apps.directory.models import Service
from apps.directory.models.organizations import PublicationStatus


@pytest.fixture
def work(partner_a, partner_b, editor_a, editor_b):
    today = timezone.localdate()
    overdue = Service.objects.create(
        organization=partner_a,
        name_en="Overdue line A",
        status=PublicationStatus.PUBLISHED,
        verify_by=today - dt.timedelta(days=3),
    )
    Service.objects.create(
        organization=partner_b,
        name_en="Overdue line B",
        status=PublicationStatus.PUBLISHED,
        verify_by=today - dt.timedelta(days=3),
    )
    Service.objects.create(
        organization=partner_a,
        name_en="Soon line A",
        status=PublicationStatus.PUBLISHED,
        verify_by=today + dt.timedelta(days=10),
    )
    ProblemReport.objects.create(
        service=overdue, organization=partner_a, category="phone", message="Number rings out."
    )
    proposal_submit(by=editor_a, model=Service, values={"name_en": "Renamed A"}, instance=overdue)
    return overdue


def test_a_coordinator_sees_all_the_work(staff_client, coordinator, work):
    page = staff_client(coordinator).get("/en/staff/").text
    assert "Proposals waiting for you (1)" in page
    assert "Verification overdue (2)" in page
    assert "Overdue line B" in page
    assert "Due in the next 30 days (1)" in page
    assert "Open notes from visitors (1)" in page
    assert "Imports waiting for review (0)" in page
    assert "Verification overview" in page and "Download JSON" in page


def test_a_partner_sees_only_their_own_organisation(staff_client, editor_b, manager_a, work):
    page = staff_client(editor_b).get("/en/staff/").text
    assert "Verification overdue (1)" in page and "Overdue line B" in page
    assert "Overdue line A" not in page
    assert "Open notes from visitors (0)" in page
    assert "Download JSON" not in page and "Imports waiting" not in page
    manager_page = staff_client(manager_a).get("/en/staff/").text
    assert "Proposals waiting for you (1)" in manager_page  # a name change, not contact data


@pytest.mark.parametrize(
    "kind,member", [("json", "hsds/services.json"), ("csv", "tabular/services.csv")]
)
def test_a_coordinator_downloads_the_export(staff_client, coordinator, work, kind, member):
    response = staff_client(coordinator).get(f"/en/staff/export/?language=en&format={kind}")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    bundle = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    text = bundle.read(member).decode()
    assert "Overdue line A" in text
    if kind == "json":
        assert len(json.loads(text)) == 3


def test_bad_export_input_gets_a_message_not_an_error(staff_client, coordinator):
    client = staff_client(coordinator)
    response = client.get("/en/staff/export/?language=xx&format=pdf", follow=True)
    assert response.status_code == 200
    assert "Choose a language and a format for the export." in response.text


def test_partners_cannot_download_the_export(staff_client, editor_a):
    response = staff_client(editor_a).get("/en/staff/export/?language=en&format=json")
    assert response.status_code == 403
