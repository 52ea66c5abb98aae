"""Names of countries and languages in the reader's language, from CLDR (L3)."""

from functools import lru_cache

import pycountry
from babel import Locale, UnknownLocaleError
from django.conf import settings
from django.utils import translation


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
    from django.conf import settings

    chains = settings.MODELTRANSLATION_FALLBACK_LANGUAGES
    chain = chains.get(language_code, chains["default"])
    return [language_code, *[code for code in chain if code != language_code]]


def translated_value(obj, field: str, language_code: str | None = None):
    """The field's text for the reader, the language it is actually in, and its status.

    modeltranslation falls back silently; the page must say when it did (L2).
    """
    language = language_code or translation.get_language() or "en"
    for code in fallback_chain(language):
        value = getattr(obj, f"{field}_{code.replace('-', '_')}", None)
        if value:
            # Staff mark a translation "machine" or "human" per field ("description_fr")
            # or for a whole language ("fr").
            marks = getattr(obj, "translation_status", None) or {}
            column = f"{field}_{code.replace('-', '_')}"
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
