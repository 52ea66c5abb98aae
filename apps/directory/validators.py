"""Contact data is safety-critical: numbers and URLs are normalised and checked (SR-8, SR-9)."""

import re
import unicodedata
from urllib.parse import urlsplit

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Bidi controls and invisible characters can make a number or link display differently
# from what it dials or opens.
_FORBIDDEN = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\x00-\x1f\x7f]")
_E164 = re.compile(r"^\+[1-9]\d{5,14}$")


def reject_invisible_characters(value: str) -> None:
    if _FORBIDDEN.search(value):
        raise ValidationError(
            _("This contains invisible or direction-changing characters. Please retype it."),
            code="invisible_characters",
        )


def normalise_digits(value: str) -> str:
    """Arabic-Indic, Persian and full-width digits become ASCII digits."""
    out = []
    for char in value:
        if char.isdigit() and not char.isascii():
            out.append(str(unicodedata.digit(char)))
        elif (
            unicodedata.east_asian_width(char) == "F"
            and unicodedata.normalize("NFKC", char).isascii()
        ):
            out.append(unicodedata.normalize("NFKC", char))
        else:
            out.append(char)
    return "".join(out)


# Written between groups of digits: any Unicode space (no-break, narrow, ideographic) and
# the dots people use in place of spaces ("+44·20·7946·0958").
_NUMBER_SEPARATORS = re.compile(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000·•‧∙・․]+")


def normalise_number_text(text: str) -> str:
    """ASCII digits, and plain spaces between groups of them."""
    return _NUMBER_SEPARATORS.sub(" ", normalise_digits(text))


def parse_phone_number(raw: str, region: str | None = None) -> str:
    """The number as E.164, from the ways people write it (SR-8): spaces, dots and dashes,
    "(0)", Arabic-Indic, Persian and full-width digits, and, when ``region`` (ISO 3166-1,
    e.g. "FR") is known, the national format. Raises ValidationError with a clear
    message that never repeats the value (SR-20)."""
    reject_invisible_characters(raw)
    text = normalise_number_text(raw).strip()
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise ValidationError(
            _("This is not a phone number. Use the international format, e.g. +33 1 23 45 67 89."),
            code="invalid_phone",
        ) from None
    if not phonenumbers.is_possible_number(number):
        raise ValidationError(_("This phone number has the wrong length."), code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_e164(value: str) -> None:
    reject_invisible_characters(value)
    if not _E164.match(value) or parse_phone_number(value) != value:
        raise ValidationError(
            _("Store numbers in international format: + then digits only."), code="not_e164"
        )


def _scripts(label: str) -> set[str]:
    scripts = set()
    for char in label:
        if char.isalpha():
            scripts.add(unicodedata.name(char, "UNKNOWN").split(" ")[0])
    return scripts


def validate_public_url(value: str) -> None:
    """Only web links a visitor can safely follow: https (or http), no tricks (SR-9)."""
    reject_invisible_characters(value)
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("https", "http"):
        raise ValidationError(_("Only https:// web addresses are accepted."), code="bad_scheme")
    if parts.username or parts.password or "@" in parts.netloc:
        raise ValidationError(
            _("Web addresses must not contain a user name or password."), code="credentials"
        )
    host = parts.hostname or ""
    if not host:
        raise ValidationError(_("This web address has no host name."), code="no_host")
    for label in host.split("."):
        if len(_scripts(label)) > 1:
            raise ValidationError(
                _("This web address mixes alphabets, a common trick. Please check it."),
                code="mixed_script",
            )


def display_host(url: str) -> str:
    """The host as it really is: non-ASCII host names are shown in punycode."""
    host = urlsplit(url).hostname or ""
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host
