"""A day of review work, in a real browser: partner A's editor changes a number, the public
keeps the old one until a coordinator approves; a change is rejected with a comment, one
withdrawn, a version restored, a channel archived, a listing confirmed, a visitor's note
triaged (issue #15; C2–C5, SR-6).

Steps share one server and one data set, and run in order.
"""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.journeys.conftest import new_page, sign_in

pytestmark = [pytest.mark.browser]

INTAKE = "+33199001010"  # partner A's shelter intake line (demo data)
INTAKE_NEW = "+33199001011"
SMS = "+33199001002"  # partner A's helpline SMS line
HELPLINE = "+33199001001"


def channel(number):
    from apps.directory.models import Channel

    return Channel.objects.get(number=number)


def proposal_link(kind, pk):
    """How a proposal is named in the review queue, e.g. "Edit channel 12"."""
    return re.compile(rf"^{kind} channel {pk}$")


def messages(page) -> str:
    return " ".join(page.locator("ul.messagelist li").all_inner_texts())


class Staff:
    """A signed-in staff member's browser window, for one step."""

    def __init__(self, browser, site, who, *, old_browser=False, phone=False):
        self.context, self.page, _traffic = new_page(
            browser, site, old_browser=old_browser, phone=phone
        )
        self.page.set_default_timeout(15_000)
        sign_in(self.page, site, who)
        expect(self.page.locator("#user-tools")).to_be_visible()

    def __enter__(self):
        return self.page

    def __exit__(self, *exc):
        self.context.unroute_all(behavior="ignoreErrors")
        self.context.close()


def open_from_home(page, section, item):
    """From the staff home: a section's list, then one of its records."""
    page.get_by_role("link", name=section, exact=True).first.click()
    page.get_by_role("link", name=item).first.click()


def run_action(page, record, action):
    """In a list: tick the record's box, choose the action, run it."""
    page.get_by_role("row", name=record).get_by_role("checkbox").check()
    page.get_by_role("combobox", name=re.compile("^Action")).select_option(label=action)
    page.get_by_role("button", name="Go", exact=True).click()


def propose_channel_change(page, number, **fields):
    open_from_home(page, "Contact channels", re.compile(re.escape(number)))
    for label, value in fields.items():
        page.get_by_label(re.compile(rf"^{re.escape(label)}:?$")).fill(value)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("ul.messagelist")).to_contain_text(
        "Your change was sent for review. It goes live once approved."
    )


def decide(page, pk, decision, *, comment="", kind="Edit"):
    """Open a proposal from the review queue and click one decision's button."""
    open_from_home(page, "Proposals", proposal_link(kind, pk))
    if comment:
        form = page.locator("#reject-form" if decision == "Reject" else "#approve-form")
        form.get_by_role("textbox").fill(comment)
    page.get_by_role("button", name=decision, exact=True).click()
    page.wait_for_load_state()


def public_numbers(browser, site, service_pk) -> set[str]:
    """The numbers a visitor sees on the listing's page."""
    context, page, _traffic = new_page(browser, site, phone=True)
    try:
        page.goto(f"{site.url}/en/s/{service_pk}/")
        return {
            href.split(":", 1)[1]
            for href in page.locator("a.contact").evaluate_all(
                "links => links.map(a => a.getAttribute('href'))"
            )
            if href.startswith(("tel:", "sms:"))
        }
    finally:
        context.close()


def latest_proposal():
    from apps.curation.models import Proposal

    return Proposal.objects.latest("pk")


# --- a number changes, through review --------------------------------------------------


def test_an_editor_proposes_a_new_number_and_the_public_keeps_the_old_one(browser, site):
    intake = channel(INTAKE)
    with Staff(browser, site, "editor_a") as page:
        propose_channel_change(page, INTAKE, Number=INTAKE_NEW)
        # The review page says who must review it, and shows the change as a table.
        expect(page.locator("#proposal-diff")).to_contain_text(INTAKE_NEW)
        expect(page.locator(".review-facts")).to_contain_text("Needs a coordinator")
        expect(page.get_by_role("button", name="Approve and publish")).to_have_count(0)
    proposal = latest_proposal()
    assert proposal.changes == {"number": INTAKE_NEW} and proposal.target_id == intake.pk
    numbers = public_numbers(browser, site, intake.service_id)
    assert INTAKE in numbers and INTAKE_NEW not in numbers


def test_the_partner_manager_cannot_approve_a_number(browser, site):
    proposal = latest_proposal()
    with Staff(browser, site, "manager_a") as page:
        open_from_home(page, "Proposals", proposal_link("Edit", proposal.target_id))
        expect(page.locator(".review-facts")).to_contain_text("Needs a coordinator")
        expect(page.get_by_role("button", name="Approve and publish")).to_have_count(0)


