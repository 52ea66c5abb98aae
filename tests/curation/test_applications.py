"""Apply to be listed (issue #22): the public form, the vetting checklist, approval
through the normal curation path and a rejection email in the applicant's language.

The form has the problem report's defences (no cookie, same origin or form token,
honeypot, size and rate limits); bad input is refused with a translated message and
nothing is stored.
"""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone, translation

from apps.core.security import form_token
from apps.curation.applications import (
    application_approve,
    application_check,
    application_reject,
    applications_purge,
    organization_proposal,
)
from apps.curation.models import Application, AuditEntry, Proposal, StaffProfile
from apps.curation.services import ProposalError
from apps.curation.tasks import outbox_flush
from apps.directory.models import Channel, Language, Organization, Region, Service, TaxonomyTerm
from apps.directory.models.organizations import PublicationStatus
from tests.curation.conftest import make_staff

SAME_ORIGIN = {"HTTP_ORIGIN": "http://testserver"}
OLD_BROWSER = {"HTTP_ORIGIN": "null"}
ALL_CHECKS = list(Application.CHECKS)


@pytest.fixture
def coordinators(demo):
    return (
        make_staff("coordinator", StaffProfile.Role.COORDINATOR),
        make_staff("coordinator_2", StaffProfile.Role.COORDINATOR),
    )


def application_data(**changes):
    """What a person fills in: one service, kinds, a region and languages from the lists."""
    kinds = TaxonomyTerm.objects.of("service-type").order_by("position")[:2]
    data = {
        "name": "Example Harbour Women's Network",
        "description": "Legal advice and accompaniment for survivors.",
        "website": "https://harbour.example.org",
        "email": "",
        "contact_name": "Amina Example",
        "contact_role": "Director",
        "contact_phone": "+33 1 99 00 12 34",
        "contact_email": "amina@harbour.example.org",
        "references": "Example Regional Network, +33 1 99 00 55 66",
        "criteria": "on",
        "s-TOTAL_FORMS": "3",
        "s-INITIAL_FORMS": "0",
        "s-MIN_NUM_FORMS": "1",
        "s-MAX_NUM_FORMS": "3",
        "s-0-name": "Example Harbour legal line",
        "s-0-kinds": [str(term.pk) for term in kinds],
        "s-0-regions": [str(Region.objects.get(code="FR-IDF").pk)],
        "s-0-languages": [str(Language.objects.get(code=c).pk) for c in ("fra", "ara")],
        "s-0-phone": "+33 1 99 00 12 35",
        "s-0-url": "",
        "s-0-email": "",
        "s-0-fees": "",
    }
    data.update(changes)
    return data


def send(data, *, language="en", headers=SAME_ORIGIN, client=None):
    client = client or Client()
    return client.post(f"/{language}/join/", data, **headers)


def counts():
    return (
        Application.objects.count(),
        Proposal.objects.count(),
        Organization.objects.count(),
        Service.objects.count(),
    )


# --- the public form --------------------------------------------------------------------


