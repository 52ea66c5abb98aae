"""Priority numbers (issue 21, item 4): coordinators mark at most three services per
country; they lead the "Get help now" strip and the discreet sheet; a fourth is refused."""

import re

import pytest

from apps.curation.models import AuditEntry
from apps.directory.models import PriorityLine, Region, Service
from tests.directory.factories import national_line

PAGE = "/en/staff/priority/"


@pytest.fixture
def lines(demo):
    return [national_line(f"Example Line {n}", f"+3319900300{n}") for n in range(1, 5)]


def _post(client, service, action, country="FR"):
    data = {"country": country, "service": service.pk, "action": action}
    return client.post(PAGE, data, follow=True)


def test_a_coordinator_marks_three_and_a_fourth_is_refused(staff_client, coordinator, lines):
    client = staff_client(coordinator)
    page = client.get(PAGE, {"country": "FR"}).text
    assert "Priority lines for France (0/3)" in page and "Example Line 4" in page
    for service in lines[:3]:
        response = _post(client, service, "add")
        assert f"{service.name} is now a priority line for France." in response.text
    response = _post(client, lines[3], "add")
    assert "France already has three priority lines. Remove one first." in response.text
    assert list(
        PriorityLine.objects.filter(country__code="FR").values_list("service_id", flat=True)
    ) == [s.pk for s in lines[:3]]
    assert AuditEntry.objects.filter(action="priority_line.added").count() == 3
    # Removing one frees its place; the next takes it.
    assert "is no longer a priority line" in _post(client, lines[1], "remove").text
    _post(client, lines[3], "add")
    assert PriorityLine.objects.get(service=lines[3]).position == 2
    assert AuditEntry.objects.filter(action="priority_line.removed").count() == 1


def test_only_coordinators_mark_priority_lines(staff_client, editor_a, lines):
    client = staff_client(editor_a)
    assert client.get(PAGE, {"country": "FR"}).status_code == 403
    assert (
        client.post(PAGE, {"country": "FR", "service": lines[0].pk, "action": "add"}).status_code
        == 403
    )
    assert not PriorityLine.objects.exists()


def test_a_service_not_serving_the_country_is_refused(staff_client, coordinator, demo):
    us_only = Service.objects.get(name="Example Community Health Clinic")
    response = _post(staff_client(coordinator), us_only, "add")
    assert "This service is not published for this country." in response.text
    assert not PriorityLine.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"country": "XX", "service": "1", "action": "add"},
        {"country": "FR", "service": "abc", "action": "add"},
        {"country": "FR", "service": "1", "action": "promote"},
    ],
)
def test_bad_input_is_refused_plainly(staff_client, coordinator, demo, data):
    response = staff_client(coordinator).post(PAGE, data, follow=True)
    assert response.status_code == 200
    assert "Choose a country and a service from the list." in response.text
    assert not PriorityLine.objects.exists()
    assert staff_client(coordinator).get(PAGE, {"country": "XX"}).status_code == 400


def _strip(page: str) -> list[str]:
    strip = page.split('class="help-now"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'href="tel:(\+\d+)"', strip)


def test_priority_lines_lead_the_strip_on_every_page_of_the_country(
    client, staff_client, coordinator, lines
):
    from apps.core import pagecache

    hotline_number = "+33199001001"
    assert _strip(client.get("/en/r/fr-ara-lyon/").content.decode())[0] == hotline_number
    staff = staff_client(coordinator)
    _post(staff, lines[2], "add")
    _post(staff, lines[0], "add")
    pagecache.purge()  # not needed (the change purges), but the cache is not under test
    strip = _strip(client.get("/en/r/fr-ara-lyon/").content.decode())
    assert strip[:3] == ["+33199003003", "+33199003001", hotline_number]
    assert _strip(client.get("/en/r/fr/").content.decode())[:2] == strip[:2]
    # Another country's strip is its own.
    assert "+33199003003" not in _strip(client.get("/en/r/gb/").content.decode())


def test_priority_lines_lead_the_discreet_sheet_only(demo, lines, coordinator):
    from apps.curation.services import priority_line_add
    from apps.referrals.sheets import build_sheet, sheet_services

    priority_line_add(by=coordinator, country=Region.objects.get(code="FR"), service=lines[1])
    hotline = Service.objects.get(name="Example National Helpline")
    services = sheet_services([hotline.pk, lines[0].pk, lines[1].pk])
    discreet = build_sheet(services, ["en"], discreet=True)
    assert [row.service.pk for row in discreet.rows] == [lines[1].pk, hotline.pk, lines[0].pk]
    assert discreet.rows[0].cells[0].label == "Contact 1"
    plain = build_sheet(services, ["en"], discreet=False)
    assert [row.service.pk for row in plain.rows] == [hotline.pk, lines[0].pk, lines[1].pk]
