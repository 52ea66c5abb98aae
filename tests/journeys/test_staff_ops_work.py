"""A working day on the staff side (issue 15, items 4, 5, 7).

An editor edits a helpline's opening hours as rows and a service's Arabic name in its
own language group; a visitor sends a note about a listing; a coordinator imports the
official HSDS example through the staff upload and a second coordinator approves it (the
example was last verified in 2005, so it is overdue at once); the staff home shows all of
that work; a coordinator downloads the export as JSON and as CSV tables.
"""

import json
import zipfile

import pytest

from tests.conftest import SHARED, need
from tests.journeys.conftest import new_page, sign_in
from tests.journeys.staff_ops import axe_violations, click_through, no_sideways_scroll, shoot

pytestmark = [pytest.mark.browser]


@pytest.fixture(scope="module", autouse=True)
def _tasks_in_process():
    """Imports run where the upload is handled, as in the laptop demo (no worker here)."""
    from apps.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


def _channel_of(site, username):
    from apps.directory.models import Channel

    organization = site.staff[username].staff_profile.organization
    return Channel.objects.filter(service__organization=organization).order_by("pk").first()


@pytest.mark.parametrize("old_browser", [False, True], ids=["current", "no-sec-fetch-origin-null"])
def test_an_editor_edits_opening_hours_as_rows(browser, site, old_browser):
    from apps.curation.models import Proposal

    channel = _channel_of(site, "editor_a")
    before = Proposal.objects.count()
    context, page, _traffic = new_page(browser, site, old_browser=old_browser)
    try:
        sign_in(page, site, "editor_a")
        click_through(page, page.get_by_role("link", name="Contact channels"))
        click_through(page, page.get_by_role("link", name=str(channel), exact=True))
        if not old_browser:
            assert not axe_violations(page), axe_violations(page)
        days = page.locator("select[name^='hours-'][name$='-day']")
        row = next(i for i in range(days.count()) if days.nth(i).input_value() == "")
        days.nth(row).select_option(label="Friday")
        page.locator(f"[name='hours-{row}-opens']").fill("22:00")
        page.locator(f"[name='hours-{row}-closes']").fill("06:00")
        click_through(page, page.get_by_role("button", name="Save", exact=True))
        # Closing before opening without "past midnight": said plainly, nothing sent.
        assert f"Row {row + 1}: it closes before it opens." in page.content()
        assert Proposal.objects.count() == before
        page.locator(f"[name='hours-{row}-past_midnight']").check()
        click_through(page, page.get_by_role("button", name="Save", exact=True))
        assert "Your change was sent for review." in page.content()
    finally:
        context.close()
    proposal = Proposal.objects.order_by("pk").last()
    assert proposal.target_id == channel.pk
    assert [4, "22:00:00", "06:00:00"] in proposal.changes["periods"]
    if old_browser:
        return
    # Reviewers see the same rows; the public page keeps the old hours until approval.
    assert not channel.periods.filter(weekday=4, opens="22:00").exists()


def test_an_editor_edits_one_language_in_its_own_group(browser, site):
    from apps.curation.models import Proposal
    from apps.directory.models import Service

    organization = site.staff["editor_a"].staff_profile.organization
    service = Service.objects.filter(organization=organization).order_by("pk").first()
    context, page, _traffic = new_page(browser, site)
    try:
        sign_in(page, site, "editor_a")
        click_through(page, page.get_by_role("link", name="Services"))
        click_through(page, page.get_by_role("link", name=service.name, exact=True))
        arabic = page.locator("details", has=page.locator("summary", has_text="العربية (ar)"))
        english = page.locator("fieldset", has=page.locator("#id_name_en"))
        assert english.locator("details").count() == 0  # English is open
        assert not arabic.get_attribute("open") and not page.locator("#id_name_ar").is_visible()
        arabic.locator("summary").click()
        page.locator("#id_name_ar").fill("خط المساعدة التجريبي")
        click_through(page, page.get_by_role("button", name="Save", exact=True))
        assert "Your change was sent for review." in page.content()
    finally:
        context.close()
    proposal = Proposal.objects.order_by("pk").last()
    assert proposal.changes == {"name_ar": "خط المساعدة التجريبي"}