def test_the_form_shows_the_criteria_and_sets_no_cookie(demo):
    response = Client().get("/en/join/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Inclusion criteria" in page
    assert "proselytising" in page
    assert "Kind of help" in page
    assert response.cookies == {}


def test_the_form_is_translated(demo):
    page = Client().get("/ar/join/").content.decode()
    assert "معايير الإدراج" in page  # "Inclusion criteria"
    assert "Inclusion criteria" not in page


def test_an_application_lands_in_the_queue_as_proposals_for_a_new_organisation(coordinators):
    before = counts()
    response = send(application_data(), language="fr")
    assert response.status_code == 303
    assert response["Location"] == "/fr/join/sent/"
    assert response.cookies == {}
    application = Application.objects.get()
    assert application.language == "fr"
    assert application.contact_phone == "+33199001234"
    main = organization_proposal(application)
    assert main.action == Proposal.Action.CREATE and main.status == Proposal.Status.PENDING
    assert main.author is None and main.needs_coordinator
    assert main.changes["name_en"] == "Example Harbour Women's Network"
    assert main.changes["description_fr"] == "Legal advice and accompaniment for survivors."
    # The organisation, one service and its one channel; nothing published yet.
    assert application.proposals.count() == 3
    assert counts()[2:] == before[2:]
    # The private contact is nowhere in what would be published.
    for proposal in application.proposals.all():
        assert "amina" not in str(proposal.changes).lower()
        assert "99 00 12 34" not in str(proposal.changes)
    # The coordinators are told, with a link only.
    outbox_flush()
    assert {m.to[0] for m in mail.outbox} == {
        "coordinator@example.org",
        "coordinator_2@example.org",
    }
    assert "Amina" not in mail.outbox[0].body


def test_an_old_browser_needs_the_form_token(coordinators):
    assert send(application_data(), headers=OLD_BROWSER).status_code == 403
    assert Application.objects.count() == 0
    response = send(application_data(ft=form_token()), headers=OLD_BROWSER)
    assert response.status_code == 303
    assert Application.objects.count() == 1


def test_another_site_cannot_send_one(coordinators):
    response = send(application_data(), headers={"HTTP_SEC_FETCH_SITE": "cross-site"})
    assert response.status_code == 403
    assert Application.objects.count() == 0


def test_the_honeypot_stores_nothing(coordinators):
    before = counts()
    response = send(application_data(company="Buy now"))
    assert response.status_code == 303
    assert counts() == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "x" * 5000}, "at most 200 characters"),
        ({"references": "r" * 2001}, "at most 2000 characters"),
        ({"contact_phone": "call me maybe"}, "This is not a phone number"),
        ({"contact_phone": "+4412"}, "phone number"),
        ({"s-0-phone": "12345678901234567890"}, "phone number"),
        ({"name": "Harbour\x07Network"}, "characters we cannot accept"),
        ({"contact_name": "Amina\nExample"}, "characters we cannot accept"),
        ({"s-0-kinds": ["999999"]}, "Choose one of the options offered."),
        ({"s-0-kinds": ["hotline"]}, "Choose one of the options offered."),
        ({"s-0-languages": ["999999"]}, "Choose one of the options offered."),
        ({"s-0-regions": ["999999"]}, "Choose one of the options offered."),
        ({"website": "javascript:alert(1)"}, "Enter a valid URL"),
        ({"website": "ftp://harbour.example.org"}, "Only https://"),
        ({"contact_email": "not-an-email"}, "valid email"),
        ({"criteria": ""}, "Please confirm that you meet the inclusion criteria."),
        ({"s-0-phone": ""}, "Give at least one way for people to reach this service."),
        ({"s-TOTAL_FORMS": "50"}, "at most 3 services"),
        ({"s-TOTAL_FORMS": ""}, "The form was incomplete"),
        ({"s-0-name": ""}, "This field is required."),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_stored(coordinators, changes, message):
    before = counts()
    data = application_data(**changes)
    if changes.get("s-TOTAL_FORMS") == "50":
        for index in range(1, 50):
            for name in ("name", "phone"):
                data[f"s-{index}-{name}"] = data[f"s-0-{name}"]
            for name in ("kinds", "regions", "languages"):
                data[f"s-{index}-{name}"] = data[f"s-0-{name}"]
    response = send(data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Please check the form and send it again." in page
    assert message in page
    assert counts() == before
    # What was refused is not repeated back (SR-20).
    for value in changes.values():
        if isinstance(value, str) and len(value) > 3:
            assert value not in page


def test_bad_input_messages_are_translated(coordinators):
    response = send(application_data(contact_phone="call me maybe", criteria=""), language="es")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Please confirm that you meet the inclusion criteria." not in page
    assert "Confirme que cumple los criterios de inclusión." in page


def test_an_oversized_application_is_not_read(coordinators):
    response = send(application_data(description="d" * 200_000))
    assert response.status_code == 413
    assert "too long to be read" in response.content.decode()
    assert Application.objects.count() == 0


def test_too_many_applications_from_one_place_are_refused(coordinators):
    client = Client()
    statuses = [send(application_data(), client=client).status_code for _ in range(6)]
    assert statuses[:5] == [303] * 5
    assert statuses[5] == 429
    assert Application.objects.count() == 5


# --- vetting and decisions ---------------------------------------------------------------


@pytest.fixture
def application(coordinators):
    with translation.override("ar"):
        assert send(application_data(), language="ar").status_code == 303
    outbox_flush()  # the coordinators' emails
    mail.outbox.clear()
    return Application.objects.get()


def test_approving_needs_the_whole_checklist(application, coordinators):
    first, second = coordinators
    application_check(application=application, by=first, checks=["criteria_met"])
    with pytest.raises(ProposalError, match="vetting checklist"):
        application_approve(application=application, by=second)
    assert Organization.objects.filter(name_en__startswith="Example Harbour").count() == 0
    application.refresh_from_db()
    assert application.criteria_met_by == first and application.criteria_met_at
    assert not application.checklist_complete


def test_one_person_cannot_vet_and_approve_alone(application, coordinators):
    first, second = coordinators
    application_check(application=application, by=first, checks=ALL_CHECKS)
    with pytest.raises(ProposalError, match="Another coordinator"):
        application_approve(application=application, by=first)
    application_approve(application=application, by=second)
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED


def test_partners_cannot_vet_or_decide(application, coordinators):
    partner = make_staff("editor_x", StaffProfile.Role.PARTNER_EDITOR, Organization.objects.first())
    with pytest.raises(PermissionDenied):
        application_check(application=application, by=partner, checks=ALL_CHECKS)
    with pytest.raises(PermissionDenied):
        application_approve(application=application, by=partner)


def test_approval_publishes_through_the_normal_path(application, coordinators):
    first, second = coordinators
    application_check(application=application, by=first, checks=ALL_CHECKS)
    application_approve(application=application, by=second, comment="Called back")
    organization = Organization.objects.get(name_en="Example Harbour Women's Network")
    assert organization.status == PublicationStatus.PUBLISHED
    service = Service.objects.published().get(organization=organization)
    assert sorted(lang.code for lang in service.languages.all()) == ["ara", "fra"]
    assert [area.region.code for area in service.areas.all()] == ["FR-IDF"]
    assert service.terms.count() == 2
    # Vetted today: verified today, next verification by the service's cadence (C4).
    assert service.assured_date == timezone.localdate() and service.verify_by
    channel = Channel.objects.get(service=service)
    assert channel.kind == Channel.Kind.VOICE and channel.number == "+33199001235"
    for proposal in application.proposals.all():
        assert proposal.status == Proposal.Status.APPROVED and proposal.reviewer == second
    # Audited: the checklist items (who), each record's fields, and the decision.
    actions = AuditEntry.objects.values_list("action", flat=True)
    assert list(actions.filter(action="application.checked")) == ["application.checked"] * 3
    assert actions.filter(action="field.changed", target_model="service").exists()
    assert actions.filter(action="application.approved").count() == 1
    # The public page shows it.
    page = Client().get(f"/en/s/{service.pk}/").content.decode()
    assert "Example Harbour legal line" in page
    # The applicant hears, in Arabic.
    outbox_flush()
    assert [m.to for m in mail.outbox] == [["amina@harbour.example.org"]]


def test_rejection_emails_the_applicant_in_their_language(application, coordinators):
    first, _second = coordinators
    application_reject(
        application=application, by=first, reason="unverified", comment="Call us back."
    )
    application.refresh_from_db()
    assert application.status == Application.Status.REJECTED
    assert not Organization.objects.filter(name_en__startswith="Example Harbour").exists()
    assert set(application.proposals.values_list("status", flat=True)) == {"rejected"}
    outbox_flush()
    [email] = mail.outbox
    assert email.to == ["amina@harbour.example.org"]
    with translation.override("ar"):
        reason = str(Application.Reason.UNVERIFIED.label)
    assert (
        reason in email.body and reason != "We could not verify the organisation or its references."
    )
    assert "Call us back." in email.body
    assert "Example Harbour Women's Network" in email.body
    assert re.search("[\u0600-\u06ff]", email.subject)


def test_rejection_needs_a_reason(application, coordinators):
    with pytest.raises(ProposalError, match="reason"):
        application_reject(application=application, by=coordinators[0], reason="")
    assert Application.objects.get().status == Application.Status.PENDING


def test_a_decided_application_cannot_be_decided_again(application, coordinators):
    application_reject(application=application, by=coordinators[0], reason="scope")
    with pytest.raises(ProposalError, match="already been decided"):
        application_check(application=application, by=coordinators[1], checks=ALL_CHECKS)


def test_decided_applications_are_deleted_after_90_days(application, coordinators):
    application_reject(application=application, by=coordinators[0], reason="scope")
    proposals = set(application.proposals.values_list("pk", flat=True))
    assert applications_purge(now=timezone.now() + dt.timedelta(days=89)) == 0
    with time_machine.travel(timezone.now() + dt.timedelta(days=91)):
        assert applications_purge() == 1
    assert not Application.objects.exists()
    # The proposals and the audit trail stay; the private contact is gone.
    assert set(Proposal.objects.filter(pk__in=proposals).values_list("pk", flat=True)) == proposals
    assert AuditEntry.objects.filter(action="application.rejected").exists()


def test_pending_applications_are_kept(application):
    assert applications_purge(now=timezone.now() + dt.timedelta(days=400)) == 0


# --- the review page ---------------------------------------------------------------------


def review_url(proposal, action="change"):
    return f"/en/staff/curation/proposal/{proposal.pk}/{action}/"


def test_the_review_page_shows_the_vetting_contact_to_coordinators_only(
    application, coordinators, staff_client
):
    main = organization_proposal(application)
    page = staff_client(coordinators[0]).get(review_url(main)).content.decode()
    assert "+33199001234" in page and "Vetting checklist" in page
    assert "Example Harbour legal line" in page  # the service it would publish
    partner = make_staff(
        "manager_x", StaffProfile.Role.PARTNER_MANAGER, Organization.objects.first()
    )
    assert staff_client(partner).get(review_url(main)).status_code in (302, 404)


def test_the_checklist_is_saved_from_the_page_with_who_and_when(
    application, coordinators, staff_client
):
    main = organization_proposal(application)
    client = staff_client(coordinators[0])
    response = client.post(
        review_url(main, "checklist"), {"checks": ["criteria_met", "unknown", "contact_verified"]}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.criteria_met_by == coordinators[0] and application.contact_verified_at
    assert not application.checked("references_checked")
    page = client.get(review_url(main)).content.decode()
    assert "The checklist was saved." in page and "Ticked by coordinator" in page


def test_a_part_of_an_application_is_not_decided_on_its_own(
    application, coordinators, staff_client
):
    service_proposal = application.proposals.get(target_model="service")
    client = staff_client(coordinators[0])
    client.post(review_url(service_proposal, "review"), {"decision": "approve"})
    page = client.get(review_url(service_proposal)).content.decode()
    assert "decide on its organisation" in page
    service_proposal.refresh_from_db()
    assert service_proposal.status == Proposal.Status.PENDING


def test_rejecting_from_the_page_without_a_reason_changes_nothing(
    application, coordinators, staff_client
):
    main = organization_proposal(application)
    client = staff_client(coordinators[0])
    client.post(review_url(main, "review"), {"decision": "reject", "reason": "made-up"})
    page = client.get(review_url(main)).content.decode()
    assert "choose a reason for the applicant" in page
    assert Application.objects.get().status == Application.Status.PENDING


def test_the_staff_home_lists_the_application_once(application, coordinators, staff_client):
    page = staff_client(coordinators[0]).get("/en/staff/").content.decode()
    assert "Create organization: Example Harbour Women&#x27;s Network" in page
    assert "Example Harbour legal line" not in page  # its service is decided with it
