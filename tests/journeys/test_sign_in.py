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


def test_the_old_browser_emulation_reaches_the_server_as_such(browser, site, monkeypatch):
    """The emulation is real: the server sees no Sec-Fetch-* header, no Referer and
    Origin: null (the live server runs in this process, so its CSRF check is observed)."""
    from apps.core.security import CsrfViewMiddleware

    seen = {}
    checked = CsrfViewMiddleware.process_request

    def observe(self, request):
        if request.method == "POST":
            seen.update({k: v for k, v in request.META.items() if k.startswith("HTTP_")})
        return checked(self, request)

    monkeypatch.setattr(CsrfViewMiddleware, "process_request", observe)
    context, page, _traffic = new_page(browser, site, old_browser=True)
    try:
        page.goto(f"{site.url}/en/staff/")
        page.get_by_label("Username").fill("nobody")
        page.get_by_label("Password").fill("wrong-password-entirely")
        page.locator("input[name=otp_token]").fill("123456")
        page.locator("input[type=submit]").first.click()
        page.wait_for_load_state()
    finally:
        context.close()
    assert seen, "the form was not submitted"
    assert not [h for h in seen if h.startswith("HTTP_SEC_FETCH_")], seen
    assert "HTTP_REFERER" not in seen, seen
    assert seen.get("HTTP_ORIGIN") == "null", seen
