"""What a reviewer reads: proposals and versions as field/value tables (C2, C3).

Text in every script is shown as text. Only what can deceive a reviewer is made visible
(issue #15): characters that show nothing (zero-width, format and control characters),
characters that reorder what is shown (bidi controls), and a letter from another script
than the rest of its word (a Cyrillic "а" in a Latin word, a Greek "ο" in a Cyrillic one).
Python's ``unicodedata`` has no script property, so a letter's script is the first word of
its Unicode name (LATIN, CYRILLIC, GREEK, ARABIC, ...); for telling look-alikes apart that
is exact, and it also sets apart full-width and mathematical letters that imitate Latin.
"""

import unicodedata
from dataclasses import dataclass

from django.db import models
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .registry import Spec

# Reorder what follows them; never needed in a listing's text (SR-8 refuses them in
# numbers, URLs and emails).
BIDI_CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Scripts written together without spaces, which cannot pass for each other's letters.
CJK = {"CJK", "HIRAGANA", "KATAKANA", "KATAKANA-HIRAGANA", "HANGUL", "BOPOMOFO", "IDEOGRAPHIC"}
# Whitespace a reader sees as a space; any other space-like character is flagged.
PLAIN_SPACES = {" ", "\n", "\r", "\t"}


@dataclass(frozen=True)
class Finding:
    char: str
    kind: str  # "hidden", "bidi" or "script"

    @property
    def code_point(self) -> str:
        return f"U+{ord(self.char):04X} {unicodedata.name(self.char, '')}".strip()

    def describe(self) -> SafeString:
        if self.kind == "bidi":
            text = _("Direction control: %(char)s")
        elif self.kind == "hidden":
            text = _("Invisible character: %(char)s")
        else:
            text = _("Letter from another script than the rest of its word: %(char)s")
        # The code point's name stays left to right inside a right-to-left sentence.
        code_point = format_html('<bdi dir="ltr">{}</bdi>', self.code_point)
        return mark_safe(conditional_escape(text) % {"char": code_point})  # noqa: S308


def script_of(char: str) -> str | None:
    """The script of a letter, None for anything else (digits, marks, punctuation)."""
    if not unicodedata.category(char).startswith("L"):
        return None
    name = unicodedata.name(char, "")
    script = name.split(" ", 1)[0]
    return "CJK" if script in CJK else script or None


def _hidden_kind(char: str) -> str | None:
    if char in BIDI_CONTROLS:
        return "bidi"
    category = unicodedata.category(char)
    if char not in PLAIN_SPACES and (category in ("Cf", "Cc", "Co", "Cn") or category[0] == "Z"):
        return "hidden"
    return None


def _words(text: str):
    """Runs of letters and combining marks, as (start, end) indexes."""
    start = None
    for index, char in enumerate(text + " "):
        in_word = unicodedata.category(char)[0] in "LM"
        if in_word and start is None:
            start = index
        elif not in_word and start is not None:
            yield start, index
            start = None


# Zero-width (non-)joiners are spelling in Persian, Arabic and Indic scripts
# (e.g. "می‌خواهم"): between two letters of one such script they are not flagged.
JOINERS = {"\u200c", "\u200d"}


def _joins_letters(text: str, index: int) -> bool:
    if text[index] not in JOINERS or not 0 < index < len(text) - 1:
        return False
    before, after = script_of(text[index - 1]), script_of(text[index + 1])
    return before is not None and before == after and before != "LATIN"


def findings(text: str) -> dict[int, Finding]:
    """What may deceive a reviewer in a text, by the position of the character."""
    found = {}
    for index, char in enumerate(text):
        kind = _hidden_kind(char)
        if kind and not _joins_letters(text, index):
            found[index] = Finding(char, kind)
    for start, end in _words(text):
        scripts = {}
        for index in range(start, end):
            script = script_of(text[index])
            # Chinese and Japanese run into Latin words without spaces, and cannot pass
            # for Latin, Cyrillic or Greek letters.
            if script and script != "CJK":
                scripts.setdefault(script, []).append(index)
        if len(scripts) < 2:
            continue
        # The word's script is the one most of its letters are in (the first on a tie).
        main = max(scripts, key=lambda script: len(scripts[script]))
        for script, indexes in scripts.items():
            if script != main:
                for index in indexes:
                    found[index] = Finding(text[index], "script")
    return found


def reveal(text: str) -> SafeString:
    """The text as text, each deceptive character marked and named; invisible ones shown
    by their code point in its place."""
    found = findings(text)
    if not found:
        return format_html("{}", text)
    parts = []
    for index, char in enumerate(text):
        finding = found.get(index)
        if finding is None:
            parts.append(format_html("{}", char))
        elif finding.kind == "script":
            parts.append(
                format_html('<mark class="suspect" title="{}">{}</mark>', finding.code_point, char)
            )
        else:  # shown by name: displaying it would reorder or hide the text around it
            parts.append(format_html('<mark class="suspect">[{}]</mark>', finding.code_point))
    return mark_safe("".join(parts))  # noqa: S308 - every part escaped by format_html


