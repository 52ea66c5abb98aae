"""Names of countries and languages in the reader's language, from CLDR (L3)."""

import unicodedata
from functools import lru_cache

import pycountry
from babel import Locale, UnknownLocaleError
from django.conf import settings
from django.utils import translation
from django.utils.html import format_html, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _


def babel_locale(language_code: str | None = None) -> Locale:
    code = (language_code or translation.get_language() or "en").replace("-", "_")
    if code.lower() == "zh_hans":
        code = "zh_Hans"
    try:
        return Locale.parse(code)
    except (ValueError, UnknownLocaleError):
        return Locale.parse("en")


@lru_cache(maxsize=4096)
def _country_name(code: str, locale_code: str) -> str:
    return babel_locale(locale_code).territories.get(code.upper()) or code.upper()


def country_name(code: str) -> str:
    return _country_name(code, translation.get_language() or "en")


@lru_cache(maxsize=8192)
def _language_name(code: str, locale_code: str) -> str:
    record = pycountry.languages.get(alpha_3=code)
    locale = babel_locale(locale_code)
    # CLDR keys languages by their shortest code (ISO 639-1 where one exists).
    for key in filter(None, (getattr(record, "alpha_2", None), code)):
        name = locale.languages.get(key)
        if name:
            return name
    return record.name if record else code


def language_name(code: str) -> str:
    return _language_name(code, translation.get_language() or "en")


def fallback_chain(language_code: str) -> list[str]:
    """The reader's language, then the languages its content falls back to, ending in English."""
    chains = settings.MODELTRANSLATION_FALLBACK_LANGUAGES
    chain = chains.get(language_code, chains["default"])
    return [language_code, *[code for code in chain if code != language_code]]


def other_language_columns(model, language_code: str, prefix: str = "") -> list[str]:
    """The model's translated columns in languages the reader's fallback chain never
    reads, for ``QuerySet.defer()``: a list of twenty listings then loads two or three
    languages of text instead of twelve (issue #20). ``prefix`` ("organization__") names
    them through a relation."""
    from modeltranslation.translator import NotRegistered, translator

    try:
        fields = translator.get_options_for_model(model).fields
    except NotRegistered:
        return []
    read = {code.replace("-", "_") for code in fallback_chain(language_code)}
    return [
        f"{prefix}{field}_{code}"
        for field in fields
        for code in (c.replace("-", "_") for c, _name in settings.LANGUAGES)
        if code not in read
    ]


def translated_value(obj, field: str, language_code: str | None = None):
    """The field's text for the reader, the language it is actually in, and its status.

    modeltranslation falls back silently; the page must say when it did (L2).
    """
    language = language_code or translation.get_language() or "en"
    for code in fallback_chain(language):
        column = f"{field}_{code.replace('-', '_')}"
        value = getattr(obj, column, None)
        if value:
            # Staff mark a translation "machine" or "human" per field ("description_fr")
            # or for a whole language ("fr").
            marks = getattr(obj, "translation_status", None) or {}
            status = marks.get(column) or marks.get(code)
            return value, code, status
    return "", language, None


def neutral_url(language: str) -> str:
    """Where the exit goes for this language: its own override, else the site-wide
    WAYMARK_NEUTRAL_URL, else that language's Wikipedia main page (QE-3)."""
    return (
        settings.NEUTRAL_URLS.get(language)
        or settings.NEUTRAL_URL_DEFAULT
        or f"https://{language.split('-')[0]}.wikipedia.org/"
    )


class Text(str):
    """A piece of content that knows the language it is written in and its translation
    status, so that wherever it travels (a place's public view, a sheet) it can still be
    rendered with its ``lang`` and its markers. It is an ordinary ``str`` otherwise."""

    lang: str
    status: str | None

    def __new__(cls, value: str, lang: str, status: str | None = None):
        text = super().__new__(cls, value)
        text.lang = lang
        text.status = status
        return text


def translated_text(obj, field: str, language_code: str | None = None) -> Text:
    value, code, status = translated_value(obj, field, language_code)
    return Text(value, code, status)


def sort_key(name: str):
    """A key that sorts names as a reader expects: ignoring case and accents ("Árabe"
    with the A's). Without a collation library this is not the full Unicode collation,
    but it is right for the Latin, Cyrillic, Arabic and Persian names used here."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def sorted_by_name(choices):
    """(value, name) pairs sorted by the name in the reader's language (issue #17)."""
    return sorted(choices, key=lambda choice: sort_key(str(choice[1])))


def language_display(code: str) -> str:
    """A content language's name in the reader's language (CLDR), for the markers."""
    locale = babel_locale()
    return locale.languages.get(code.replace("-", "_")) or locale.languages.get(
        code.split("-")[0], code
    )


