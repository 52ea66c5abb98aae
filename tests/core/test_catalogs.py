"""Message catalogs: complete in every interface language, compiled without GNU gettext."""

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from tests.public_routes import LANGUAGE_CODES

ENGLISH_SAFETY_TEXTS = [
    "Leave now",
    "Leaving this site does not erase your browsing history.",
    "How to browse safely",
    "Loading.",
    "Press Shift 2 more times to leave",
]


def test_every_catalog_is_complete():
    call_command("compile_catalogs", "--check")


def test_check_fails_on_fuzzy_or_untranslated_entries(tmp_path, settings):
    folder = tmp_path / "xx" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "django.po").write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Leave now"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Home"\nmsgstr "Maison"\n',
        encoding="utf-8",
    )
    settings.LOCALE_PATHS = [tmp_path]
    with pytest.raises(CommandError, match="2 untranslated or fuzzy"):
        call_command("compile_catalogs", "--check")


def test_every_interface_language_has_a_catalog():
    folders = {p.parent.parent.name for p in settings.LOCALE_PATHS[0].glob("*/LC_MESSAGES/*.po")}
    expected = {code.replace("zh-hans", "zh_Hans") for code in LANGUAGE_CODES}
    assert expected <= folders


@pytest.mark.parametrize("language", [code for code in LANGUAGE_CODES if code != "en"])
def test_quick_exit_and_safety_texts_never_fall_back_to_english(client, db, language):
    """QE-20: the control, overlay, announcements and safety notice are translated."""
    for path in (f"/{language}/", f"/{language}/safety/"):
        html = client.get(path).content.decode()
        for text in ENGLISH_SAFETY_TEXTS:
            assert text not in html, (path, text)


@pytest.mark.parametrize("language", ["ar", "fa"])
def test_right_to_left_languages_set_dir_rtl(client, db, language):
    html = client.get(f"/{language}/").content.decode()
    assert f'<html lang="{language}" dir="rtl">' in html


def test_left_to_right_languages_set_dir_ltr(client, db):
    assert '<html lang="zh-hans" dir="ltr">' in client.get("/zh-hans/").content.decode()