def readable(value) -> SafeString:
    """A stored value as a reviewer reads it: text as text, lists one item a line."""
    if value in (None, "", [], {}):
        return format_html("{}", "—")
    if isinstance(value, bool):
        return format_html("{}", _("Yes") if value else _("No"))
    if isinstance(value, dict):
        return format_html_join(
            mark_safe("<br>"), "{}: {}", ((key, readable(item)) for key, item in value.items())
        )
    if isinstance(value, list):
        if all(isinstance(item, list) for item in value):
            return format_html_join(
                mark_safe("<br>"),
                "{}",
                (
                    (format_html_join(" · ", "{}", ((readable(part),) for part in item)),)
                    for item in value
                ),
            )
        return format_html_join(", ", "{}", ((readable(item),) for item in value))
    return reveal(str(value))


def field_label(spec: Spec, name: str) -> str:
    """A field's name as the edit form shows it; a collection's as its rows are called."""
    options = spec.model._meta
    for field in options.get_fields():
        if getattr(field, "attname", None) == name or field.name == name:
            if isinstance(field, models.ForeignObjectRel):
                return str(field.related_model._meta.verbose_name_plural)
            if isinstance(field, models.ForeignKey) and field.verbose_name == field.name:
                return str(field.related_model._meta.verbose_name)  # no name of its own
            return str(field.verbose_name)
    collection = spec.collections.get(name)
    if collection is not None:
        return str(collection.model._meta.verbose_name_plural)
    return name


def _hours(rows):
    """Weekly periods as "Monday 09:00–17:00", one a line."""
    from apps.directory.models import OpeningPeriod

    return [
        f"{OpeningPeriod.Weekday(day).label} {opens[:5]}–{closes[:5]}"
        for day, opens, closes in rows
    ]


def _language_names(value):
    """Language codes ("fra", or ["fra", true] with an interpreter) as language names."""
    from apps.directory.models import Language

    def name(code):
        return str(Language(code=code).display_name) if isinstance(code, str) else code

    return [[name(v) for v in item] if isinstance(item, list) else name(item) for item in value]


# Collections whose stored form is codes and numbers, shown in words.
COLLECTION_WORDS = {"periods": _hours, "languages": _language_names}


def _related(spec: Spec, name: str, value):
    """A foreign key's value as the record it names, with its number."""
    try:
        field = next(f for f in spec.fields() if f.attname == name)
    except StopIteration:
        return None
    if not isinstance(field, models.ForeignKey) or value in (None, ""):
        return None
    record = field.related_model._base_manager.filter(pk=value).first()
    return f"{record} (#{value})" if record is not None else f"#{value}"


def shown(spec: Spec, name: str, value) -> SafeString:
    related = _related(spec, name, value)
    if related is not None:
        return readable(related)
    if name in spec.collections and name in COLLECTION_WORDS and isinstance(value, list):
        return readable(COLLECTION_WORDS[name](value))
    field = next((f for f in spec.fields() if f.attname == name), None)
    if field is not None and field.choices and isinstance(value, str | int):
        return readable(str(dict(field.flatchoices).get(value, value)))
    return readable(value)


def notes(value) -> list[str]:
    """What a reviewer should look at twice in a value, in words."""
    texts = []
    if isinstance(value, str):
        texts = [value]
    elif isinstance(value, list | dict):
        texts = [str(item) for item in _leaves(value) if isinstance(item, str)]
    seen = {}
    for text in texts:
        for finding in findings(text).values():
            seen.setdefault((finding.char, finding.kind), finding)
    return [finding.describe() for finding in seen.values()]


def _leaves(value):
    items = value.values() if isinstance(value, dict) else value
    for item in items:
        if isinstance(item, list | dict):
            yield from _leaves(item)
        else:
            yield item


@dataclass
class Row:
    label: str
    name: str
    before: SafeString
    after: SafeString
    notes: list


def diff_rows(spec: Spec, base: dict, changes: dict) -> list[Row]:
    return [
        Row(
            label=field_label(spec, name),
            name=name,
            before=shown(spec, name, base.get(name)),
            after=shown(spec, name, value),
            notes=notes(value),
        )
        for name, value in sorted(changes.items(), key=lambda item: field_label(spec, item[0]))
    ]


def snapshot_rows(spec: Spec, snapshot: dict) -> list[Row]:
    order = {name: index for index, name in enumerate(spec.field_names())}
    return [
        Row(
            label=field_label(spec, name),
            name=name,
            before=mark_safe(""),
            after=shown(spec, name, value),
            notes=notes(value),
        )
        for name, value in sorted(snapshot.items(), key=lambda item: order.get(item[0], 999))
        if value not in (None, "", [], {})
    ]
