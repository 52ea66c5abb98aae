"""Diffs a reviewer can read in every script, with only what can deceive made visible
(issue #15 item 6)."""

import pytest
from django.utils import translation

from apps.curation.diffs import findings, notes, readable, reveal


@pytest.fixture(autouse=True)
def _english():
    """The notes are in the reader's language; these tests read them in English."""
    with translation.override("en"):
        yield


PLAIN = [
    "Ligne d'écoute gratuite, 24 h/24",
    "خط المساعدة مجاني على مدار الساعة",  # Arabic
    "Бесплатная горячая линия",  # Russian
    "Безкоштовна гаряча лінія",  # Ukrainian
    "免费求助热线，全天24小时",  # Chinese
    "WiFi密码和App下载",  # Chinese with Latin words, no spaces
    "می‌خواهم کمک بگیرم",  # Persian, with the zero-width non-joiner it is spelled with
    "Đường dây nóng miễn phí",  # Vietnamese
    "+33 1 99 00 10 01",
]


@pytest.mark.parametrize("text", PLAIN)
def test_text_in_every_script_is_shown_as_text(text):
    assert findings(text) == {}
    assert str(reveal(text)) == str(readable(text))
    assert "U+" not in str(reveal(text))
    assert notes(text) == []


def test_a_cyrillic_letter_in_a_latin_word_is_marked_and_named():
    shown = str(reveal("https://exаmple.org/"))  # Cyrillic а
    assert '<mark class="suspect" title="U+0430 CYRILLIC SMALL LETTER A">а</mark>' in shown
    assert shown.startswith("https://ex<mark")
    assert notes("https://exаmple.org/") == [
        "Letter from another script than the rest of its word: "
        '<bdi dir="ltr">U+0430 CYRILLIC SMALL LETTER A</bdi>'
    ]


def test_a_latin_letter_in_a_cyrillic_word_is_marked_too():
    text = "Горячаa линия"  # the last letter of the first word is Latin a
    found = findings(text)
    assert [f.char for f in found.values()] == ["a"]
    assert "LATIN SMALL LETTER A" in str(reveal(text))


def test_a_greek_omicron_in_a_latin_word_is_marked():
    assert [f.code_point for f in findings("Hοtline").values()] == [
        "U+03BF GREEK SMALL LETTER OMICRON"
    ]


@pytest.mark.parametrize(
    ("char", "kind"),
    [
        ("\u200b", "hidden"),  # zero-width space
        ("\u00ad", "hidden"),  # soft hyphen
        ("\u2060", "hidden"),  # word joiner
        ("\u00a0", "hidden"),  # no-break space
        ("\u202e", "bidi"),  # right-to-left override
        ("\u2066", "bidi"),  # left-to-right isolate
        ("\u200f", "bidi"),  # right-to-left mark
    ],
)
def test_invisible_and_direction_characters_are_shown_by_name(char, kind):
    text = f"+33199{char}001001"
    found = findings(text)
    assert [(f.char, f.kind) for f in found.values()] == [(char, kind)]
    shown = str(reveal(text))
    assert char not in shown  # never displayed raw: it would hide or reorder the text
    assert f"[U+{ord(char):04X}" in shown


def test_a_joiner_between_latin_letters_is_flagged():
    assert findings("pay\u200dpal")


def test_markup_in_a_value_is_escaped():
    assert "<script>" not in str(reveal("<script>alert(1)</script>"))
    assert "&lt;script&gt;" in str(readable("<script>x</script>"))


def test_collections_read_as_lines_not_json():
    shown = str(readable([[0, "09:00:00", "17:00:00"], [1, "09:00:00", "17:00:00"]]))
    assert shown == "0 · 09:00:00 · 17:00:00<br>1 · 09:00:00 · 17:00:00"
    assert str(readable({"note_en": "Closed"})) == "note_en: Closed"
    assert str(readable(True)) == "Yes"
    assert str(readable("")) == "—"
