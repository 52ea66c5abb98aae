"""Spotting contact data where it should not hide: numbers, links and emails in free text.

A hijacked hotline number pasted into a description is as dangerous as one in the
number field (SR-7), so this looks for what people and attackers actually write: full
and national numbers with any separators and digits, short national numbers (libphonenumber's
short-number data: "3919", "116 006"), links without a scheme ("evil.example/help"),
and the usual disguises ("evil[.]example", "help(at)evil.example", "hxxps://").
Each finding is reduced to a canonical token, so the same contact written differently
is not new.
"""

import contextlib
import re
import unicodedata

import phonenumbers
from phonenumbers.shortnumberinfo import is_valid_short_number_for_region

from apps.directory.validators import normalise_number_text

_DOT = re.compile(r"\s*[\[({]\s*(?:\.|dot|point|punto|ponto)\s*[\])}]\s*", re.IGNORECASE)
_AT = re.compile(r"\s*[\[({]\s*(?:@|at|arobase|arroba)\s*[\])}]\s*", re.IGNORECASE)
_DEFANGED_SCHEME = re.compile(r"(?i)\bh(?:xx|tt)p(s?)(?:\[:\]|:)//")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A host name (with or without a scheme) whose last label is letters: "evil-hotline.com",
# "evil.example/help". Abbreviations such as "e.g." have one-letter labels.
_LINK = re.compile(
    r"(?i)(?:\b[a-z][a-z0-9+.-]*://)?\b(?:[\w-]+\.)+[^\W\d_]{2,24}\b(?::\d+)?(?:/[^\s]*)?"
)
_LONG_NUMBER = re.compile(r"\+?\d[\d\s().-]{6,}\d")
# A run of 3 to 6 digits standing alone (separators allowed inside: "116 006").
_SHORT_NUMBER = re.compile(r"(?<![\d+])(?<!\d[ .-])\d(?:[ .-]?\d){2,5}(?![ .-]?\d)")


def _plain(text: str) -> str:
    text = normalise_number_text(unicodedata.normalize("NFKC", text))
    text = _DEFANGED_SCHEME.sub(lambda m: f"http{m.group(1)}://", text)
    return _AT.sub("@", _DOT.sub(".", text))


def _link_token(link: str) -> str:
    link = re.sub(r"(?i)^[a-z][a-z0-9+.-]*://", "", link.lower()).rstrip(".,;:)!?'\"/")
    return "link:" + link.removeprefix("www.")


def _is_short_number(digits: str) -> bool:
    if len(digits) == 4 and 1900 <= int(digits) <= 2099:
        return False  # a year
    for region in phonenumbers.SUPPORTED_SHORT_REGIONS:
        try:
            number = phonenumbers.parse(digits, region)
        except phonenumbers.NumberParseException:
            continue
        if is_valid_short_number_for_region(number, region):
            return True
    return False


def contact_tokens(text) -> set[str]:
    """Phone numbers, links and emails found in a piece of text, as canonical tokens:
    ``tel:<national digits>``, ``link:<host/path>``, ``email:<address>``."""
    if not isinstance(text, str) or not text:
        return set()
    plain = _plain(text)
    found = {f"email:{m.group(0).lower()}" for m in _EMAIL.finditer(plain)}
    without_emails = _EMAIL.sub(" ", plain)
    found |= {_link_token(m.group(0)) for m in _LINK.finditer(without_emails)}
    for match in phonenumbers.PhoneNumberMatcher(
        plain, "ZZ", leniency=phonenumbers.Leniency.POSSIBLE
    ):
        found.add(f"tel:{match.number.national_number}")
    for candidate in _LONG_NUMBER.findall(plain):
        digits = re.sub(r"\D", "", candidate)
        if not 7 <= len(digits) <= 15:
            continue
        if candidate.startswith("+"):
            with contextlib.suppress(phonenumbers.NumberParseException):
                digits = str(phonenumbers.parse(candidate, None).national_number)
        found.add(f"tel:{digits.lstrip('0')}")
    for candidate in _SHORT_NUMBER.findall(plain):
        digits = re.sub(r"\D", "", candidate)
        if _is_short_number(digits):
            found.add(f"tel:{digits}")
    return found


def introduces_contact_data(old, new) -> bool:
    return bool(contact_tokens(new) - contact_tokens(old))
