"""Building a list without an account, cookie or storage: it travels as ``ids=`` (R1)."""

import re

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from apps.directory.models import Service

from .support import CHAT, CLINIC, HELPLINE, ORIGIN, SHELTER, ids_query, service_pk


def listed(html: str) -> list[int]:
    """Ids ticked in the list form, in page order."""
    form = html[html.index('class="list-form"') :]
    return [int(pk) for pk in re.findall(r'name="ids" value="(\d+)" checked', form)]


def offered(html: str) -> list[int]:
    form = html[html.index('class="list-form"') :]
    return [int(pk) for pk in re.findall(r'name="ids" value="(\d+)">', form)]


def test_the_list_is_read_from_ids_in_order_without_duplicates(client, demo):
    helpline, clinic = service_pk(HELPLINE), service_pk(CLINIC)
    response = client.get(f"/en/list/?{ids_query(clinic, helpline, clinic)}")
    assert response.status_code == 200
    html = response.content.decode()
    assert listed(html) == [clinic, helpline]
    assert "2 services in the list" in html
    # The sheet and code forms carry the same list, in their address.
    assert f'action="/en/list/sheet/?ids={clinic}&amp;ids={helpline}"' in html
    assert f'action="/en/list/code/?ids={clinic}&amp;ids={helpline}"' in html


def test_an_area_offers_its_services_not_yet_in_the_list(client, demo):
    helpline = service_pk(HELPLINE)
    html = client.get(f"/en/list/?ids={helpline}&area=fr-ara-lyon").content.decode()
    assert listed(html) == [helpline]
    reporting = service_pk("Example Illegal Content Reporting Point (France)")  # serves France
    assert set(offered(html)) == {service_pk(SHELTER), service_pk(CHAT), reporting}
    # The area stays chosen, so ticking more and updating keeps the choices in view.
    assert '<input type="hidden" name="area" value="fr-ara-lyon">' in html


def test_ticking_offered_services_adds_them(client, demo):
    helpline, shelter = service_pk(HELPLINE), service_pk(SHELTER)
    html = client.get(f"/en/list/?ids={helpline}&ids={shelter}&area=fr").content.decode()
    assert listed(html) == [helpline, shelter]
    assert shelter not in offered(html)


def test_search_offers_matches_by_post_and_keeps_the_words_out_of_addresses(client, demo):
    helpline = service_pk(HELPLINE)
    response = client.post(f"/en/list/?ids={helpline}", {"q": "immigration"}, **ORIGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert listed(html) == [helpline]
    assert service_pk(CLINIC) in offered(html)
    for address in re.findall(r'(?:href|action)="([^"]*)"', html):
        assert "immigration" not in address


def test_search_needs_the_same_origin(client, demo):
    response = client.post("/en/list/", {"q": "help"}, HTTP_ORIGIN="https://elsewhere.example")
    assert response.status_code == 403


def test_unpublished_services_are_dropped_silently(client, demo):
    helpline, shelter = service_pk(HELPLINE), service_pk(SHELTER)
    Service.objects.filter(pk=shelter).update(status="draft")
    html = client.get(f"/en/list/?{ids_query(shelter, helpline, 999999)}").content.decode()
    assert listed(html) == [helpline]
    assert "Shelter" not in html


def test_unknown_parameters_are_ignored(client, demo):
    helpline = service_pk(HELPLINE)
    response = client.get(f"/en/list/?ids={helpline}&status=draft&id__gt=0&_connector=OR")
    assert response.status_code == 200
    assert listed(response.content.decode()) == [helpline]


@pytest.mark.parametrize(
    "query",
    [
        "ids=abc",
        "ids=-1",
        "ids=0",
        "ids=1.5",
        "ids=1%E2%80%AE",  # a right-to-left override after the digit
        "ids=%EF%BC%91",  # a full-width digit one
        "ids=99999999999999999999999",
        "&".join(f"ids={n}" for n in range(1, 52)),  # 51 different services
        "area=zz-nowhere",
        "area=%27%3B%20DROP%20TABLE%20x",
    ],
)
def test_unreadable_lists_get_a_clear_400_not_a_500(client, demo, query):
    response = client.get(f"/en/list/?{query}")
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()


def test_ten_thousand_ids_are_refused_before_reaching_the_database(
    client, demo, django_assert_max_num_queries
):
    query = "&".join(f"ids={n}" for n in range(1, 10_002))
    with django_assert_max_num_queries(1):
        assert client.get(f"/en/list/?{query}").status_code == 400
    assert client.post(f"/en/list/code/?{query}", **ORIGIN).status_code == 400
    assert client.post(f"/en/list/sheet/?{query}", {"language": "en"}, **ORIGIN).status_code == 400


def test_fifty_services_fit_in_a_list(client, demo):
    query = "&".join(f"ids={n}" for n in range(1, 51))
    assert client.get(f"/en/list/?{query}").status_code == 200


def test_the_add_to_list_button_keeps_the_list_already_in_the_address(demo):
    service = Service.objects.get(name_en=CLINIC)
    request = RequestFactory().get("/en/r/fr/", {"ids": ["101", "102", "x"], "free": "on"})
    html = render_to_string("referrals/_add_to_list.html", {"service": service, "request": request})
    # Adding reloads the same page with a longer list, so Back never loses a pick.
    assert f'method="get" action="#svc-{service.pk}"' in html
    # An unreadable list in the address is dropped (base.html says so), and with it the
    # rest of that address.
    assert re.findall(r'name="ids" value="(\d+)"', html) == [str(service.pk)]
    request = RequestFactory().get("/en/r/fr/", {"ids": ["101", "102"], "free": "on"})
    html = render_to_string("referrals/_add_to_list.html", {"service": service, "request": request})
    assert re.findall(r'name="ids" value="(\d+)"', html) == ["101", "102", str(service.pk)]
    assert '<input type="hidden" name="free" value="on">' in html  # the filters stay
    assert f'aria-describedby="svc-{service.pk}"' in html
    request = RequestFactory().get("/en/r/fr/", {"ids": ["101", str(service.pk)]})
    html = render_to_string("referrals/_add_to_list.html", {"service": service, "request": request})
    assert "<form" not in html and "In your list" in html
