"""A coordinator runs staff accounts from the browser (issue 15, item 3).

The coordinator creates an account for a new partner editor in one screen and hands on
the enrolment link; the new person opens it, types the key into an authenticator app,
chooses a password, confirms a code, and signs in; the link does not work a second time;
the coordinator resets the person's lost phone, which the audit trail records. Run as a
current browser and as an older one (no Sec-Fetch-*, Origin: null).
"""

import pytest

from tests.journeys.conftest import JOURNEY_PASSWORD, new_page, sign_in
from tests.journeys.staff_ops import (
    app_code,
    axe_violations,
    click_through,
    no_sideways_scroll,
    shoot,
)

pytestmark = [pytest.mark.browser]

BROWSERS = pytest.mark.parametrize(
    "old_browser", [False, True], ids=["current", "no-sec-fetch-origin-null"]
)
# What the coordinator handed on, per browser kind: {old_browser: (username, link)}.
handed_on: dict = {}


def username_for(old_browser: bool) -> str:
    return "new_partner_old" if old_browser else "new_partner"


@BROWSERS
def test_a_coordinator_creates_an_account_in_one_screen(browser, site, old_browser):
    from apps.curation.models import AuditEntry, StaffProfile

    partner = site.staff["editor_a"].staff_profile.organization
    username = username_for(old_browser)
    context, page, _traffic = new_page(browser, site, old_browser=old_browser)
    try:
        sign_in(page, site, "coordinator")
        click_through(page, page.get_by_role("link", name="Create a staff account"))
        if not old_browser:
            assert not axe_violations(page), axe_violations(page)
            shoot(page, "account-create-en")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Email address").fill(f"{username}@example.org")
        page.get_by_label("Role").select_option(label="Partner editor")
        page.get_by_label("Organisation").select_option(label=partner.name)
        click_through(page, page.get_by_role("button", name="Create the account"))
        assert f"The account {username} was created." in page.content()
        link = page.get_by_label("Enrolment link").input_value()
        if not old_browser:
            shoot(page, "account-link-en")
    finally:
        context.close()
    profile = StaffProfile.objects.get(user__username=username)
    assert (profile.role, profile.organization) == (StaffProfile.Role.PARTNER_EDITOR, partner)
    assert AuditEntry.objects.filter(action="account.created", actor=site.staff["coordinator"])
    handed_on[old_browser] = (username, link)


@BROWSERS
def test_the_new_person_enrols_and_signs_in(browser, site, old_browser):
    from django.contrib.auth import get_user_model

    username, link = handed_on[old_browser]
    context, page, _traffic = new_page(browser, site, phone=True, old_browser=old_browser)
    try:
        page.goto(link)  # as they open the link they were given
        assert page.locator(".enrol-qr svg").count() == 1  # the QR code, drawn on the server
        assert no_sideways_scroll(page)
        if not old_browser:
            assert not axe_violations(page), axe_violations(page)
            shoot(page, "enrol-en")
        # The person types the key shown under the QR code into their app.
        key = page.locator("#enrol-key").inner_text()
        code, _step = app_code(key)
        page.get_by_label("Choose a password").fill(JOURNEY_PASSWORD)
        page.get_by_label("The same password again").fill(JOURNEY_PASSWORD)
        page.get_by_label("Code from your authenticator app").fill(code)
        click_through(page, page.get_by_role("button", name="Confirm"))
        assert "Your authenticator app is set up." in page.content()
    finally:
        context.close()
    site.staff[username] = get_user_model().objects.get(username=username)

    context, page, _traffic = new_page(browser, site, old_browser=old_browser)
    try:
        sign_in(page, site, username)  # waits for the app's next code, as a person would
        assert page.locator("#user-tools").is_visible(), page.content()[:2000]
        assert "Proposals waiting for you" in page.content()
    finally:
        context.close()


@BROWSERS
def test_the_enrolment_link_works_only_once(browser, site, old_browser):
    _username, link = handed_on[old_browser]
    context, page, _traffic = new_page(browser, site, old_browser=old_browser)
    try:
        response = page.goto(link)
        assert response.status == 404
        assert "has already been used, or has expired" in page.content()
        assert page.locator("#enrol-key").count() == 0
    finally:
        context.close()


def test_a_coordinator_resets_a_lost_phone(browser, site):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from apps.curation.models import AuditEntry

    username, _link = handed_on[False]
    person = site.staff[username]
    assert TOTPDevice.objects.filter(user=person, confirmed=True).exists()
    context, page, _traffic = new_page(browser, site)
    try:
        sign_in(page, site, "coordinator")
        click_through(page, page.get_by_role("link", name="Staff profiles"))
        click_through(page, page.get_by_role("link", name=username, exact=True))
        click_through(page, page.get_by_role("button", name="Reset authenticator"))
        assert f"The authenticator of {username} was removed" in page.content()
        new_link = page.get_by_label("Enrolment link").input_value()
    finally:
        context.close()
    assert not TOTPDevice.objects.filter(user=person).exists()
    entry = AuditEntry.objects.get(action="authenticator.reset", target_id=person.pk)
    assert entry.actor == site.staff["coordinator"]

    # The person enrols the new phone; the link asks for the password they already have.
    context, page, _traffic = new_page(browser, site, phone=True)
    try:
        page.goto(new_link)
        code, _step = app_code(page.locator("#enrol-key").inner_text())
        assert page.get_by_label("Choose a password").count() == 0
        page.get_by_label("Your password").fill(JOURNEY_PASSWORD)
        page.get_by_label("Code from your authenticator app").fill(code)
        click_through(page, page.get_by_role("button", name="Confirm"))
        assert "Your authenticator app is set up." in page.content()
    finally:
        context.close()
    assert TOTPDevice.objects.filter(user=person, confirmed=True).count() == 1


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_screenshots_of_the_account_pages(browser, site, lang):
    """The account pages in English and Arabic, for people to look at: the coordinator's
    pages and the enrolment page fit a phone without scrolling sideways, and the link
    opens in the new person's email language."""
    username = f"shot_{lang}"
    context, page, _traffic = new_page(browser, site, phone=True)
    try:
        sign_in(page, site, "coordinator_2")  # the form in English; the pages in {lang}
        page.goto(f"{site.url}/{lang}/staff/curation/staffprofile/add/")
        assert no_sideways_scroll(page)
        shoot(page, f"account-create-{lang}")
        page.locator("#id_username").fill(username)
        page.locator("#id_email").fill(f"{username}@example.org")
        page.locator("#id_role").select_option("coordinator")
        page.locator("#id_language").select_option(lang)
        click_through(page, page.locator("input[type=submit]"))
        link = page.locator("#enrolment-link").input_value()
        assert no_sideways_scroll(page)
        shoot(page, f"account-link-{lang}")
    finally:
        context.close()
    assert f"/{lang}/staff/enrol/" in link
    context, page, _traffic = new_page(browser, site, phone=True)
    try:
        page.goto(link)
        assert page.locator("html").get_attribute("lang") == lang
        assert no_sideways_scroll(page)
        assert not axe_violations(page), axe_violations(page)
        shoot(page, f"enrol-{lang}")
    finally:
        context.close()
