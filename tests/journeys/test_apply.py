"""Apply to be listed (issue #22, item 3), in a real browser.

An organisation applies from a 320 px phone (also from an older browser that sends no
Sec-Fetch-* headers and ``Origin: null``); a coordinator finds the application in the
queue, is refused when approving before the vetting checklist is complete, ticks it, and
a second coordinator approves it (four eyes): the organisation is then public. Another
application is rejected, and the email reaches the applicant in their language.

Steps share one server and one data set, and run in order.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.journeys.conftest import new_page, sign_in
from tests.journeys.staff_ops import axe_violations

pytestmark = [pytest.mark.browser]

HARBOUR = "Example Harbour Women's Network"
HARBOUR_SERVICE = "Example Harbour legal line"
HARBOUR_PHONE = "+33 1 99 00 12 35"
CEDAR = "Example Cedar Refuge"
CEDAR_EMAIL = "rana@cedar.example.org"


def application_of(name):
    from apps.curation.models import Application

    return Application.objects.get(
        proposals__changes__name_en=name, proposals__target_model="organization"
    )


class Staff:
    """A signed-in coordinator's browser window, for one step."""

    def __init__(self, browser, site, who, *, old_browser=False):
        self.context, self.page, _traffic = new_page(browser, site, old_browser=old_browser)
        self.page.set_default_timeout(15_000)
        sign_in(self.page, site, who)
        expect(self.page.locator("#user-tools")).to_be_visible()

    def __enter__(self):
        return self.page

    def __exit__(self, *exc):
        self.context.unroute_all(behavior="ignoreErrors")
        self.context.close()


def open_application(page, name):
    """From the staff home's review queue, the application's organisation proposal."""
    page.get_by_role("link", name=re.compile(rf"^Create organization: {re.escape(name)}$")).click()
    expect(page.locator("#checklist-heading")).to_be_visible()


def test_an_applicant_on_a_phone_sends_the_form(browser, site):
    context, page, _traffic = new_page(browser, site, phone=True)
    page.goto(f"{site.url}/en/")
    page.get_by_role("link", name="Apply to be listed").click()
    expect(page.get_by_role("heading", name="Inclusion criteria")).to_be_visible()
    assert axe_violations(page) == ""
    # A first try without the confirmation and with a bad number: refused, nothing kept.
    page.get_by_label("Name of the organisation").fill(HARBOUR)
    page.get_by_label("Phone number we can call back").fill("call me")
    page.get_by_role("button", name="Send the application").click()
    expect(page.get_by_role("alert")).to_contain_text("Please check the form and send it again.")
    expect(page.locator(".apply-form")).to_contain_text("This is not a phone number")
    expect(page.locator(".apply-form")).to_contain_text(
        "Please confirm that you meet the inclusion criteria."
    )
    assert page.get_by_label("Name of the organisation").input_value() == HARBOUR
    assert axe_violations(page) == ""
    fill_application(page, HARBOUR, HARBOUR_SERVICE, HARBOUR_PHONE)
    page.get_by_role("button", name="Send the application").click()
    expect(page.get_by_role("heading", name="Application received")).to_be_visible()
    assert context.cookies() == []
    context.close()
    application = application_of(HARBOUR)
    assert application.language == "en" and application.contact_phone == "+33199001234"


def fill_application(page, name, service, phone, *, email="amina@harbour.example.org"):
    page.locator("#id_name").fill(name)
    page.locator("#id_description").fill("Legal advice and accompaniment for survivors.")
    first = page.locator("#service-1")
    first.locator("#id_s-0-name").fill(service)
    first.locator("input[name='s-0-kinds']").first.check()
    first.locator("input[name='s-0-regions']").first.check()
    first.locator("input[name='s-0-languages']").first.check()
    first.locator("#id_s-0-phone").fill(phone)
    page.locator("#id_contact_name").fill("Amina Example")
    page.locator("#id_contact_phone").fill("+33 1 99 00 12 34")
    page.locator("#id_contact_email").fill(email)
    page.locator("#id_references").fill("Example Regional Network, +33 1 99 00 55 66")
    page.locator("#id_criteria").check()


