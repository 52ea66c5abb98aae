"""Titles, paths and query strings stay neutral in every language (QE-15)."""

import re
from html import unescape
from urllib.parse import unquote

import pytest

from apps.core.sensitive_words import find_sensitive
from tests.public_routes import LANGUAGE_CODES, public_paths


def links(html: str) -> list[str]:
    same_site = re.findall(r'(?:href|action)="(/[^"]*)"', html)
    return [unquote(unescape(link)) for link in same_site]


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_no_title_or_address_contains_a_sensitive_word(client, demo, language):
    for path in public_paths(language):
        html = client.get(path).content.decode()
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        assert not find_sensitive(title, language), (path, title)
        for link in [path, *links(html)]:
            assert not find_sensitive(link, language), (path, link)


def test_the_checker_catches_a_sensitive_word():
    assert find_sensitive("Emergency Shelters · Waymark", "en") == ["shelter"]
    assert find_sensitive("/ar/ملجأ/", "ar") == ["ملجأ"]


def test_site_name_is_configurable(client, db, settings):
    settings.SITE_NAME = "Garden tips"
    assert "<title>Home · Garden tips</title>" in client.get("/en/").content.decode()


def test_the_favicon_is_generic_and_served_here(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].startswith("/static/")
    assert b"<svg" in b"".join(client.get(response["Location"]).streaming_content)
