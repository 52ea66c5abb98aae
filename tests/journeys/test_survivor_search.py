"""Issue #16, item 5: a person types a place, a misspelt word or a kind of help in their
own language and finds what serves them, each result saying the area it serves."""

import pytest

from apps.directory.models import Service
from tests.journeys.conftest import new_page

pytestmark = pytest.mark.browser


def search(page, site, lang, words) -> set[str]:
    """Type the words into the home page's search box; the English names of the results."""
    page.goto(f"{site.url}/{lang}/")
    page.locator("#id_q").fill(words)
    page.locator("#search-form button[type=submit]").click()
    page.wait_for_selector(".result-count")
    ids = page.locator("article.card h3").evaluate_all("hs => hs.map(h => h.id.slice(4))")
    return {Service.objects.get(pk=int(pk)).name_en for pk in ids}


@pytest.mark.parametrize(
    ("lang", "words", "old_browser", "shot"),
    [
        ("en", "Paris", False, "search-place-paris-en-320.png"),
        ("ar", "Paris", True, "search-place-paris-ar-320.png"),
        ("ar", "فرنسا", False, "search-place-france-ar-320.png"),
        ("en", "New York", True, None),
    ],
)
def test_a_place_finds_the_services_that_serve_it(site, browser, lang, words, old_browser, shot):
    context, page, _traffic = new_page(browser, site, phone=True, old_browser=old_browser)
    names = search(page, site, lang, words)
    if words == "New York":
        assert "Example Community Health Clinic" in names
        assert "Example National Helpline" not in names
    else:
        assert "Example National Helpline" in names  # serves all of France
        assert "Example Modern Slavery Helpline" not in names  # the United Kingdom only
    if words == "Paris":
        assert "Example Legal and Immigration Clinic" in names  # Île-de-France
    # Each result says which area it serves.
    assert page.locator("article.card .serves").count() == page.locator("article.card").count()
    if shot:
        page.locator(".result-count").scroll_into_view_if_needed()
        page.screenshot(path=f"/work/shots/survivor/{shot}", full_page=True)
    context.close()


@pytest.mark.parametrize(
    ("lang", "words", "expected"),
    [
        ("en", "forced labour", "Example Modern Slavery Helpline"),
        ("uk", "торгівля людьми", "Example Modern Slavery Helpline"),
        ("es", "trata", "Example Legal and Immigration Clinic"),
        ("en", "helplne", "Example National Helpline"),
    ],
)
def test_kinds_of_help_and_typos_find_help(site, browser, lang, words, expected):
    context, page, _traffic = new_page(browser, site, phone=True)
    assert expected in search(page, site, lang, words)
    context.close()
