"""Reliability fixes as people meet them (issue #18): the quick exit lands where the
deployment said, and a coordinator sees, on the staff home, background work that could
not be delivered, and sends it again."""

import pytest

from tests.browser import NeutralSite
from tests.journeys.conftest import new_page, sign_in

pytestmark = [pytest.mark.browser]


@pytest.fixture
def neutral(settings):
    """WAYMARK_NEUTRAL_URL set to a local stand-in, with no per-language override."""
    with NeutralSite() as site:
        settings.NEUTRAL_URL_DEFAULT = site.url("weather")
        settings.NEUTRAL_URLS = {}
        yield site


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("old_browser", [False, True], ids=["current", "older"])
def test_a_french_reader_leaves_for_the_site_wide_neutral_page(
    browser, site, neutral, javascript, old_browser
):
    context, page, _traffic = new_page(
        browser, site, phone=True, old_browser=old_browser, java_script_enabled=javascript
    )
    try:
        page.goto(f"{site.url}/fr/")
        page.locator("#exit-button").click()
        neutral.wait_for(page, "weather")
        assert "Sunny" in page.content()
    finally:
        context.close()


def test_a_coordinator_sees_undelivered_work_and_sends_it_again(browser, site):
    from apps.curation.models import OutboxMessage
    from apps.curation.models.outbox import MAX_ATTEMPTS
    from apps.curation.tasks import outbox_flush

    # An email that failed every attempt (its template was missing on the server then).
    message = OutboxMessage.objects.create(
        kind=OutboxMessage.Kind.EMAIL,
        key="journey:dead-email",
        payload={
            "to": "editor_a@example.org",
            "language": "en",
            "template": "approved",
            "context": {"proposal": 1},
        },
        attempts=MAX_ATTEMPTS,
        last_error="TemplateDoesNotExist",
    )
    context, page, _traffic = new_page(browser, site)
    try:
        sign_in(page, site, "coordinator")
        assert page.locator("#user-tools").is_visible(), page.content()[:3000]
        line = page.locator("#outbox-dead")
        assert line.is_visible()
        assert "not delivered after every attempt: 1." in line.inner_text()
        line.get_by_role("link").click()
        page.wait_for_load_state()
        assert "journey:dead-email" in page.content()
        page.locator("input[name=_selected_action]").first.check()
        page.locator("select[name=action]").select_option("try_again")
        page.locator("button[name=index], input[name=index]").first.click()
        page.wait_for_load_state()
        assert "Messages to be tried again: 1." in page.content()
        if message.delivered_at is None:
            outbox_flush()  # with a broker, beat's next minute; without, it went already
        message.refresh_from_db()
        assert message.delivered_at is not None
        page.goto(f"{site.url}/en/staff/")  # the staff home, as bookmarked
        assert page.locator("#outbox-dead").count() == 0
    finally:
        context.close()
