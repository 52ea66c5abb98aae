"""Issue #20: "open now" on a page kept on the server follows the clock, without any
publication and without JavaScript: the kept page holds no status, each answer fills it."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.journeys.conftest import new_page

pytestmark = pytest.mark.browser

SHOTS = "/work/shots/cacheperf"


def sms_line_status(page) -> str:
    line = page.locator("li.channel", has=page.locator("a[href='sms:+33199001002']"))
    return line.locator(".status").inner_text()


@pytest.mark.parametrize("old_browser", [False, True])
def test_a_person_sees_the_text_line_close_at_nine_in_the_evening(site, browser, old_browser):
    from apps.directory.models import Service

    service = Service.objects.get(channels__number="+33199001002")
    zone = ZoneInfo(service.time_zone)
    context, page, traffic = new_page(
        browser, site, phone=True, old_browser=old_browser, java_script_enabled=False
    )
    # A Wednesday, no public holiday; the text line answers 09:00-21:00 every day.
    with time_machine.travel(dt.datetime(2026, 11, 25, 20, 58, tzinfo=zone), tick=False):
        page.goto(f"{site.url}/en/")
        page.locator(".region-list .region-link[href$='/r/fr/']").click()
        page.locator(f"#svc-{service.pk} a").first.click()
        page.wait_for_selector("li.channel")
        assert sms_line_status(page) == "Open now"
    with time_machine.travel(dt.datetime(2026, 11, 25, 21, 2, tzinfo=zone), tick=False):
        page.reload()  # the same kept page, answered again two minutes later
        assert sms_line_status(page) == "Closed now · opens Thursday at 9:00\u202fAM"
    with time_machine.travel(dt.datetime(2026, 11, 26, 9, 0, tzinfo=zone), tick=False):
        page.go_back()  # the region page's card says the same
        card = page.locator(f"article.card:has(#svc-{service.pk})")
        assert "Open now" in card.first.inner_text()
    assert not context.cookies()
    assert all(url.startswith(site.url) for url in traffic.requests)
    context.close()


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize(("width", "phone"), [(320, True), (1280, False)])
def test_screens_of_a_kept_service_page_with_its_statuses(site, browser, lang, width, phone):
    from apps.directory.models import Service

    service = Service.objects.get(channels__number="+33199001002")
    zone = ZoneInfo(service.time_zone)
    context, page, _traffic = new_page(browser, site, phone=phone)
    with time_machine.travel(dt.datetime(2026, 11, 25, 20, 0, tzinfo=zone), tick=False):
        page.goto(f"{site.url}/{lang}/")
        page.locator(".region-list .region-link[href$='/r/fr/']").click()
        page.locator(f"#svc-{service.pk} a").first.click()
        page.wait_for_selector("li.channel .status")
        assert page.locator("li.channel .status.is-open").count() >= 1
        page.screenshot(path=f"{SHOTS}/service-{lang}-{width}.png", full_page=True)
    context.close()