def test_a_visitor_sends_a_note_about_a_listing(browser, site):
    from apps.curation.models import ProblemReport
    from apps.directory.models import Service

    service = Service.objects.published().order_by("pk").first()
    context, page, _traffic = new_page(browser, site, phone=True)
    try:
        page.goto(f"{site.url}/en/s/{service.pk}/")
        click_through(page, page.get_by_role("link", name="Something wrong in this listing?"))
        page.locator("input[name=category]").first.check()
        page.get_by_label("Details").fill("The evening number rings out.")
        click_through(page, page.get_by_role("button", name="Send"))
        assert "Your note was sent." in page.content()
    finally:
        context.close()
    assert ProblemReport.objects.open().filter(service=service).count() == 1


def test_a_coordinator_imports_the_official_example_for_review(browser, site):
    from apps.interchange.models import ImportJob

    need("shared", SHARED.is_dir(), f"needs ../shared beside the project ({SHARED})")
    example = SHARED / "hsds-3.0" / "examples" / "service_full.json"
    context, page, _traffic = new_page(browser, site)
    try:
        sign_in(page, site, "coordinator")
        click_through(page, page.get_by_role("link", name="Import HSDS data"))
        page.get_by_label("HSDS file").set_input_files(str(example))
        page.get_by_label("Submit for review").check()
        click_through(page, page.get_by_role("button", name="Upload"))
        assert "Waiting for review" in page.content()
    finally:
        context.close()
    assert ImportJob.objects.get().status == ImportJob.Status.PENDING


def test_the_staff_home_shows_the_work(browser, site):
    context, page, _traffic = new_page(browser, site)
    try:
        sign_in(page, site, "coordinator_2")
        home = page.locator("#staff-work")
        assert home.get_by_text("Proposals waiting for you (3)").is_visible()
        assert home.get_by_text("Open notes from visitors (1)").is_visible()
        assert home.get_by_text("Imports waiting for review (1)").is_visible()
        assert home.get_by_role("link", name="service_full.json").is_visible()
        assert not axe_violations(page), axe_violations(page)
        shoot(page, "home-en")
        page.set_viewport_size({"width": 320, "height": 640})
        assert no_sideways_scroll(page)
        page.goto(f"{site.url}/ar/staff/")
        assert page.locator("html").get_attribute("dir") == "rtl"
        shoot(page, "home-ar")
        # The verification overview is one click away.
        page.goto(f"{site.url}/en/staff/")
        click_through(page, page.get_by_role("link", name="Verification overview"))
        assert page.get_by_role("heading", name="Verification overdue").count() == 1
    finally:
        context.close()


def test_a_second_coordinator_approves_the_import_and_it_is_overdue_at_once(browser, site):
    from apps.directory.models import Service

    context, page, _traffic = new_page(browser, site)
    try:
        sign_in(page, site, "coordinator_2")
        click_through(page, page.get_by_role("link", name="service_full.json"))
        assert not axe_violations(page), axe_violations(page)
        page.get_by_label("Approve and publish").check()
        click_through(page, page.get_by_role("button", name="Send decision"))
        assert "The import is published." in page.content()
        click_through(page, page.get_by_role("link", name="Home", exact=True))
        overdue = page.locator("section", has=page.get_by_role("heading", name="Verification"))
        assert overdue.first.get_by_role("link", name="Community Counselling").is_visible()
        assert page.get_by_text("Imports waiting for review (0)").is_visible()
    finally:
        context.close()
    imported = Service.objects.get(name="Community Counselling")
    assert imported.verify_by.year == 2005


@pytest.mark.parametrize(
    "kind,member", [("JSON", "hsds/services.json"), ("CSV tables", "tabular/services.csv")]
)
def test_a_coordinator_downloads_the_export(browser, site, kind, member, tmp_path):
    context, page, _traffic = new_page(browser, site, accept_downloads=True)
    try:
        sign_in(page, site, "coordinator")
        page.get_by_label("Language of the texts").select_option(label="English")
        with page.expect_download() as download:
            page.get_by_role("button", name=f"Download {kind}").click()
        path = tmp_path / download.value.suggested_filename
        download.value.save_as(path)
    finally:
        context.close()
    assert path.name.startswith("waymark-hsds-") and path.suffix == ".zip"
    with zipfile.ZipFile(path) as bundle:
        text = bundle.read(member).decode("utf-8")
        assert "Community Counselling" in text
        if kind == "JSON":
            services = json.loads(text)
            assert all(s["organization_id"] for s in services)
            assert "hsds/organizations.json" in bundle.namelist()
        else:
            assert text.splitlines()[0].startswith("id,")
            assert "tabular/datapackage.json" in bundle.namelist()
