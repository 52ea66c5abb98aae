"""Staff sign in through the real form, in a current browser and as an older one behaves."""

import pytest

from tests.journeys.conftest import new_page, sign_in

pytestmark = [pytest.mark.browser]


@pytest.mark.parametrize("old_browser", [False, True], ids=["current", "no-sec-fetch-origin-null"])
def test_coordinator_signs_in_and_sees_the_staff_home(browser, site, old_browser):
    context, page, _traffic = new_page(browser, site, old_browser=old_browser)
    try:
        sign_in(page, site, "coordinator")
        assert "CSRF" not in page.content()
        assert page.locator("#user-tools").is_visible(), page.content()[:2000]
    finally:
        context.close()


def test_the_old_browser_emulation_reaches_the_server_as_such(browser, site):
    """The emulation is real: the server sees no Sec-Fetch-* header and Origin: null."""
    seen = {}
    context, page, _traffic = new_page(browser, site, old_browser=True)
    try:
        page.goto(f"{site.url}/en/staff/")

        def capture(request):
            if request.method == "POST":
                seen.update(request.all_headers())

        page.on("request", capture)
        page.get_by_label("Username").fill("nobody")
        page.get_by_label("Password").fill("wrong-password-entirely")
        page.locator("input[name=otp_token]").fill("123456")
        page.locator("input[type=submit]").first.click()
        page.wait_for_load_state()
    finally:
        context.close()
    assert seen, "the form was not submitted"
    assert not [h for h in seen if h.startswith("sec-fetch-")], seen
    assert seen.get("origin") == "null", seen
