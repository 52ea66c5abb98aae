"""Issue #16, item 3: opening hours read the right way round in right-to-left languages.

Measured in Chromium: where each character of an hours range is drawn. In Arabic the
opening time comes first in reading order (to the right of the closing time), and a
time such as "6:00 م" keeps its number before its "م" in reading order.
"""

import re

import pytest

from apps.directory.models import Service

pytestmark = pytest.mark.browser

# x of the middle of each character of an element's text, as drawn.
CHAR_POSITIONS = """(element) => {
  const out = [];
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    for (let i = 0; i < node.data.length; i++) {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const box = range.getBoundingClientRect();
      out.push([node.data[i], box.left + box.width / 2, box.top]);
    }
  }
  return out;
}"""


def evening_range_positions(cell):
    """Positions of the opening "6", the closing "2" and the first "م" in "6:00 م – 2:00 ص"."""
    chars = cell.evaluate(CHAR_POSITIONS)
    text = "".join(c for c, _x, _y in chars)
    opening = text.index("6")
    dash = text.index("–", opening)
    closing = text.index("2", dash)
    evening = text.index("م", opening)
    assert opening < evening < dash < closing, text
    return chars[opening][1], chars[closing][1], chars[evening][1]


def test_arabic_hours_on_a_service_page_read_opening_first(site, browser):
    hotline = Service.objects.get(name_en="Example National Helpline")
    context, page, _traffic = _new(browser, site)
    page.goto(f"{site.url}/ar/s/{hotline.pk}/")
    # The chat line is open 18:00 to 02:00: "6:00 م–2:00 ص" in Arabic.
    cell = page.locator("table.hours td", has_text=re.compile("م\\s*–")).first
    opening, closing, evening = evening_range_positions(cell)
    assert opening > closing, "in Arabic the opening time must be read first (on the right)"
    assert evening < opening, "“6:00 م” must read 6:00 then م (م to the left of the 6)"
    page.set_viewport_size({"width": 320, "height": 640})
    page.locator("table.hours").first.scroll_into_view_if_needed()
    page.screenshot(path="/work/shots/survivor/service-hours-ar-320.png", full_page=False)
    context.close()


def test_english_hours_read_left_to_right(site, browser):
    hotline = Service.objects.get(name_en="Example National Helpline")
    context, page, _traffic = _new(browser, site)
    page.goto(f"{site.url}/en/s/{hotline.pk}/")
    cell = page.locator("table.hours td", has_text=re.compile(r"6:00\s*PM")).first
    chars = cell.evaluate(CHAR_POSITIONS)
    text = "".join(c for c, _x, _y in chars)
    assert chars[text.index("6")][1] < chars[text.index("2", text.index("–"))][1]
    page.set_viewport_size({"width": 320, "height": 640})
    page.locator("table.hours").first.scroll_into_view_if_needed()
    page.screenshot(path="/work/shots/survivor/service-hours-en-320.png", full_page=False)
    context.close()


def test_arabic_hours_on_a_printed_sheet_read_opening_first(site, browser):
    context, page, _traffic = _new(browser, site)
    page.goto(f"{site.url}/ar/r/fr/")
    hotline = Service.objects.get(name_en="Example National Helpline")
    page.locator(f"article.card:has(#svc-{hotline.pk}) .add-to-list button").first.click()
    page.locator(".your-list").click()
    page.wait_for_selector(".sheet-form")
    page.locator(".sheet-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".sheet").count() == 1
    item = page.locator(".sheet-hours li", has_text=re.compile("م\\s*–")).first
    opening, closing, evening = evening_range_positions(item)
    assert opening > closing
    assert evening < opening
    context.close()


def _new(browser, site):
    from tests.journeys.conftest import new_page

    return new_page(browser, site)
