"""The staff area as partners and coordinators use it (C1, C2, SR-6, SR-7, SR-15)."""

import re

import pytest

from apps.curation.models import AuditEntry, Proposal
from apps.directory.models import Channel, Region, Service, ServiceArea
from apps.directory.models.organizations import PublicationStatus


def listing(organization, name, number):
    service = Service.objects.create(
        organization=organization,
        name_en=name,
        status=PublicationStatus.PUBLISHED,
        time_zone="Europe/Paris",
    )
    france = Region.objects.get_or_create(code="FR", defaults={"kind": "country"})[0]
    ServiceArea.objects.create(service=service, scope="region", region=france)
    Channel.objects.create(service=service, kind="voice", number=number)
    return service


@pytest.fixture
def listings(partner_a, partner_b):
    return (
        listing(partner_a, "Alpha line", "+33199001111"),
        listing(partner_b, "Bravo line", "+33199002222"),
    )


def test_partners_see_only_their_own_listings_everywhere(staff_client, editor_a, listings):
    """SR-15: lists, search, change pages, history and autocomplete."""
    alpha, bravo = listings
    client = staff_client(editor_a)
    services = client.get("/en/staff/directory/service/").content.decode()
    assert "Alpha line" in services and "Bravo line" not in services
    search = client.get("/en/staff/directory/service/?q=Bravo").content.decode()
    assert "Bravo line" not in search
    assert client.get(f"/en/staff/directory/service/{bravo.pk}/change/").status_code in (302, 404)
    assert client.get(f"/en/staff/directory/service/{bravo.pk}/history/").status_code in (403, 404)
    channels = client.get("/en/staff/directory/channel/").content.decode()
    assert "+33199001111" in channels and "+33199002222" not in channels
    autocomplete = client.get(
        "/en/staff/autocomplete/",
        {
            "app_label": "directory",
            "model_name": "channel",
            "field_name": "service",
            "term": "line",
        },
    )
    assert "Bravo" not in autocomplete.content.decode()


def test_a_partner_edit_in_the_admin_becomes_a_proposal(
    staff_client, editor_a, manager_a, listings, visitor
):
    alpha, _bravo = listings
    client = staff_client(editor_a)
    page = client.get(f"/en/staff/directory/service/{alpha.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update(
        {
            "organization": alpha.organization_id,
            "name_en": "Alpha line",
            "description_en": "Free advice, day and night.",
            "time_zone": "Europe/Paris",
            "regions": [Region.objects.get(code="FR").pk],
        }
    )
    response = client.post(f"/en/staff/directory/service/{alpha.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    proposal = Proposal.objects.get()
    assert proposal.author == editor_a and proposal.changes == {
        "description_en": "Free advice, day and night."
    }
    assert "Free advice" not in visitor.get(f"/en/s/{alpha.pk}/").content.decode()
    review = staff_client(manager_a)
    response = review.post(
        f"/en/staff/curation/proposal/{proposal.pk}/review/", {"decision": "approve"}
    )
    assert response.status_code == 302
    assert "Free advice" in visitor.get(f"/en/s/{alpha.pk}/").content.decode()
    actions = list(
        AuditEntry.objects.filter(proposal=proposal).order_by("pk").values_list("action", "field")
    )
    assert actions[0] == ("proposal.submitted", "")
    assert ("field.changed", "description_en") in actions


def test_the_author_sees_no_approve_button_and_cannot_force_it(
    staff_client, editor_a, coordinator, listings
):
    alpha, _bravo = listings
    from apps.curation.services import proposal_submit

    proposal = proposal_submit(
        by=coordinator, model=Service, instance=alpha, values={"name_en": "Renamed"}
    )
    client = staff_client(coordinator)
    page = client.get(f"/en/staff/curation/proposal/{proposal.pk}/change/").content.decode()
    assert 'value="approve"' not in page
    client.post(f"/en/staff/curation/proposal/{proposal.pk}/review/", {"decision": "approve"})
    assert Proposal.objects.get(pk=proposal.pk).status == Proposal.Status.PENDING


def test_a_number_change_shows_look_alike_characters_to_the_reviewer(
    staff_client, editor_a, coordinator, listings
):
    from apps.curation.services import proposal_submit

    alpha, _bravo = listings
    channel = alpha.channels.get()
    proposal = proposal_submit(
        by=editor_a, model=Channel, instance=channel, values={"url": "https://exаmple.org/"}
    )  # Cyrillic а
    page = (
        staff_client(coordinator)
        .get(f"/en/staff/curation/proposal/{proposal.pk}/change/")
        .content.decode()
    )
    assert "U+0430 CYRILLIC SMALL LETTER A" in page
    assert proposal.needs_coordinator


def test_partners_cannot_delete_only_propose_archiving(staff_client, editor_a, listings):
    alpha, _bravo = listings
    client = staff_client(editor_a)
    assert client.get(f"/en/staff/directory/service/{alpha.pk}/delete/").status_code in (302, 403)
    client.post(
        "/en/staff/directory/service/",
        {"action": "propose_archive", "_selected_action": [alpha.pk]},
    )
    assert Service.objects.filter(pk=alpha.pk, status="published").exists()
    assert Proposal.objects.filter(action="archive", target_id=alpha.pk).exists()


def test_bulk_archive_of_another_partners_listing_is_impossible(staff_client, editor_a, listings):
    _alpha, bravo = listings
    staff_client(editor_a).post(
        "/en/staff/directory/service/",
        {"action": "propose_archive", "_selected_action": [bravo.pk]},
    )
    assert not Proposal.objects.filter(target_id=bravo.pk).exists()


def test_coordinator_overview_lists_pending_and_overdue(
    staff_client, coordinator, editor_a, listings
):
    import datetime as dt

    from apps.curation.services import proposal_submit

    alpha, bravo = listings
    Service.objects.filter(pk=bravo.pk).update(verify_by=dt.date(2020, 1, 1))
    proposal_submit(by=editor_a, model=Service, instance=alpha, values={"name_en": "Alpha 2"})
    page = staff_client(coordinator).get("/en/staff/curation/proposal/overview/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Alpha line" in html or "Edit service" in html
    assert "Bravo line" in html
    assert re.search(r"Waiting for review \(1\)", html)


def test_partners_cannot_open_the_overview(staff_client, editor_a):
    assert staff_client(editor_a).get("/en/staff/curation/proposal/overview/").status_code == 403
