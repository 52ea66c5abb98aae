"""Reference codes and QR codes that reopen a list for a limited time (R4)."""

import datetime as dt
import re
from io import StringIO
from itertools import pairwise

import segno
import time_machine
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from apps.directory.models import Service
from apps.referrals.models import ALPHABET, CODE_LENGTH, ReferenceCode, normalise_code
from apps.referrals.services import reference_code_create, reference_codes_purge

from .support import (
    CLINIC,
    HELPLINE,
    ORIGIN,
    SHELTER,
    article,
    ids_query,
    make_code,
    post_sheet,
    service_pk,
)

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)


def test_a_code_stores_only_the_service_ids_and_the_expiry(client, demo):
    helpline, clinic, shelter = service_pk(HELPLINE), service_pk(CLINIC), service_pk(SHELTER)
    Service.objects.filter(pk=shelter).update(status="draft")
    with time_machine.travel(NOW, tick=False):
        code = make_code(client, [clinic, shelter, helpline, clinic, 999999])
    columns = {
        column.name
        for column in connection.introspection.get_table_description(
            connection.cursor(), ReferenceCode._meta.db_table
        )
    }
    assert columns == {"code", "service_ids", "expires_at"}
    row = ReferenceCode.objects.values().get()
    assert row == {
        "code": code,
        # Published services only, in the list's order, once each.
        "service_ids": [clinic, helpline],
        "expires_at": NOW + dt.timedelta(days=30),
    }


def test_codes_are_random_readable_and_never_sequential(demo):
    helpline = service_pk(HELPLINE)
    codes = [reference_code_create(service_ids=[helpline]).code for _ in range(300)]
    assert len(set(codes)) == len(codes)
    assert all(len(code) == CODE_LENGTH and set(code) <= set(ALPHABET) for code in codes)
    # No vowels (a code never spells a word) and no 0/O or 1/I/L to misread.
    assert not set("".join(codes)) & set("AEIOUY01L")
    # Consecutive codes share almost nothing, position by position.
    same = [sum(a == b for a, b in zip(x, y, strict=True)) for x, y in pairwise(codes)]
    assert sum(same) / len(same) < 1.5
    assert sorted(codes) != codes
    # Every symbol of the alphabet turns up in every position over a few hundred codes.
    for position in range(CODE_LENGTH):
        assert len({code[position] for code in codes}) > len(ALPHABET) * 0.8


def test_a_code_reopens_the_same_list_in_the_language_of_the_address(client, demo):
    helpline, clinic = service_pk(HELPLINE), service_pk(CLINIC)
    code = make_code(client, [clinic, helpline])
    response = client.get(f"/ar/list/{code}/")
    assert response.status_code == 200
    sheet = article(response.content.decode())
    assert 'lang="ar" dir="rtl"' in sheet
    assert sheet.index("عيادة قانونية وهجرة") < sheet.index("خط المساعدة الوطني التجريبي")
    assert f"{code[:5]}-{code[5:]}" in sheet
    # The caseworker can print it, or start a new list from it.
    html = response.content.decode()
    assert f'action="/ar/list/sheet/?{ids_query(clinic, helpline).replace("&", "&amp;")}"' in html
    assert f'name="code" value="{code}"' in html


def test_a_typed_code_opens_whatever_its_case_and_dashes(client, demo):
    code = make_code(client, [service_pk(HELPLINE)])
    typed = f" {code[:5].lower()}-{code[5:]} "
    response = client.get("/fr/list/open/", {"code": typed})
    assert response.status_code == 303 and response["Location"] == f"/fr/list/{code}/"
    assert client.get(f"/fr/list/{code.lower()}/").status_code == 200
    assert normalise_code("BCDFG23456") == "BCDFG23456"
    assert normalise_code("ABCDE12345") is None  # vowels and 1 are never in a code


def test_an_expired_code_says_so_plainly(client, demo):
    with time_machine.travel(NOW, tick=False):
        code = make_code(client, [service_pk(HELPLINE)])
    with time_machine.travel(NOW + dt.timedelta(days=29, hours=23), tick=False):
        assert client.get(f"/en/list/{code}/").status_code == 200
    with time_machine.travel(NOW + dt.timedelta(days=30), tick=False):
        response = client.get(f"/en/list/{code}/")
        assert response.status_code == 410
        html = response.content.decode()
        assert "This list has expired" in html
        assert "Example National Helpline" not in html and "+33" not in html
        # An expired code cannot put its list on a sheet either.
        sheet = post_sheet(client, [service_pk(CLINIC)], code=code).content.decode()
        assert "Example Legal and Immigration Clinic" in sheet and code not in sheet