def test_an_older_browser_sends_an_application_in_arabic(browser, site):
    context, page, _traffic = new_page(browser, site, phone=True, old_browser=True)
    page.goto(f"{site.url}/ar/join/")
    assert axe_violations(page) == ""
    fill_application(
        page, CEDAR, "Example Cedar shelter line", "+33 1 99 00 22 33", email=CEDAR_EMAIL
    )
    page.locator(".apply-form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("تم استلام الطلب")  # "Application received"
    assert context.cookies() == []
    context.close()
    assert application_of(CEDAR).language == "ar"


def test_approving_is_refused_until_the_checklist_is_complete(browser, site):
    application = application_of(HARBOUR)
    with Staff(browser, site, "coordinator") as page:
        open_application(page, HARBOUR)
        # The private contact is on the review page, for calling back.
        expect(page.locator("#vetting-contact + dl")).to_contain_text("+33199001234")
        expect(page.locator("#content")).to_contain_text(HARBOUR_SERVICE)
        assert axe_violations(page) == ""
        page.get_by_role("button", name="Approve and publish").click()
        expect(page.locator("ul.messagelist")).to_contain_text(
            "first complete the vetting checklist"
        )
        page.get_by_label("The organisation meets the inclusion criteria").check()
        page.get_by_label("References checked").check()
        page.get_by_role("button", name="Save the checklist").click()
        expect(page.locator("ul.messagelist")).to_contain_text("The checklist was saved.")
        page.get_by_role("button", name="Approve and publish").click()
        expect(page.locator("ul.messagelist")).to_contain_text(
            "first complete the vetting checklist"
        )
        page.get_by_label("Contact details verified by calling back").check()
        page.get_by_role("button", name="Save the checklist").click()
        expect(page.locator("#checklist-form small")).to_have_count(3)
        expect(page.locator("#checklist-form")).to_contain_text("Ticked by coordinator")
        # Four eyes: who did the whole checklist alone does not also approve.
        page.get_by_role("button", name="Approve and publish").click()
        expect(page.locator("ul.messagelist")).to_contain_text(
            "Another coordinator must approve this application."
        )
    application.refresh_from_db()
    assert application.status == "pending" and application.checklist_complete
    assert application.contact_verified_by.username == "coordinator"


def test_a_second_coordinator_approves_and_the_organisation_is_public(browser, site):
    with Staff(browser, site, "coordinator_2", old_browser=True) as page:
        open_application(page, HARBOUR)
        page.get_by_role("button", name="Approve and publish").click()
        expect(page.locator("ul.messagelist")).to_contain_text(
            f"Approved and published: Create · organisation: {HARBOUR}"
        )
    from apps.directory.models import Service

    service = Service.objects.published().get(name_en=HARBOUR_SERVICE)
    context, page, _traffic = new_page(browser, site, phone=True)
    page.goto(f"{site.url}/en/s/{service.pk}/")
    expect(page.locator("h1")).to_contain_text(HARBOUR_SERVICE)
    expect(page.locator("main")).to_contain_text(HARBOUR)
    hrefs = page.locator("a[href^='tel:']").evaluate_all("a => a.map(x => x.getAttribute('href'))")
    assert "tel:+33199001235" in hrefs
    # The vetting contact is never on the public page.
    assert "Amina" not in page.content() and "99 00 12 34" not in page.content()
    context.close()


def test_another_application_is_rejected_and_the_email_is_in_arabic(browser, site):
    from django.core import mail

    from apps.curation.tasks import outbox_flush

    mail.outbox.clear()
    with Staff(browser, site, "coordinator") as page:
        open_application(page, CEDAR)
        page.get_by_label("We could not reach the vetting contact by calling back.").check()
        page.locator("#reject-comment").fill("Please call us on the main line.")
        page.get_by_role("button", name="Reject", exact=True).click()
        expect(page.locator("ul.messagelist")).to_contain_text(
            "The applicant is told by email, in their language."
        )
    application = application_of(CEDAR)
    assert application.status == "rejected"
    outbox_flush()  # beat's job on a running site; the email may already have left
    [email] = [m for m in mail.outbox if m.to == [CEDAR_EMAIL]]
    assert "لم نتمكن من الوصول إلى جهة الاتصال" in email.body  # the reason, in Arabic
    assert "Please call us on the main line." in email.body
    assert CEDAR in email.body