def text_direction(code: str) -> str:
    return "rtl" if code.split("-")[0] in settings.LANGUAGES_BIDI else "ltr"


def render_content(text: Text, *, block=False, words=0, name=False) -> SafeString:
    """A translatable value as the reader sees it, everywhere (L2, issue #17).

    - The value in the best language the reader's fallback chain offers.
    - In a language other than the page's, it carries its own ``lang`` and ``dir`` (a
      screen reader then reads it in the right voice, WCAG 3.1.2) and is followed by
      "(shown in LANGUAGE)", the language named in the reader's language.
    - A machine-drafted translation is followed by "(machine translation)", also when it
      is a fallback: both markers then show.
    - ``name=True`` is for names of places (street, town): they keep their ``lang`` and
      are not translated by the browser, but get no "shown in" marker, because an address
      is to be read as it is written on the door.
    Inline values are isolated in ``<bdi>``; ``block=True`` gives paragraphs in a ``<div>``.
    """
    reader = translation.get_language() or "en"
    value = str(text)
    if not value:
        return mark_safe("")  # noqa: S308 - empty
    if words:
        value = Truncator(value).words(words)
    lang = getattr(text, "lang", reader)
    foreign = lang != reader
    attributes = format_html(' lang="{}" dir="{}"', lang, text_direction(lang)) if foreign else ""
    if name:
        attributes = format_html('{} translate="no"', attributes)
    if block:
        paragraphs = mark_safe(linebreaks(value, autoescape=True))  # noqa: S308 - escaped
        html = format_html("<div{}>{}</div>", attributes, paragraphs)
    else:
        html = format_html("<bdi{}>{}</bdi>", attributes, value)
    markers = []
    if foreign and not name:
        shown_in = _("(shown in %(language)s)") % {"language": language_display(lang)}
        markers.append(format_html('<small class="shown-in">{}</small>', shown_in))
    if getattr(text, "status", None) == "machine":
        markers.append(
            format_html('<small class="shown-in machine">{}</small>', _("(machine translation)"))
        )
    if markers:
        html = format_html("{} {}", html, mark_safe(" ".join(markers)))  # noqa: S308 - built above
    return html


# --- Locale-correct formatting through Babel (CLDR), issue #17 -------------------------
# Django's own date formats double words in some languages ("ngày Ngày" in Vietnamese)
# and capitalise months where the language does not (Romanian, Portuguese). Public pages
# format dates, times, ranges, lists and time zones here instead.

# Digits of the numbering systems CLDR gives as a locale's default (Persian: arabext).
# Phone numbers never go through these functions: they stay as dialled (SR-8).
DIGITS = {"arab": "٠١٢٣٤٥٦٧٨٩", "arabext": "۰۱۲۳۴۵۶۷۸۹"}


def local_digits(text: str, locale: Locale | None = None) -> str:
    digits = DIGITS.get((locale or babel_locale()).default_numbering_system)
    return text.translate(str.maketrans("0123456789", digits)) if digits else text


def format_day(value) -> str:
    """A date as the reader writes it: "1 September 2026", "۱ سپتامبر ۲۰۲۶", "2026年9月1日"."""
    from babel.dates import format_date

    locale = babel_locale()
    return local_digits(format_date(value, "long", locale=locale), locale)


def format_clock(value) -> str:
    from babel.dates import format_time

    locale = babel_locale()
    return local_digits(format_time(value, "short", locale=locale), locale)


def format_weekday(value) -> str:
    from babel.dates import format_date

    return format_date(value, "EEEE", locale=babel_locale())


def format_hours(opens, closes) -> str:
    """An opening interval, "09:30–17:00" or "9:30 AM – 5:30 PM", as the locale writes it."""
    from babel.dates import format_interval

    locale = babel_locale()
    skeleton = "hm" if "a" in locale.time_formats["short"].pattern else "Hm"
    if opens == closes:
        return format_clock(opens)
    return local_digits(format_interval(opens, closes, skeleton, locale=locale), locale)


def format_zone(zone: str) -> str:
    """A time zone by the place it is the time of: "France Time", "وقت فرانسه"."""
    from babel.dates import get_timezone_location

    if zone in {"UTC", "Etc/UTC", "GMT"}:
        return "UTC"
    try:
        return get_timezone_location(zone, locale=babel_locale())
    except LookupError:
        return zone


def format_names(names) -> str:
    """A list of names joined as the language joins them: "A, B and C", "A، B، و C", "A、B和C"."""
    from babel.lists import format_list

    names = [str(name) for name in names]
    return format_list(names, locale=babel_locale()) if names else ""
