"""Dates, times, lists, time zones and digits as each language writes them (Babel, #17)."""

import re

import time_machine

from apps.core.i18n import sort_key
from apps.directory.models import Service
from tests.referrals.support import post_sheet, service_pk

HELPLINE = "Example National Helpline"
COUNSELLING = "Example Women’s Counselling Service"
CLINIC = "Example Legal and Immigration Clinic"


def page(client, language, name):
    service = Service.objects.get(name_en=name)
    return client.get(f"/{language}/s/{service.pk}/").content.decode()


def test_vietnamese_dates_say_ngay_once(client, demo):
    html = page(client, "vi", HELPLINE)
    verified = re.search(r'<p class="verified">(.*?)</p>', html).group(1)
    assert "1 tháng 9, 2026" in verified
    assert not re.search(r"ngày\s+ngày", verified, re.IGNORECASE), verified
    with time_machine.travel("2026-12-10 12:00 +0000", tick=False):
        sheet = post_sheet(client, [service_pk(HELPLINE)], language="vi").content.decode()
    assert "Lập ngày 10 tháng 12, 2026" in sheet or "10 tháng 12, 2026" in sheet
    assert not re.search(r"ngày\s+ngày", sheet, re.IGNORECASE)


def test_romanian_and_portuguese_months_are_lower_case(client, demo):
    assert "1 septembrie 2026" in page(client, "ro", HELPLINE)
    assert "1 de setembro de 2026" in page(client, "pt", HELPLINE)


def test_time_zones_are_named_by_place_not_by_database_name(client, demo):
    assert "(France Time)" in page(client, "en", HELPLINE)
    assert "وقت فرانسه" in page(client, "fa", HELPLINE)
    assert "法国时间" in page(client, "zh-hans", HELPLINE)
    assert "Europe/Paris" not in page(client, "uk", HELPLINE)


def test_lists_use_each_languages_separators(client, demo):
    # The helpline's languages: French, English, Arabic, Spanish, Romanian.
    assert "、" in re.search(r"<h2>语言</h2><p>(.*?)</p>", page(client, "zh-hans", HELPLINE))[1]
    persian = page(client, "fa", HELPLINE)
    assert "،" in re.search(r'class="languages-spoken">(.*?)</p>', persian)[1]
    arabic = re.search(r'class="languages-spoken">(.*?)</p>', page(client, "ar", HELPLINE))[1]
    assert ", " not in arabic and " و" in arabic


def test_persian_hours_use_persian_digits_and_numbers_stay_as_dialled(client, demo):
    html = page(client, "fa", COUNSELLING)
    text = re.sub(r"<[^>]+>", "", html)
    assert "۱۷:۰۰ تا ۲۲:۰۰" in text  # Monday to Friday, 17:00 to 22:00
    assert '<span dir="ltr" class="number">+44 7700 900123</span>' in html
    assert "۱ سپتامبر ۲۰۲۶" in html


def test_hours_never_read_backwards_in_right_to_left_pages(client, demo):
    # Arabic writes "9:30 ص – 5:30 م" (CLDR; Latin digits, as the ar locale's default): a
    # right-to-left run. Each time is isolated (issue #16), so its parts keep their order.
    arabic = page(client, "ar", CLINIC)
    times = r'<bdi class="time">9:30\sص</bdi>\s–\s<bdi class="time">5:30\sم</bdi>'
    assert re.search(times, arabic) and "٩" not in arabic
    ukrainian = page(client, "uk", CLINIC)
    assert '<bdi class="time">09:30</bdi>–<bdi class="time">17:30</bdi>' in ukrainian


def test_language_options_are_sorted_by_their_name_in_the_readers_language(client, demo):
    for language, expected in {
        "en": ["Amharic", "Arabic", "Chinese", "English"],
        "fr": ["allemand", "amharique", "anglais", "arabe"],
        "es": ["amárico", "árabe", "chino", "español"],
    }.items():
        html = client.get(f"/{language}/r/fr/").content.decode()
        select = re.search(r'<select name="language".*?</select>', html, re.S)[0]
        names = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', select)
        present = [n for n in names if n in expected]
        assert present == [n for n in expected if n in names], (language, names)
        assert len(present) >= 3, (language, names)
    any_service = Service.objects.published().values_list("pk", flat=True).first()
    sheet_form = client.get(f"/fr/list/?ids={any_service}").content.decode()
    sheet_select = re.search(r'<select name="language".*?</select>', sheet_form, re.S)[0]
    labels = re.findall(r">([^<]+)</option>", sheet_select)
    assert labels[:2] == ["anglais — English", "arabe — العربية"]
    assert labels == sorted(labels, key=sort_key)
