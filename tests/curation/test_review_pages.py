"""Review and version pages that work as pages: one form per decision, messages that say
what happened, values as tables (issue #15 items 2 and 6)."""

from html.parser import HTMLParser

import pytest

from apps.curation.models import Proposal, Version
from apps.curation.services import proposal_approve, proposal_submit
from apps.directory.models import Channel, Service

from .test_staff_area import listings  # noqa: F401 - the fixture


class Forms(HTMLParser):
    """Each form on a page, with its buttons and fields; notes any form inside another."""

    def __init__(self):
        super().__init__()
        self.forms, self.open, self.nested = [], None, False
        self.outside_fields = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.nested = self.nested or self.open is not None
            self.open = {"action": attrs.get("action"), "buttons": [], "fields": []}
            self.forms.append(self.open)
        elif tag in ("button", "input", "textarea", "select"):
            target = self.open["fields"] if self.open is not None else self.outside_fields
            if tag == "button":
                target = self.open["buttons"] if self.open is not None else self.outside_fields
            target.append((tag, attrs.get("type"), attrs.get("name"), attrs.get("value")))

    def handle_endtag(self, tag):
        if tag == "form":
            self.open = None


def forms_of(html):
    parser = Forms()
    parser.feed(html)
    return parser


def review_page(client, proposal):
    response = client.get(f"/en/staff/curation/proposal/{proposal.pk}/change/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def number_change(editor_a, listings):
    alpha, _bravo = listings
    return proposal_submit(
        by=editor_a, model=Channel, instance=alpha.channels.get(), values={"number": "+33199003333"}
    )


def test_each_decision_is_a_button_in_a_form_of_its_own(staff_client, coordinator, number_change):
    page = forms_of(review_page(staff_client(coordinator), number_change))
    assert not page.nested
    review = f"/en/staff/curation/proposal/{number_change.pk}/review/"
    decisions = {button[3]: form for form in page.forms for button in form["buttons"] if button[2]}
    assert set(decisions) == {"approve", "reject"}
    assert all(decisions[d]["action"] == review for d in decisions)
    assert decisions["approve"] is not decisions["reject"]
    # The reviewer's comment goes with the decision it belongs to.
    assert ("textarea", None, "comment", None) in decisions["reject"]["fields"]


def test_the_author_can_withdraw_but_not_review(staff_client, editor_a, number_change):
    page = forms_of(review_page(staff_client(editor_a), number_change))
    buttons = [b[3] for form in page.forms for b in form["buttons"] if b[2] == "decision"]
    assert buttons == ["withdraw"]


def test_approving_says_what_happened_and_publishes(
    staff_client, coordinator, number_change, visitor, listings
):
    alpha, _bravo = listings
    client = staff_client(coordinator)
    response = client.post(
        f"/en/staff/curation/proposal/{number_change.pk}/review/",
        {"decision": "approve", "comment": ""},
        follow=True,
    )
    html = response.content.decode()
    assert "Approved and published: Edit · contact channel" in html
    assert "changed successfully" not in html
    assert "+33199003333" in visitor.get(f"/en/s/{alpha.pk}/").content.decode()


def test_rejecting_needs_a_comment_that_the_author_then_sees(
    staff_client, coordinator, editor_a, number_change
):
    client = staff_client(coordinator)
    url = f"/en/staff/curation/proposal/{number_change.pk}/review/"
    html = client.post(url, {"decision": "reject", "comment": "  "}, follow=True).content.decode()
    assert "Nothing was changed: write why you reject it" in html
    assert Proposal.objects.get(pk=number_change.pk).status == Proposal.Status.PENDING
    html = client.post(
        url, {"decision": "reject", "comment": "Wrong area code"}, follow=True
    ).content.decode()
    assert "Rejected: Edit · contact channel" in html
    author_view = review_page(staff_client(editor_a), number_change)
    assert "Wrong area code" in author_view and "Rejected" in author_view


def test_posting_to_the_review_page_itself_changes_nothing(
    staff_client, coordinator, number_change
):
    """What the nested forms did: the admin's own form took the click."""
    client = staff_client(coordinator)
    response = client.post(
        f"/en/staff/curation/proposal/{number_change.pk}/change/", {"decision": "approve"}
    )
    assert response.status_code == 405
    assert Proposal.objects.get(pk=number_change.pk).status == Proposal.Status.PENDING


def test_a_diff_in_arabic_reads_as_arabic(staff_client, manager_a, editor_a, listings):
    alpha, _bravo = listings
    proposal = proposal_submit(
        by=editor_a,
        model=Service,
        instance=alpha,
        values={"description_ar": "خط مساعدة مجاني", "description_ru": "Бесплатная линия"},
    )
    html = review_page(staff_client(manager_a), proposal)
    assert "خط مساعدة مجاني" in html and "Бесплатная линия" in html
    assert "U+0" not in html  # no code points where there is nothing to see
    assert "What it offers [ar]" in html  # the field as the edit form names it


def test_a_version_is_a_readable_table_and_nothing_in_it_is_editable(
    staff_client, coordinator, editor_a, listings
):
    alpha, _bravo = listings
    channel = alpha.channels.get()
    proposal = proposal_submit(
        by=editor_a, model=Channel, instance=channel, values={"label_en": "Helpline"}
    )
    proposal_approve(proposal=proposal, by=coordinator)
    version = Version.objects.get(proposal=proposal)
    later = proposal_submit(by=editor_a, model=Channel, instance=channel, values={"label_en": "X"})
    proposal_approve(proposal=later, by=coordinator)
    client = staff_client(editor_a)
    response = client.get(f"/en/staff/curation/version/{version.pk}/change/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "+33199001111" in html and "Helpline" in html
    assert '{"' not in html and "&quot;number&quot;" not in html  # no raw JSON
    page = forms_of(html)
    restore = [f for f in page.forms if f["action"].endswith(f"/version/{version.pk}/restore/")]
    assert len(restore) == 1
    fields = [f for form in page.forms for f in form["fields"]] + page.outside_fields
    editable = [
        f
        for f in fields
        if f[0] in ("textarea", "select") or (f[0] == "input" and f[1] not in ("hidden", "submit"))
    ]
    assert editable == [("input", "search", None, None)]  # the admin's menu filter, only
    assert client.post(f"/en/staff/curation/version/{version.pk}/change/").status_code == 405
    # Restoring is proposed, with a message that says so.
    html = client.post(
        f"/en/staff/curation/version/{version.pk}/restore/", follow=True
    ).content.decode()
    assert "Restoring was proposed; it goes live once approved." in html
    restore = Proposal.objects.latest("pk")
    assert restore.changes == {"label_en": "Helpline"} and restore.status == "pending"
    # The version a record has now cannot be "restored": that says so, and changes nothing.
    current = Version.objects.get(proposal=later)
    html = client.post(
        f"/en/staff/curation/version/{current.pk}/restore/", follow=True
    ).content.decode()
    assert "Nothing was changed." in html
    assert Proposal.objects.latest("pk") == restore
