"""Send a list from the caseworker's own phone, and the compact one-page sheet (issue #21,
item 5): sms: and mailto: links carrying the reference code's address in the person's
language, plainly or discreetly, with nothing sent or stored by Waymark."""

import datetime as dt
import re
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.conf import settings
from django.utils import timezone

from apps.referrals.models import ReferenceCode

from .support import CLINIC, HELPLINE, SHELTER, article, make_code, post_sheet, service_pk


def links(html):
    hrefs = [unescape(h) for h in re.findall(r'href="((?:sms|mailto):[^"]*)"', html)]
    sms = next(h for h in hrefs if h.startswith("sms:"))
    mailto = next(h for h in hrefs if h.startswith("mailto:"))
    return sms, mailto


def sms_body(href):
    assert href.startswith("sms:?&body="), href  # read by both iOS and Android
    encoded = href.removeprefix("sms:?&body=")
    assert "+" not in encoded and " " not in encoded  # spaces as %20, never "+"
    return unquote(encoded)


def mail_parts(href):
    query = parse_qs(urlsplit(href).query)
    return query["subject"][0], query["body"][0]


@pytest.fixture
def code(client, demo):
    return make_code(client, [service_pk(HELPLINE), service_pk(CLINIC)])


def test_the_links_carry_the_codes_address_in_the_persons_language(client, code):
    before = ReferenceCode.objects.count()
    response = client.get(f"/en/list/{code}/send/?language=ar")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    sms, mailto = links(response.content.decode())
    body = sms_body(sms)
    assert f"http://testserver/ar/list/{code}/" in body
    assert "هذه هي الخدمات التي تحدثنا عنها" in body and f"{code[:5]}-{code[5:]}" in body
    subject, mail_body = mail_parts(mailto)
    assert subject == "خدمات يمكن أن تساعد"  # the sheet's own heading, in Arabic
    assert f"http://testserver/ar/list/{code}/" in mail_body and "\r\n" in mail_body
    assert ReferenceCode.objects.count() == before  # nothing new is stored


def test_the_discreet_wording_says_nothing_of_what_the_link_is_for(client, code):
    html = client.get(f"/en/list/{code}/send/?language=fr&discreet=on").content.decode()
    sms, mailto = links(html)
    body = sms_body(sms)
    assert (
        body
        == f"Voici le lien dont nous avons parlé :\nhttp://testserver/fr/list/{code}/?discreet=1"
    )
    subject, mail_body = mail_parts(mailto)
    assert subject == "Contacts utiles"
    for word in ("service", "aide", "code"):
        assert word not in (subject + mail_body.split("http")[0]).lower()
    # The address itself opens the discreet version of the list.
    page = client.get(f"/fr/list/{code}/?discreet=1").content.decode()
    assert "Ligne nationale d’exemple" not in article(page)


def test_the_page_offers_the_choices_and_opens_from_the_code_page(client, code):
    page = client.get(f"/en/list/{code}/").content.decode()
    assert f'href="/en/list/{code}/send/"' in page
    html = client.get(f"/en/list/{code}/send/").content.decode()
    assert "Language of the message" in html and "Discreet wording" in html
    sms, _mailto = links(html)
    assert f"http://testserver/en/list/{code}/" in sms_body(sms)  # the interface language
    assert client.get(f"/en/list/{code}/send/?page=2").status_code == 200  # ignored


@pytest.mark.parametrize("query", ["language=xx", "language=", "language=ar&language=<b>"])
def test_a_bad_choice_is_a_translated_400(client, code, query):
    response = client.get(f"/fr/list/{code}/send/?{query}")
    assert response.status_code == 400
    assert "Certains choix n’étaient pas valides" in response.content.decode()


def test_unknown_and_expired_codes_give_nothing_to_send(client, code):
    assert client.get("/en/list/BBBBBBBBBB/send/").status_code == 404
    ReferenceCode.objects.filter(code=code).update(expires_at=timezone.now() - dt.timedelta(1))
    response = client.get(f"/en/list/{code}/send/?language=ar")
    assert response.status_code == 410 and "sms:" not in response.content.decode()


def test_sending_is_get_only(client, code):
    assert client.post(f"/en/list/{code}/send/", {"language": "ar"}).status_code == 405


# --- the compact sheet ---------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["a4", "letter"])
def test_a_compact_sheet_holds_up_to_six_services_on_one_page(client, pks, layout):
    response = post_sheet(client, pks[:6], layout=layout)
    assert response.status_code == 200
    sheet = article(response.content.decode())
    assert f"sheet-compact sheet-{layout}" in sheet
    assert sheet.count('class="sheet-row sheet-entry"') == 6
    assert "What they offer" not in sheet  # descriptions make way for the contacts


def test_more_than_six_services_on_a_compact_sheet_is_explained(client, pks):
    response = post_sheet(client, pks[:7], layout="a4")
    assert response.status_code == 400
    html = response.content.decode()
    assert "A compact sheet holds at most 6 services and this list has 7." in html
    assert "<article" not in html
    french = post_sheet(client, pks[:7], interface="fr", layout="letter").content.decode()
    assert "Une fiche compacte contient au plus 6 services et cette liste en a 7." in french


def test_the_standard_sheet_is_unchanged_and_a_bad_layout_is_a_400(client, pks):
    standard = article(post_sheet(client, pks).content.decode())
    assert "sheet-compact" not in standard and "What they offer" in standard
    assert post_sheet(client, pks[:2], layout="a3").status_code == 400


def test_a_code_sheet_can_be_compact_too(client, demo):
    code = make_code(client, [service_pk(SHELTER), service_pk(CLINIC)])
    response = post_sheet(client, [], code=code, layout="letter")
    assert response.status_code == 200
    assert "sheet-compact sheet-letter" in response.content.decode()


def test_the_compact_pages_are_a4_and_letter():
    css = (Path(settings.BASE_DIR) / "apps/core/static_site/core/site.css").read_text()
    assert re.search(r"@page compact-a4\s*{\s*size:\s*A4;", css)
    assert re.search(r"@page compact-letter\s*{\s*size:\s*letter;", css)
    assert "body:has(.sheet-a4) { page: compact-a4; }" in css
    assert "body:has(.sheet-letter) { page: compact-letter; }" in css
