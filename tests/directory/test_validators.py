"""Phone numbers and web addresses are normalised or refused (SR-8, SR-9)."""

import pytest
from django.core.exceptions import ValidationError

from apps.directory.validators import (
    display_host,
    parse_phone_number,
    validate_e164,
    validate_public_url,
)


@pytest.mark.parametrize(
    "raw",
    [
        "+33 1 99 00 10 01",
        "+33 (0)1 99 00 10 01",
        "+٣٣١٩٩٠٠١٠٠١",
        "+３３１９９００１００１",
        "+۳۳ ۱ ۹۹ ۰۰ ۱۰ ۰۱",
    ],
)
def test_numbers_in_any_digits_become_one_e164_value(raw):
    assert parse_phone_number(raw) == "+33199001001"


def test_a_national_number_is_read_in_the_services_country():
    assert parse_phone_number("01 99 00 10 01", "FR") == "+33199001001"


@pytest.mark.parametrize(
    "raw",
    [
        "+33 1 99\u202e00 10 01",
        "+33\u2066199001001",
        "+33\u200b199001001",
        "call me",
        "+1",
        "+33 1 99 00 10 01 00 00 00 00",
        "+33\x00199001001",
        "",
    ],
)
def test_bad_numbers_are_refused_with_a_message(raw):
    with pytest.raises(ValidationError) as error:
        parse_phone_number(raw)
    assert error.value.messages[0]


@pytest.mark.parametrize("value", ["+33 1 99", "0199001001", "+33199001001\n", "+4407700900123"])
def test_stored_numbers_must_be_canonical_e164(value):
    with pytest.raises(ValidationError):
        validate_e164(value)


def test_a_canonical_number_is_accepted():
    validate_e164("+33199001001")


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "https://good.org@evil.example",
        "//evil.example",
        "/\\evil.example",
        "ftp://files.example.org/",
        "https://user:pass@example.org/",
        "https://exаmple.org/",  # Cyrillic "а"
        "https://example.org/\u202egnp.exe",
    ],
)
def test_dangerous_urls_are_refused(url):
    with pytest.raises(ValidationError):
        validate_public_url(url)


@pytest.mark.parametrize("url", ["https://help.example.org/chat", "http://example.org/"])
def test_ordinary_urls_are_accepted(url):
    validate_public_url(url)


def test_non_ascii_hosts_are_shown_in_punycode():
    assert display_host("https://bücher.example/") == "xn--bcher-kva.example"