def test_an_unknown_code_is_a_404(client, demo):
    for path in ("/en/list/BBBBBBBBBB/", "/en/list/AAAAAAAAAA/", "/en/list/open/?code=nope"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "No list has this code" in response.content.decode()


def test_purging_deletes_expired_codes_only(demo):
    helpline = service_pk(HELPLINE)
    old = reference_code_create(service_ids=[helpline], now=NOW - dt.timedelta(days=31))
    fresh = reference_code_create(service_ids=[helpline], now=NOW)
    with time_machine.travel(NOW, tick=False):
        out = StringIO()
        call_command("purge_reference_codes", stdout=out)
    assert "Deleted 1 expired reference code" in out.getvalue()
    assert list(ReferenceCode.objects.values_list("code", flat=True)) == [fresh.code]
    assert not ReferenceCode.objects.filter(code=old.code).exists()
    with time_machine.travel(NOW + dt.timedelta(days=31), tick=False):
        assert reference_codes_purge() == 1
    assert not ReferenceCode.objects.exists()


def test_a_service_unpublished_after_the_code_was_made_disappears_from_it(client, demo):
    helpline, clinic = service_pk(HELPLINE), service_pk(CLINIC)
    code = make_code(client, [helpline, clinic])
    Service.objects.filter(pk=clinic).update(status="archived")
    html = client.get(f"/en/list/{code}/").content.decode()
    assert "Example National Helpline" in html
    assert "Example Legal and Immigration Clinic" not in html


def test_making_a_code_needs_the_same_origin_and_a_list(client, demo):
    helpline = service_pk(HELPLINE)
    assert client.post(f"/en/list/code/?ids={helpline}").status_code == 403
    assert client.get(f"/en/list/code/?ids={helpline}").status_code == 405
    Service.objects.filter(pk=helpline).update(status="draft")
    assert client.post(f"/en/list/code/?ids={helpline}", **ORIGIN).status_code == 400
    assert client.post("/en/list/code/", **ORIGIN).status_code == 400
    assert not ReferenceCode.objects.exists()


def qr_in(html: str) -> str:
    return re.search(r'<div class="sheet-qr">(.*?)</div>', html, re.S).group(1)


def expected_qr(url: str, title: str) -> str:
    return segno.make(url, error="m", micro=False).svg_inline(
        scale=4, border=4, omitsize=True, svgclass="sheet-qr-image", title=title
    )


def test_the_qr_code_is_an_inline_svg_of_the_codes_own_address(client, demo):
    code = make_code(client, [service_pk(HELPLINE)])
    html = client.get(f"/en/list/{code}/").content.decode()
    svg = qr_in(html)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg == expected_qr(
        f"http://testserver/en/list/{code}/", "QR code that opens this list again"
    )
    # Drawn here: nothing to fetch, and nothing the style-src 'self' policy would block.
    for forbidden in ("style", "href", "http", "<image", "<script", "url("):
        assert forbidden not in svg
    discreet = qr_in(client.get(f"/en/list/{code}/?discreet=1").content.decode())
    assert discreet == expected_qr(
        f"http://testserver/en/list/{code}/?discreet=1", "QR code that opens this list again"
    )


def test_a_sheet_made_from_a_code_carries_the_code_in_the_sheets_language(client, demo):
    helpline, clinic = service_pk(HELPLINE), service_pk(CLINIC)
    code = make_code(client, [clinic])
    # The address still names the helpline; the code's own list wins.
    response = post_sheet(client, [helpline], language="fr", second_language="en", code=code)
    sheet = article(response.content.decode())
    assert "Permanence juridique et droit des étrangers" in sheet
    assert "Ligne nationale d’exemple" not in sheet
    assert f"{code[:5]}-{code[5:]}" in sheet
    assert f"http://testserver/fr/list/{code}/" in sheet
    title = "QR code that opens this list again"  # French catalogue may translate it
    svg = qr_in(sheet)
    assert svg.replace(re.search(r"<title>(.*?)</title>", svg).group(1), title) == expected_qr(
        f"http://testserver/fr/list/{code}/", title
    )
    expiry = ReferenceCode.objects.get(code=code).expires_at
    assert expiry > timezone.now() + dt.timedelta(days=29)


def test_a_discreet_sheet_hides_the_address_behind_the_qr_code(client, demo):
    code = make_code(client, [service_pk(HELPLINE)])
    sheet = article(post_sheet(client, [], code=code, discreet="on").content.decode())
    assert "http://testserver" not in sheet
    assert "<svg" in sheet


def test_the_daily_task_purges_expired_codes(demo):
    from apps.referrals.tasks import purge_reference_codes

    reference_code_create(service_ids=[service_pk(HELPLINE)], now=NOW - dt.timedelta(days=40))
    with time_machine.travel(NOW, tick=False):
        assert purge_reference_codes.apply().get() == 1
        assert purge_reference_codes.apply().get() == 0
    assert not ReferenceCode.objects.exists()


def test_the_reopened_list_takes_the_same_number_of_queries_however_long(
    client, demo, django_assert_num_queries
):
    pks = list(Service.objects.values_list("pk", flat=True))
    short, long = make_code(client, pks[:1]), make_code(client, pks)
    client.get(f"/en/list/{short}/")  # warm the demo-banner cache
    # The code, then the services with everything the sheet shows (see test_sheets).
    for code in (short, long):
        with django_assert_num_queries(11):
            assert client.get(f"/en/list/{code}/").status_code == 200