def test_a_coordinator_approves_and_the_new_number_is_public(browser, site):
    proposal = latest_proposal()
    with Staff(browser, site, "coordinator") as page:
        decide(page, proposal.target_id, "Approve and publish")
        text = messages(page)
        assert "Approved and published: Edit · contact channel" in text, text
        assert "changed successfully" not in page.content()
        expect(page.locator(".review-facts")).to_contain_text("Approved")
    numbers = public_numbers(browser, site, channel(INTAKE_NEW).service_id)
    assert INTAKE_NEW in numbers and INTAKE not in numbers


# --- reject, withdraw, restore ----------------------------------------------------------


def test_a_rejected_change_carries_the_reviewers_comment_to_the_editor(browser, site):
    intake = channel(INTAKE_NEW)
    with Staff(browser, site, "editor_a") as page:
        propose_channel_change(page, INTAKE_NEW, **{"Label [en]": "Intake line (mornings)"})
    proposal = latest_proposal()
    with Staff(browser, site, "manager_a") as page:
        # A comment is needed: the browser asks for it before sending anything.
        open_from_home(page, "Proposals", proposal_link("Edit", intake.pk))
        page.get_by_role("button", name="Reject", exact=True).click()
        proposal.refresh_from_db()
        assert proposal.status == "pending"
        page.locator("#reject-comment").fill("The line is open all day: keep “Intake line”.")
        page.get_by_role("button", name="Reject", exact=True).click()
        expect(page.locator("ul.messagelist")).to_contain_text("Rejected: Edit · contact channel")
    proposal.refresh_from_db()
    assert proposal.status == "rejected"
    with Staff(browser, site, "editor_a") as page:
        open_from_home(page, "Proposals", proposal_link("Edit", intake.pk))
        expect(page.locator("#review-comment")).to_contain_text("The line is open all day")
        expect(page.locator(".review-facts")).to_contain_text("Rejected")


def test_an_editor_withdraws_a_proposal(browser, site):
    with Staff(browser, site, "editor_a") as page:
        propose_channel_change(page, INTAKE_NEW, **{"Label [en]": "Typo line"})
        page.get_by_role("button", name="Withdraw", exact=True).click()
        expect(page.locator("ul.messagelist")).to_contain_text("Withdrawn: Edit · contact channel")
        expect(page.get_by_role("button", name="Withdraw", exact=True)).to_have_count(0)
    assert latest_proposal().status == "withdrawn"


def test_an_earlier_version_is_restored_through_review(browser, site):
    intake = channel(INTAKE_NEW)
    with Staff(browser, site, "editor_a") as page:
        propose_channel_change(page, INTAKE_NEW, **{"Label [en]": "Intake and advice"})
    with Staff(browser, site, "manager_a") as page:
        decide(page, intake.pk, "Approve and publish")
        expect(page.locator("ul.messagelist")).to_contain_text("Approved and published")
    intake.refresh_from_db()
    assert intake.label_en == "Intake and advice"
    with Staff(browser, site, "editor_a") as page:
        page.get_by_role("link", name="Versions", exact=True).first.click()
        page.get_by_role("link", name=f"channel {intake.pk} v1").click()
        # The version reads as a table, and nothing on it can be edited.
        values = page.locator("#version-values")
        expect(values).to_contain_text("Intake line")
        expect(values).to_contain_text(INTAKE_NEW)
        expect(page.locator("#content-main textarea, #content-main select")).to_have_count(0)
        page.get_by_role("button", name="Propose restoring this version").click()
        expect(page.locator("ul.messagelist")).to_contain_text(
            "Restoring was proposed; it goes live once approved."
        )
        expect(page.locator("#proposal-diff")).to_contain_text("Intake line")
    with Staff(browser, site, "manager_a") as page:
        decide(page, intake.pk, "Approve and publish")
        expect(page.locator("ul.messagelist")).to_contain_text("Approved and published")
    intake.refresh_from_db()
    assert intake.label_en == "Intake line"


# --- archiving a channel takes a number off: a coordinator decides ------------------


