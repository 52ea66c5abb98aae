"""Every referrals route: no confidential address, no cookie, no trace (D5, QE-10…QE-15)."""

import re
from html import unescape
from urllib.parse import unquote

import pytest

from apps.core.sensitive_words import find_sensitive
from tests.directory.test_confidentiality import assert_no_canary, plant_canaries

from .support import crawl

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
LANGUAGES = ["en", "fr", "ar", "pt", "zh-hans"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_referrals_route_shows_a_confidential_address(client, demo, language):
    planted = plant_canaries()
    # Search words that match the planted strings must find nothing either.
    for label, response in crawl(client, language, queries=(planted[0], planted[-1][:12])):
        assert response.status_code in (200, 303, 404), (label, response.status_code)
        body = response.content.decode()
        if label.startswith("search"):
            body = re.sub(r'value="[^"]*"', "", body)  # the visitor's own words, echoed
        assert_no_canary(body, label)


def addresses(html: str) -> list[str]:
    return [unquote(unescape(link)) for link in re.findall(r'(?:href|action)="(/[^"]*)"', html)]


def assert_nothing_from_elsewhere(html: str, label: str):
    """No inline style or script for the policy to block, nothing fetched from outside."""
    assert " style=" not in html and "<style" not in html, label
    assert all(src.startswith("/") for src in re.findall(r'\ssrc="([^"]*)"', html)), label
    assert all(href.startswith("/") for href in re.findall(r'<link[^>]*href="([^"]*)"', html))
    for tag in re.findall(r'<a [^>]*href="(?:https?:)?//[^"]*"[^>]*>', html):
        assert 'rel="noopener noreferrer"' in tag, (label, tag)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_referrals_route_is_private_and_neutral(client, demo, language):
    for label, response in crawl(client, language):
        assert response["Cache-Control"] == "no-store", label
        assert response["Referrer-Policy"] == "no-referrer", label
        assert response["X-Content-Type-Options"] == "nosniff", label
        assert "Server" not in response, label
        assert not response.cookies, (label, list(response.cookies))
        if "Location" in response:
            assert not find_sensitive(unquote(response["Location"]), language), label
        if response.status_code >= 300 and response.status_code < 400:
            continue
        if not response["Content-Type"].startswith("text/html"):
            continue
        policy = set(response["Content-Security-Policy"].split("; "))
        assert policy == set(CSP.split("; ")), label
        html = response.content.decode()
        assert_nothing_from_elsewhere(html, label)
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        assert not find_sensitive(title, language), (label, title)
        for link in addresses(html):
            assert not find_sensitive(link, language), (label, link)
    assert not client.cookies
