"""Coverage and gaps (issue 22, item 4), as a coordinator uses it.

A coordinator opens the page from the staff home, reads the map's table, narrows it to
Arabic-speaking legal advice open at night, sees the gaps change, and downloads them as a
CSV file; the same in Arabic; an editor is refused. Nothing is loaded from elsewhere.
"""

import csv
import io
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.journeys.conftest import new_page, sign_in
from tests.journeys.staff_ops import axe_violations, click_through, no_sideways_scroll, shoot

pytestmark = [pytest.mark.browser]

SHOTS = Path("/work/shots/coverage")


def gap_rows(page) -> list[str]:
    table = page.locator("#coverage-gap-table tbody tr")
    return [table.nth(i).inner_text() for i in range(table.count())]


def only_this_site(traffic, site) -> bool:
    here = urlsplit(site.url).netloc
    return all(
        urlsplit(url).netloc == here for url in traffic.requests if not url.startswith("data:")
    )


@pytest.mark.parametrize("old_browser", [False, True], ids=["current", "no-sec-fetch-origin-null"])
def test_a_coordinator_finds_the_gaps_and_downloads_them(browser, site, old_browser, tmp_path):
    context, page, traffic = new_page(browser, site, old_browser=old_browser, accept_downloads=True)
    try:
        sign_in(page, site, "coordinator")
        click_through(page, page.get_by_role("link", name="Coverage and gaps"))
        assert page.get_by_role("heading", name="Coverage and gaps").is_visible()
        # The map and its text equivalent: France counts four published services (three, and
        # its online-reporting service, issue 21).
        assert page.get_by_role("img", name="France — published services: 4").is_visible()
        counts = page.locator("#coverage-counts")
        assert counts.get_by_role("row", name="France FR 4", exact=True).is_visible()
        before = gap_rows(page)
        if not old_browser:
            assert not axe_violations(page), axe_violations(page)
            shoot(page, "coverage-en", SHOTS)

        page.get_by_label("Kind of help").select_option(label="Legal advice")
        page.get_by_label("Language spoken").select_option(label="Arabic")
        page.get_by_label("Open at night (some time between 22:00 and 06:00)").check()
        click_through(page, page.get_by_role("button", name="Show"))

        after = gap_rows(page)
        assert after != before
        # No legal advice in Arabic at night anywhere: every region is a gap for it.
        assert len(after) == 9 and all("Legal advice" in row for row in after)
        assert page.get_by_label("Open at night (some time between 22:00 and 06:00)").is_checked()
        if not old_browser:
            assert not axe_violations(page), axe_violations(page)
            shoot(page, "coverage-filtered-en", SHOTS)
            page.set_viewport_size({"width": 320, "height": 800})
            assert no_sideways_scroll(page)

        with page.expect_download() as download:
            page.get_by_role("link", name="Download the gaps (CSV)").click()
        path = tmp_path / download.value.suggested_filename
        download.value.save_as(path)
        assert only_this_site(traffic, site)
    finally:
        context.close()
    assert path.name.startswith("waymark-gaps-") and path.suffix == ".csv"
    header, *rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert header[0] == "Region code"
    assert {row[0] for row in rows} == {
        "FR",
        "FR-ARA",
        "FR-IDF",
        "GB",
        "GB-ENG",
        "GB-MAN",
        "US",
        "US-CA",
        "US-NY",
    }
    assert all(row[3:] == ["Legal advice", "Arabic", "Yes"] for row in rows)


def test_the_page_in_arabic(browser, site):
    context, page, traffic = new_page(browser, site)
    try:
        sign_in(page, site, "coordinator", lang="ar")
        click_through(page, page.get_by_role("link", name="التغطية والثغرات"))
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert page.get_by_role("heading", name="الثغرات", exact=False).first.is_visible()
        page.get_by_label("نوع المساعدة").select_option(value="legal")
        click_through(page, page.get_by_role("button", name="عرض"))
        rows = gap_rows(page)
        assert rows and all("استشارة قانونية" in row for row in rows)
        assert not axe_violations(page), axe_violations(page)
        shoot(page, "coverage-ar", SHOTS)
        page.set_viewport_size({"width": 320, "height": 800})
        assert no_sideways_scroll(page)
        assert only_this_site(traffic, site)
    finally:
        context.close()


@pytest.mark.parametrize("who", ["editor_a", "manager_a"])
def test_partners_are_refused(browser, site, who):
    context, page, _traffic = new_page(browser, site)
    try:
        sign_in(page, site, who)
        assert page.get_by_role("link", name="Coverage and gaps").count() == 0
        response = page.goto(f"{site.url}/en/staff/coverage/")
        assert response.status == 403
        assert page.locator("#coverage-counts").count() == 0
    finally:
        context.close()
