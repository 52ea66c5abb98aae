"""Readers of Persian, Ukrainian and Chinese open a service page and are told, in their own
language, which parts are not in it (issue #17).

A Persian reader is never shown Arabic; text in another language carries its ``lang`` (a
screen reader switches voice) and "(shown in …)"; a machine draft says so.
"""

import pytest

from tests.content_languages import known_content, unmarked_content
from tests.journeys.conftest import new_page

pytestmark = [pytest.mark.browser]

HOTLINE = "Example National Helpline"


def hotline_pk():
    from apps.directory.models import Service

    return Service.objects.get(name_en=HOTLINE).pk


def open_hotline(browser, site, lang, **options):
    """From the France page (a bookmark), the reader taps the helpline's card."""
    context, page, _traffic = new_page(browser, site, **options)
    page.goto(f"{site.url}/{lang}/r/fr/")
    page.locator(f'a[href="/{lang}/s/{hotline_pk()}/"]').first.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/{lang}/s/{hotline_pk()}/")
    return context, page


def check_axe_and_markers(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert not results.violations_count, results.generate_report()
    assert unmarked_content(page.content(), known_content()) == []


@pytest.mark.parametrize("phone", [True, False], ids=["320px", "1280px"])
def test_a_persian_reader_gets_english_marked_as_such_never_arabic(browser, site, phone):
    from apps.directory.models import Service

    context, page = open_hotline(browser, site, "fa", phone=phone)
    try:
        heading = page.locator("h1")
        assert heading.locator("bdi[lang=en]").inner_text() == HOTLINE
        assert heading.locator("small.shown-in").inner_text() == "(نمایش به زبان انگلیسی)"
        # The trust attributes and kinds of help are in Persian (the shared vocabulary).
        body = page.locator("main").inner_text()
        assert "نیازی به مدرک شناسایی نیست" in body
        assert "بدون رضایت شما با پلیس یا اداره مهاجرت تماس نمی‌گیرند" in body
        assert Service.objects.get(pk=hotline_pk()).name_ar not in body
        assert "وقت فرانسه" in body and "Europe/Paris" not in body
        assert "۹:۰۰ تا ۲۱:۰۰" in body  # the text line's hours, in Persian digits
        assert "+33 1 99 00 10 01" in body  # the number stays as dialled
        check_axe_and_markers(page)
    finally:
        context.close()


def test_a_ukrainian_reader_is_told_the_text_is_a_machine_draft(browser, site):
    context, page = open_hotline(browser, site, "uk", phone=True)
    try:
        heading = page.locator("h1")
        assert heading.locator("bdi").first.inner_text() == "Приклад національної гарячої лінії"
        assert heading.locator("[lang]").count() == 0  # it is Ukrainian
        assert heading.locator("small.machine").inner_text() == "(машинний переклад)"
        assert "Посвідчення особи не потрібне" in page.locator("main").inner_text()
        check_axe_and_markers(page)
    finally:
        context.close()


@pytest.mark.parametrize("old_browser", [False, True], ids=["current", "no-sec-fetch-origin-null"])
def test_a_chinese_reader_searches_and_sees_each_result_marked(browser, site, old_browser):
    context, page, _traffic = new_page(browser, site, phone=True, old_browser=old_browser)
    try:
        page.goto(f"{site.url}/zh-hans/")
        page.get_by_role("searchbox").fill("Example")
        page.get_by_role("button", name="搜索").click()
        page.wait_for_load_state()
        results = page.locator("main")
        # The clinic has a machine-drafted Chinese name; the helpline only English.
        assert "示例社区健康诊所" in results.inner_text()
        assert results.locator("small.machine").first.inner_text() == "（机器翻译）"
        english = results.locator("bdi[lang=en]", has_text=HOTLINE).first
        assert english.is_visible()
        check_axe_and_markers(page)
        page.locator(f'a[href="/zh-hans/s/{hotline_pk()}/"]').first.click()
        page.wait_for_load_state()
        heading = page.locator("h1")
        assert heading.locator("small.shown-in").first.inner_text() == "（以英语显示）"
        assert "不开放" in page.locator("main").inner_text()  # the chat is closed at weekends
        check_axe_and_markers(page)
    finally:
        context.close()
