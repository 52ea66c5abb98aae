"""Spotting contact data where it should not hide: numbers, links and emails in free text."""

import re
import unicodedata

import phonenumbers

from apps.directory.validators import normalise_digits

_URL = re.compile(r"(?i)\b(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}/\S*")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def contact_tokens(text) -> set[str]:
    """Phone numbers (as E.164), URLs and emails found in a piece of text."""
    if not isinstance(text, str) or not text:
        return set()
    plain = normalise_digits(unicodedata.normalize("NFKC", text))
    found = {m.group(0).lower().rstrip(".,;)") for m in _URL.finditer(plain)}
    found |= {m.group(0).lower() for m in _EMAIL.finditer(plain)}
    for match in phonenumbers.PhoneNumberMatcher(
        plain, "ZZ", leniency=phonenumbers.Leniency.POSSIBLE
    ):
        found.add(phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164))
    for candidate in re.findall(r"\+?\d[\d\s().-]{6,}\d", plain):
        digits = re.sub(r"\D", "", candidate)
        if 7 <= len(digits) <= 15:
            found.add(digits)
    return found


def introduces_contact_data(old, new) -> bool:
    return bool(contact_tokens(new) - contact_tokens(old))


def visible_code_points(text) -> str:
    """Every character outside printable ASCII shown as U+XXXX, for reviewers (C2)."""
    if not isinstance(text, str):
        return "" if text is None else str(text)
    out = []
    for char in text:
        if 32 <= ord(char) < 127:
            out.append(char)
        else:
            name = unicodedata.name(char, "UNNAMED")
            out.append(f"{char}[U+{ord(char):04X} {name}]")
    return "".join(out)


def has_lookalikes(text) -> bool:
    return isinstance(text, str) and any(ord(c) > 127 for c in text)
