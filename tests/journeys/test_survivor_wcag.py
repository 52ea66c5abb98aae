"""Issue #16, item 7: the exit bar never hides focus, the exit button is big enough, the
focus ring can be seen, the problem-report page fits a 320 px screen, and the
browse-safely page tells the truth about Back and the shortcuts."""

import pytest

from apps.directory.models import Service
from tests.journeys.conftest import new_page

pytestmark = pytest.mark.browser

# WCAG relative luminance and contrast of two CSS rgb() colours.
CONTRAST = """([a, b]) => {
  const parse = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = (rgb) => {
    const [r, g, b] = rgb.map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [l1, l2] = [lum(parse(a)), lum(parse(b))].sort((x, y) => y - x);
  return (l1 + 0.05) / (l2 + 0.05);
}"""

# Is the focused element visible: its centre not under the fixed exit bar?
FOCUS_SEEN = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return true;
  const box = el.getBoundingClientRect();
  if (box.width === 0 || box.height === 0) return true;  // a skip link while hidden
  const bar = document.querySelector('.exit-bar').getBoundingClientRect();
  if (el.closest('.exit-bar')) return true;
  return box.top >= bar.bottom - 1;
}"""


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_exit_button_is_at_least_44_px_tall(site, browser, lang):
    context, page, _traffic = new_page(browser, site, phone=True)
    page.goto(f"{site.url}/{lang}/")
    box = page.locator("#exit-button").bounding_box()
    assert box["height"] >= 44
    context.close()


def test_the_focus_ring_has_3_to_1_contrast_with_the_page(site, browser):
    context, page, _traffic = new_page(browser, site, phone=True)
    page.goto(f"{site.url}/en/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # past the two skip links: the exit button
    focused = page.evaluate("document.activeElement.id")
    assert focused == "exit-button"
    ring = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
    bar = page.evaluate("getComputedStyle(document.querySelector('.exit-bar')).backgroundColor")
    assert page.evaluate(CONTRAST, [ring, bar]) >= 3
    link = page.get_by_role("link", name="How to browse safely").first
    link.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    ring = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    assert page.evaluate(CONTRAST, [ring, "rgb(255, 255, 255)"]) >= 3
    context.close()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_focus_moving_back_up_a_long_page_is_never_under_the_exit_bar(site, browser, lang):
    context, page, _traffic = new_page(browser, site, phone=True)
    page.goto(f"{site.url}/{lang}/r/fr/")
    hidden = []
    for step in range(40):
        page.keyboard.press("Tab")
        if not page.evaluate(FOCUS_SEEN):
            hidden.append(("forward", step, page.evaluate("document.activeElement.outerHTML")))
    for step in range(40):
        page.keyboard.press("Shift+Tab")
        if not page.evaluate(FOCUS_SEEN):
            hidden.append(("back", step, page.evaluate("document.activeElement.outerHTML")))
    assert not hidden, hidden[:3]
    context.close()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_problem_report_page_fits_a_320_px_screen(site, browser, lang):
    clinic = Service.objects.get(name_en="Example Legal and Immigration Clinic")
    context, page, _traffic = new_page(browser, site, phone=True)
    page.goto(f"{site.url}/{lang}/s/{clinic.pk}/")
    page.locator(".note-link a").click()
    page.wait_for_selector(".note-form")
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"scrolls sideways: {widths}"
    context.close()


def test_the_browse_safely_page_tells_the_truth_about_back_and_the_shortcuts(site, browser):
    context, page, _traffic = new_page(browser, site, phone=True)
    page.goto(f"{site.url}/en/")
    page.get_by_role("link", name="How to browse safely").first.click()
    text = page.locator("main").inner_text()
    assert "Back button will not bring you back" not in text
    assert "The Back button can still bring you back" in text
    assert "only work when JavaScript is turned on" in text
    context.close()
