"""A coordinator imports HSDS files through the staff area (issue 19, F2 and F3): the page
shows what a file held whatever its name, and lists every error of a datapackage whose
descriptor names files that are missing or unreadable; nothing changes then."""

import json
import zipfile

import pytest

from tests.journeys.conftest import new_page, sign_in

pytestmark = [pytest.mark.browser]

ORG = "0c0e3a3c-1111-4111-8111-000000000001"
SERVICE = "0c0e3a3c-1111-4111-8111-000000000002"


@pytest.fixture(autouse=True)
def _imports_in_process(in_process_tasks):
    """The upload's job runs inside the request, as on the laptop demo, broker or not."""


def _open_upload_form(page, site):
    """From the staff home: Open data → Imports → Add, as the coordinator clicks them."""
    page.goto(f"{site.url}/en/staff/")
    page.get_by_role("link", name="Imports").first.click()
    page.get_by_role("link", name="Add import").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Import HSDS data").first.is_visible()


def _upload(page, path, mode="Check only"):
    page.get_by_label("HSDS file").set_input_files(str(path))
    page.get_by_label(mode).check()
    page.get_by_role("button", name="Upload").click()
    page.wait_for_load_state()


def _services():
    from apps.directory.models import Service

    return Service.objects.count()


# Only as a current browser: the older-browser emulation re-sends each request through
# Playwright's own client, and Chromium does not hand a file upload's body to it (the
# upload arrives empty). The older-browser path of staff forms is proven by the sign-in
# and review journeys (test_sign_in.py, test_staff_review.py).
@pytest.mark.parametrize("old_browser", [False], ids=["current"])
def test_a_service_saved_under_an_organisation_name_is_read_as_a_service(
    browser, site, tmp_path, old_browser
):
    path = tmp_path / "organization_service.json"
    path.write_text(
        json.dumps(
            [
                {"id": ORG, "name": "Harbour Aid", "description": "A partner from a feed."},
                {"id": SERVICE, "organization_id": ORG, "name": "Harbour line", "status": "active"},
            ]
        ),
        encoding="utf-8",
    )
    before = _services()
    context, page, _traffic = new_page(browser, site, old_browser=old_browser)
    try:
        sign_in(page, site, "coordinator")
        _open_upload_form(page, site)
        _upload(page, path)
        counts = page.locator("#content").get_by_role("table").filter(has_text="Unchanged")
        service_row = counts.get_by_role("row", name="service")
        assert "1" in service_row.inner_text(), counts.inner_text()
        assert page.get_by_text("Errors: nothing was changed").count() == 0
    finally:
        context.close()
    assert _services() == before  # a check changes nothing


def test_missing_and_unreadable_package_files_are_listed_and_nothing_changes(
    browser, site, tmp_path
):
    archive = tmp_path / "package.zip"
    descriptor = {
        "name": "partner-feed",
        "resources": [
            {"name": "organization", "path": "organizations.csv"},
            {"name": "service", "path": "services-2026.csv"},
            {"name": "phone", "path": "phones.csv"},
        ],
    }
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("datapackage.json", json.dumps(descriptor))
        out.writestr("organizations.csv", "id,name,description\n1,Caf\xe9,x\n".encode("latin-1"))
    before = _services()
    context, page, _traffic = new_page(browser, site)
    try:
        sign_in(page, site, "coordinator")
        _open_upload_form(page, site)
        _upload(page, archive, mode="Publish now")
        assert page.get_by_role("heading", name="Errors: nothing was changed").first.is_visible()
        errors = (
            page.locator("#content").get_by_role("table").filter(has_text="Problem").inner_text()
        )
        assert "The descriptor names services-2026.csv, which is not in the package." in errors
        assert "The descriptor names phones.csv, which is not in the package." in errors
        assert "This file is not UTF-8 text" in errors
    finally:
        context.close()
    assert _services() == before


def test_a_document_that_is_no_hsds_record_is_refused_with_a_reason(browser, site, tmp_path):
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"contents": [{"id": "x", "name": "What am I?"}]}))
    context, page, _traffic = new_page(browser, site, phone=True)
    try:
        sign_in(page, site, "coordinator")
        _open_upload_form(page, site)
        _upload(page, path)
        errors = (
            page.locator("#content").get_by_role("table").filter(has_text="Problem").inner_text()
        )
        assert "What this object is cannot be told" in errors, errors
    finally:
        context.close()
