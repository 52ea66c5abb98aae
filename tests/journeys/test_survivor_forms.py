"""Issue #16, items 1, 2 and 6: search, the problem report and the shortlist work on
every browser — also one that sends no Sec-Fetch-* headers and ``Origin: null`` — and
Back from results shows Waymark's results, never the browser's resubmission page.

Each journey runs twice: in a current Chromium, and as an older browser
(``old_browser=True``), with the same steps and the same outcomes.
"""

import re

import pytest

from apps.curation.models import ProblemReport
from apps.directory.models import Service
from tests.journeys.conftest import new_page

pytestmark = pytest.mark.browser

BROWSERS = [pytest.param(False, id="current"), pytest.param(True, id="old-browser")]
RESULT_ADDRESS = re.compile(r"/en/find/r/[A-Za-z0-9_-]{12}/(\?.*)?$")


def search_from_home(page, site, words):
    page.goto(f"{site.url}/en/")
    page.get_by_label("Search all listings").fill(words)
    page.locator("#search-form button[type=submit]").click()
    page.wait_for_selector(".result-count")


@pytest.mark.parametrize("old_browser", BROWSERS)
def test_a_search_then_back_from_a_result_shows_the_results_again(site, browser, old_browser):
    context, page, traffic = new_page(browser, site, phone=True, old_browser=old_browser)
    search_from_home(page, site, "helpline")
    assert RESULT_ADDRESS.search(page.url), page.url
    assert "helpline" not in page.url.lower() and "helpline" not in page.title().lower()
    assert page.locator("#id_q").input_value() == ""  # the words are not shown again
    first = page.locator("article.card h3 a").first
    name = first.inner_text()
    first.click()
    page.wait_for_selector("article.service")
    page.go_back()
    page.wait_for_selector(".result-count")
    assert RESULT_ADDRESS.search(page.url)
    assert page.locator("article.card h3 a").first.inner_text() == name
    assert page.locator("#exit-button").is_visible()
    page.reload()  # reload never asks to send a form again either
    assert page.locator("article.card h3 a").first.inner_text() == name
    # Nothing the browser was sent, and no address it visited, held the words.
    assert not [url for url in traffic.requests if "helpline" in url.lower()]
    assert context.cookies() == []
    context.close()


@pytest.mark.parametrize("old_browser", BROWSERS)
def test_a_problem_report_is_sent_from_any_browser(site, browser, old_browser):
    clinic = Service.objects.get(name_en="Example Legal and Immigration Clinic")
    before = ProblemReport.objects.filter(service=clinic).count()
    context, page, _traffic = new_page(browser, site, phone=True, old_browser=old_browser)
    page.goto(f"{site.url}/en/s/{clinic.pk}/")
    page.get_by_role("link", name="Something wrong in this listing? Send a note").click()
    page.locator(".note-form input[type=radio]").first.check()
    page.get_by_label("Details").fill("The walk-in day seems to have changed.")
    page.get_by_role("button", name="Send").click()
    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text() == "Thank you"
    assert ProblemReport.objects.filter(service=clinic).count() == before + 1
    assert context.cookies() == []
    context.close()


@pytest.mark.parametrize("old_browser", BROWSERS)
def test_a_caseworker_builds_a_list_across_pages_and_back(site, browser, old_browser):
    context, page, _traffic = new_page(browser, site, phone=True, old_browser=old_browser)
    page.goto(f"{site.url}/en/")
    page.locator(".region-link[href$='/r/fr/']").click()
    cards = page.locator("article.card")
    first_name = cards.nth(0).locator("h3").inner_text()
    cards.nth(0).get_by_role("button", name="Add to list").click()
    page.wait_for_selector(".your-list")
    assert page.locator(".your-list").inner_text() == "Your list (1)"
    # The second pick is added to the first, on the same page.
    page.locator("article.card").filter(
        has=page.get_by_role("button", name="Add to list")
    ).first.get_by_role("button", name="Add to list").click()
    assert page.locator(".your-list").inner_text() == "Your list (2)"
    # Search from this page: the results keep the list.
    page.get_by_label(re.compile("Search the listings for")).fill("example")
    page.locator("#search-form button[type=submit]").click()
    page.wait_for_selector(".result-count")
    assert page.locator(".your-list").inner_text() == "Your list (2)"
    # Open a listing, add it from its own page.
    page.locator("article.card h3 a").first.click()
    page.wait_for_selector("article.service")
    assert page.locator(".your-list").inner_text() == "Your list (2)"
    add = page.get_by_role("button", name="Add to list")
    if add.count():
        add.click()
        page.wait_for_selector("article.service")
        expected = 3
    else:
        expected = 2  # the search found one of the picks again
    assert page.locator(".your-list").inner_text() == f"Your list ({expected})"
    # Back to the results: still a page of results, with the list as it was then.
    page.go_back()
    if page.locator("article.service").count():
        # Back landed on the listing as it was before the pick: forward returns to it,
        # with the list as it was then.
        page.go_back()
        expected = 2
    page.wait_for_selector(".result-count")
    assert page.locator(".your-list").inner_text() == "Your list (2)"
    page.go_forward()
    page.wait_for_selector("article.service")
    assert page.locator(".your-list").inner_text() == f"Your list ({expected})"
    page.locator(".your-list").click()
    page.wait_for_selector(".list-current")
    listed = page.locator(".list-current label").all_inner_texts()
    assert len(listed) == expected
    assert any(first_name in text for text in listed)
    # A sheet from the list (a POST): works on the older browser too.
    page.locator(".sheet-form button[type=submit]").click()
    page.wait_for_selector(".sheet")
    assert first_name in page.locator(".sheet").inner_text()
    assert context.cookies() == []
    context.close()
