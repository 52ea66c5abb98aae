"""The reviewers' catalog corrections stay corrected (issue #17; docs/languages.md lists them)."""

import pytest
from django import forms
from django.apps import apps
from django.utils import translation
from django.utils.dates import MONTHS
from django.utils.translation import gettext, ngettext

CORRECTED = [
    # (language, English, what readers see now, what they saw before)
    ("zh-hans", "Closed", "不开放", "关闭"),
    ("zh-hans", "Discreet version", "隐私保护版", "低调版本"),
    ("uk", "Details", "Подробиці", "Докладніше"),
    ("ru", "Details", "Подробности", "Подробнее"),
    ("uk", "Reference code", "Код списку", "Код-посилання"),
    ("ru", "Reference code", "Код списка", "Код-ссылка"),
    ("ar", "Discreet version", "نسخة محايدة", "نسخة متحفّظة"),
    ("pt", "Press Shift 2 more times to leave", "Prima Shift mais 2 vezes para sair", None),
    ("tl", "Authenticator apps", "Mga authenticator app", None),
]


@pytest.mark.parametrize("language, english, now, before", CORRECTED)
def test_corrected_entries(language, english, now, before):
    with translation.override(language):
        assert gettext(english) == now
        assert gettext(english) != before


def test_tagalog_has_djangos_public_form_messages_and_months():
    with translation.override("tl"):
        assert forms.Field().error_messages["required"] == "Kailangang sagutan ito."
        assert str(MONTHS[9]) == "Setyembre"


def test_spanish_form_messages_say_tu_like_the_rest_of_the_interface():
    with translation.override("es"):
        choice = forms.ChoiceField(choices=[]).error_messages["invalid_choice"]
        assert choice.startswith("Elige ")
        too_long = ngettext(
            "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
            "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
            2,
        )
        assert too_long.startswith("Asegúrate ")


def test_romanian_months_are_lower_case():
    with translation.override("ro"):
        assert [str(MONTHS[n]) for n in (1, 9)] == ["ianuarie", "septembrie"]


def test_the_staff_area_names_the_authenticator_app_plugin():
    config = apps.get_app_config("otp_totp")
    with translation.override("fr"):
        assert str(config.verbose_name) == "Applications d’authentification"


def test_the_chinese_hours_table_says_not_open_rather_than_shut_down(client, demo):
    from apps.directory.models import Service

    service = Service.objects.get(name_en="Example Legal and Immigration Clinic")
    html = client.get(f"/zh-hans/s/{service.pk}/").content.decode()
    assert "不开放" in html and "关闭" not in html