def test_archiving_a_channel_needs_a_coordinator_and_takes_the_number_off(browser, site):
    sms = channel(SMS)
    assert SMS in public_numbers(browser, site, sms.service_id)
    with Staff(browser, site, "editor_a") as page:
        page.get_by_role("link", name="Contact channels", exact=True).first.click()
        run_action(page, re.compile(re.escape(SMS)), "Propose archiving the selected records")
        expect(page.locator("ul.messagelist")).to_contain_text("1 proposal(s) sent for review.")
    with Staff(browser, site, "manager_a") as page:
        open_from_home(page, "Proposals", proposal_link("Archive", sms.pk))
        expect(page.locator(".review-facts")).to_contain_text("Needs a coordinator")
        expect(page.get_by_role("button", name="Approve and publish")).to_have_count(0)
    assert SMS in public_numbers(browser, site, sms.service_id)
    with Staff(browser, site, "coordinator") as page:
        decide(page, sms.pk, "Approve and publish", kind="Archive")
        expect(page.locator("ul.messagelist")).to_contain_text(
            "Approved and published: Archive · contact channel"
        )
    numbers = public_numbers(browser, site, sms.service_id)
    assert SMS not in numbers and HELPLINE in numbers


# --- verification and visitors' notes --------------------------------------------------


def test_an_editor_confirms_a_listing_is_still_correct(browser, site):
    from apps.directory.models import Service

    shelter = channel(INTAKE_NEW).service
    with Staff(browser, site, "editor_a") as page:
        page.get_by_role("link", name="Services", exact=True).first.click()
        run_action(
            page,
            re.compile(re.escape(shelter.name_en)),
            "Confirm the selected listings are still correct",
        )
        expect(page.locator("ul.messagelist")).to_contain_text("marked as verified today")
    shelter = Service.objects.get(pk=shelter.pk)
    assert shelter.assured_date == dt.date.today()
    assert shelter.verify_by > dt.date.today()


def test_a_visitors_note_reaches_the_partner_who_resolves_it(browser, site):
    from apps.curation.models import ProblemReport

    helpline = channel(HELPLINE).service
    context, page, _traffic = new_page(browser, site, phone=True)
    try:
        page.goto(f"{site.url}/en/s/{helpline.pk}/")
        page.get_by_role("link", name="Something wrong in this listing? Send a note").click()
        page.get_by_label("The hours are wrong").check()
        page.get_by_label("Details").fill("The chat did not answer on Sunday evening.")
        page.get_by_role("button", name="Send").click()
        expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
        assert not context.cookies(), "a visitor got a cookie"
    finally:
        context.close()
    report = ProblemReport.objects.get()
    assert report.status == "open" and report.service_id == helpline.pk
    with Staff(browser, site, "manager_a") as page:
        page.get_by_role("link", name="Problem reports", exact=True).first.click()
        run_action(page, re.compile(re.escape(helpline.name_en)), "Mark as resolved")
        expect(page.locator("ul.messagelist")).to_contain_text("1 note resolved.")
    report.refresh_from_db()
    assert report.status == "resolved"


# --- the same review in an older browser (no Sec-Fetch-*, no Referer, Origin: null) ---


def test_a_number_change_is_reviewed_in_an_older_browser(browser, site):
    helpline = channel(HELPLINE)
    with Staff(browser, site, "editor_a", old_browser=True, phone=True) as page:
        propose_channel_change(page, HELPLINE, Number="+33199001003")
    assert HELPLINE in public_numbers(browser, site, helpline.service_id)
    with Staff(browser, site, "coordinator_2", old_browser=True) as page:
        decide(page, helpline.pk, "Approve and publish")
        expect(page.locator("ul.messagelist")).to_contain_text("Approved and published")
    numbers = public_numbers(browser, site, helpline.service_id)
    assert "+33199001003" in numbers and HELPLINE not in numbers


# --- the review and version pages: axe-core, phone width, both directions --------------


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("phone", [False, True], ids=["1280", "320"])
def test_review_and_version_pages_pass_axe_at_both_widths(browser, site, lang, phone):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context, page, _traffic = new_page(browser, site, phone=phone)
    reports = {}
    try:
        page.set_default_timeout(15_000)
        sign_in(page, site, "coordinator", lang=lang)
        for section in ("proposal", "version"):
            page.locator(f"#content-main a[href$='/curation/{section}/']").first.click()
            page.locator(f"#result_list a[href*='/curation/{section}/']").first.click()
            expect(page.locator(".review-table")).to_be_visible()
            width = page.evaluate("document.scrollingElement.scrollWidth")
            assert width <= page.viewport_size["width"], (section, width)
            results = axe.run(page)
            if results.violations_count:
                reports[section] = results.generate_report()
            page.go_back()
            page.go_back()
    finally:
        context.close()
    assert not reports, "\n\n".join(f"== {name}\n{report}" for name, report in reports.items())
