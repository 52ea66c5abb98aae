"""Issue #16, item 4: "Get help now" on every country page, with the country's verified
national lines and always its emergency numbers (libphonenumber's short-number
metadata); the home page names the emergency numbers next to each country."""

import pytest

from tests.journeys.conftest import new_page

pytestmark = pytest.mark.browser


def strip_text(page) -> str:
    return page.locator(".help-now").inner_text()


def tel_links(page, selector) -> list[str]:
    return page.locator(f"{selector} a[href^='tel:']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_person_in_the_united_states_sees_911_and_that_no_helpline_is_listed(site, browser, lang):
    context, page, _traffic = new_page(browser, site, phone=True)
    page.goto(f"{site.url}/{lang}/")
    # The home page names the numbers before anyone chooses a country.
    us_item = page.locator(".region-list li").filter(has=page.locator("a[href$='/r/us/']"))
    assert {"tel:911", "tel:112"} <= set(tel_links(page, ".region-list li:has(a[href$='/r/us/'])"))
    us_item.locator(".region-link").click()
    page.wait_for_selector(".help-now")
    assert "tel:911" in tel_links(page, ".help-now")
    if lang == "en":
        assert "No national helpline is listed for this country yet." in strip_text(page)
    else:
        assert page.locator(".help-now .no-line").count() == 1
    page.screenshot(path=f"/work/shots/survivor/country-us-{lang}-320.png", full_page=True)
    context.close()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_person_in_france_sees_the_national_line_and_15_17_18_112(site, browser, lang):
    context, page, _traffic = new_page(browser, site, phone=True)
    page.goto(f"{site.url}/{lang}/")
    page.locator(".region-list .region-link[href$='/r/fr/']").click()
    page.wait_for_selector(".help-now")
    links = tel_links(page, ".help-now")
    assert "tel:+33199001001" in links  # the verified national helpline
    assert {"tel:15", "tel:17", "tel:18", "tel:112"} <= set(links)
    assert page.locator(".help-now .no-line").count() == 0
    page.screenshot(path=f"/work/shots/survivor/country-fr-{lang}-320.png", full_page=True)
    context.close()


def test_a_subregion_page_shows_its_countrys_emergency_numbers(site, browser):
    context, page, _traffic = new_page(browser, site, phone=True)
    page.goto(f"{site.url}/en/r/gb/")
    page.locator(".subregions a").first.click()
    page.wait_for_selector(".help-now")
    assert {"tel:999", "tel:112"} <= set(tel_links(page, ".help-now"))
    context.close()
