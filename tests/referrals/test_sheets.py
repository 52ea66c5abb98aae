"""The referral sheet: client's language, bilingual, discreet, printed note (R2, R3)."""

import logging
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from apps.core.sensitive_words import find_sensitive
from apps.directory.models import Channel, Organization, Service

from .support import (
    CHAT,
    CLINIC,
    COUNSELLING,
    HEALTH,
    HELPLINE,
    HOUSING,
    ORIGIN,
    SHELTER,
    article,
    ids_query,
    post_sheet,
    service_pk,
    text_of,
)


def cells(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<div class="sheet-cell" lang="([\w-]+)" dir="(\w+)">', html)


def test_sheet_in_arabic_from_an_english_interface(client, demo):
    response = post_sheet(client, [service_pk(HELPLINE)], language="ar", interface="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en" dir="ltr">' in html  # the caseworker's page stays English
    sheet = article(html)
    assert sheet.startswith('<article class="sheet" lang="ar" dir="rtl"')
    assert set(cells(sheet)) == {("ar", "rtl")}
    assert "خط المساعدة الوطني التجريبي" in sheet  # the service's Arabic name
    assert "طريقة التواصل" in sheet  # "How to contact them"
    assert "هاتف" in sheet  # "Phone"
    assert "الاثنين" in sheet  # Monday, for the SMS line's hours
    assert "Example National Helpline" not in sheet
    # Numbers keep their left-to-right order inside right-to-left text.
    assert '<span dir="ltr" class="number">+33 1 99 00 10 01</span>' in sheet


def test_bilingual_sheet_shows_the_caseworkers_language_beside_the_clients(client, demo):
    html = post_sheet(
        client, [service_pk(HELPLINE)], language="fa", second_language="fr"
    ).content.decode()
    sheet = article(html)
    assert 'class="sheet sheet-bilingual" lang="fa" dir="rtl"' in sheet
    entry = sheet[sheet.index('class="sheet-row sheet-entry"') :]
    assert cells(entry) == [("fa", "rtl"), ("fr", "ltr")]
    assert "Ligne nationale d’exemple" in entry
    # Persian has no content of its own here: it falls back to English (not Arabic, which
    # most Persian and Dari readers do not read), and says so.
    persian = entry[: entry.index('lang="fr"')]
    assert '<bdi lang="en" dir="ltr">Example National Helpline</bdi>' in persian
    assert "خط المساعدة الوطني التجريبي" not in persian
    assert "shown-in" in persian
    assert "Téléphone" in entry


def test_choosing_the_same_language_twice_gives_one_column(client, demo):
    html = post_sheet(client, [service_pk(HELPLINE)], language="es", second_language="es")
    sheet = article(html.content.decode())
    assert "sheet-bilingual" not in sheet
    assert set(cells(sheet)) == {("es", "ltr")}


def test_numbers_are_given_in_international_and_national_format(client, demo):
    sheet = article(post_sheet(client, [service_pk(HELPLINE), service_pk(HEALTH)]).content.decode())
    assert 'href="tel:+33199001001"' in sheet
    assert ">+33 1 99 00 10 01<" in sheet and ">01 99 00 10 01<" in sheet
    assert "Within France:" in sheet
    assert ">+1 212-555-0142<" in sheet and ">(212) 555-0142<" in sheet
    assert "Within United States:" in sheet
    assert 'href="sms:+33199001002"' in sheet


def test_hours_languages_and_exceptions_are_on_the_sheet(client, demo, settings):
    import time_machine

    with time_machine.travel("2026-12-10 12:00 +0000", tick=False):
        sheet = article(
            post_sheet(client, [service_pk(HELPLINE), service_pk(COUNSELLING)]).content.decode()
        )
    assert "Open 24 hours, 7 days a week." in sheet
    assert "Every day:" in sheet  # the SMS line, 9 to 9 every day
    assert "Monday–Friday:" in sheet
    assert "Languages: Arabic, English, French" in sheet
    assert "Closed on public holidays." in sheet
    assert "December 24, 2026:" in sheet and "Christmas Eve: shorter hours" in sheet
    assert "Hours are local time (United Kingdom Time)." in sheet


def test_only_public_addresses_are_shown(client, demo):
    pks = [service_pk(name) for name in (CLINIC, SHELTER, HOUSING)]
    sheet = article(post_sheet(client, pks).content.decode())
    assert "1 place de la Démonstration" in sheet
    assert '75011 <bdi translate="no">Paris</bdi>' in sheet
    assert "East Bay" in sheet  # a region-only place shows its public area
    for secret in ("rue de l’Exemple", "69000", "Safe house", "Hidden Example Way", "Oakland"):
        assert secret not in sheet


def test_discreet_sheet_names_no_service_and_says_nothing_of_its_purpose(client, pks):
    for language in ("en", "fr", "ar", "es"):
        response = post_sheet(client, pks, language=language, second_language="en", discreet="on")
        sheet = article(response.content.decode())
        text = text_of(sheet)
        assert not find_sensitive(text, language), language
        assert not find_sensitive(text, "en"), language
        assert "Useful contacts" in sheet
        assert "Contact 1" in sheet and f"Contact {len(pks)}" in sheet
        for service in Service.objects.all():
            for code, _name in settings.LANGUAGES:
                for field in ("name", "description"):
                    value = getattr(service, f"{field}_{code.replace('-', '_')}")
                    assert not value or value not in sheet, (language, value)
        for organisation in Organization.objects.all():
            assert organisation.name_en not in sheet and organisation.name_fr not in sheet
        assert "Intake line" not in sheet and "Example Rights Centre office" not in sheet
        # What the person needs to reach them stays.
        assert ">+33 1 99 00 10 10<" in sheet and "https://chat.example.net/" in sheet


def test_discreet_sheet_leaves_out_a_web_address_that_reveals_the_purpose(client, demo):
    chat = Service.objects.get(name_en=CHAT)
    Channel.objects.filter(service=chat).update(url="https://stop-trafficking.example.org/")
    html = post_sheet(client, [chat.pk], discreet="on").content.decode()
    assert "stop-trafficking" not in html
    assert "left out because it shows what the service is for" in html
    html = post_sheet(client, [chat.pk]).content.decode()
    assert "https://stop-trafficking.example.org/" in article(html)


def all_database_text() -> str:
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def test_the_note_is_printed_but_never_stored_nor_logged(client, pks, caplog):
    caplog.set_level(logging.DEBUG)
    note = "Call Ms Qxzvy on Monday <b>bring papers</b>\nZqnote-7781"
    code = client.post(f"/en/list/code/?{ids_query(*pks)}", **ORIGIN)["Location"].split("/")[-2]
    response = post_sheet(client, pks, language="fr", note=note, code=code)
    assert response.status_code == 200
    sheet = article(response.content.decode())
    assert "Call Ms Qxzvy on Monday &lt;b&gt;bring papers&lt;/b&gt;<br>Zqnote-7781" in sheet
    assert "Qxzvy" not in all_database_text() and "Zqnote" not in all_database_text()
    assert "Qxzvy" not in caplog.text and "Zqnote" not in caplog.text
    assert not response.cookies and not client.cookies


def test_the_note_never_reaches_an_address(client, demo):
    response = post_sheet(client, [service_pk(HELPLINE)], note="Zqnote-7781")
    for address in re.findall(r'(?:href|action)="([^"]*)"', response.content.decode()):
        assert "Zqnote" not in address


def test_an_overlong_note_is_refused_with_a_400_and_kept_in_the_form(client, demo):
    response = post_sheet(client, [service_pk(HELPLINE)], note="x" * 1001)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error"' in html
    assert "<article" not in html
    assert "x" * 1001 in html  # the caseworker's text is not lost (this response only)


def test_direction_controls_are_taken_out_of_the_note(client, demo):
    note = "\u202eesrever\u202c and \u2066isolated\u2069 \x07bell"
    response = post_sheet(client, [service_pk(HELPLINE)], note=note)
    assert response.status_code == 200
    sheet = article(response.content.decode())
    assert "esrever and isolated bell" in sheet
    assert not re.search("[\u202a-\u202e\u2066-\u2069\x07]", sheet)


@pytest.mark.parametrize(
    "fields",
    [
        {"language": "xx"},
        {"language": "en", "second_language": "klingon"},
        {"language": ""},
        {"language": "en", "note": "\x00"},
        {"language": "en", "code": "not a code at all!!"},
    ],
)
def test_bad_sheet_options_get_a_400_not_a_500(client, demo, fields):
    response = client.post(f"/en/list/sheet/?ids={service_pk(HELPLINE)}", fields, **ORIGIN)
    assert response.status_code in (200, 400)
    if "code" not in fields:
        assert response.status_code == 400


def test_a_sheet_of_nothing_is_a_400(client, demo):
    draft = service_pk(SHELTER)
    Service.objects.filter(pk=draft).update(status="archived")
    for query in ("", f"?ids={draft}", "?ids=999999"):
        response = client.post(f"/en/list/sheet/{query}", {"language": "en"}, **ORIGIN)
        assert response.status_code == 400


def test_the_sheet_is_post_only_a_get_goes_back_to_the_list(client, demo):
    helpline = service_pk(HELPLINE)
    response = client.get(f"/fr/list/sheet/?ids={helpline}")
    assert response.status_code == 303
    assert response["Location"] == f"/fr/list/?ids={helpline}"


def test_a_sheet_from_another_site_is_refused(client, demo):
    response = client.post(
        f"/en/list/sheet/?ids={service_pk(HELPLINE)}",
        {"language": "en", "note": "x"},
        HTTP_ORIGIN="https://elsewhere.example",
    )
    assert response.status_code == 403
    response = client.post(f"/en/list/sheet/?ids={service_pk(HELPLINE)}", {"language": "en"})
    assert response.status_code == 403  # no Origin at all: a script, not a browser


@pytest.mark.parametrize("second", ["", "en"])
def test_the_sheet_takes_the_same_number_of_queries_for_one_service_or_all(
    client, pks, second, django_assert_num_queries
):
    post_sheet(client, pks[:1])  # warm the demo-banner cache
    # Services, then their types, languages, channels (with languages, hours and dated
    # exceptions), costs, areas and places: ten, whatever the length of the list.
    with django_assert_num_queries(10):
        assert post_sheet(client, pks[:1], language="ar", second_language=second).status_code == 200
    with django_assert_num_queries(10):
        response = post_sheet(client, pks, language="ar", second_language=second)
        assert response.status_code == 200
    assert response.content.decode().count('class="sheet-row sheet-entry"') == len(pks)


def test_print_stylesheet_fits_a4_and_us_letter_with_logical_properties_only():
    css = (Path(settings.BASE_DIR) / "apps/core/static_site/core/site.css").read_text()
    ours = css[css.index("/* referrals */") :]
    assert not re.search(r"\b(left|right)\b", re.sub(r"/\*.*?\*/", "", ours, flags=re.S))
    page = re.search(r"@page\s*{\s*size:\s*auto;\s*margin:\s*(\d+)mm\s+(\d+)mm;\s*}", ours)
    assert page, "one @page rule with mm margins and no fixed paper size"
    block, inline = int(page.group(1)), int(page.group(2))
    a4, letter = (210, 297), (215.9, 279.4)
    width = min(a4[0], letter[0]) - 2 * inline
    height = min(a4[1], letter[1]) - 2 * block
    assert width >= 170 and height >= 240
    assert "@media print" in ours and ".sheet-entry" in ours
