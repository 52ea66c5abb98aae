"""Every public page fits a cheap phone on a slow line: under 30 KB as transferred (#9).

The weight is the HTML as the server sends it (gzip) plus every stylesheet and script the
page loads, compressed the same way. No web fonts; images only where they carry meaning
(the referral QR code, which is not one of these pages).
"""

import gzip
import re

import pytest
from django.contrib.staticfiles import finders

from tests.public_routes import LANGUAGE_CODES, public_paths

LIMIT = 30 * 1024


def asset_bytes(url: str) -> int:
    path = finders.find(url.removeprefix("/static/"))
    assert path, f"{url} is not a static file of ours"
    with open(path, "rb") as handle:
        return len(gzip.compress(handle.read()))


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_every_public_page_is_under_30_kb_with_its_css_and_js(client, demo, language):
    for path in public_paths(language):
        response = client.get(path, HTTP_ACCEPT_ENCODING="gzip")
        if response.status_code != 200:
            continue  # the deliberate 404s of public_paths
        assert response["Content-Encoding"] == "gzip", path
        html = gzip.decompress(response.content).decode()
        assets = re.findall(
            r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"', html
        )
        total = len(response.content) + sum(asset_bytes(url) for url in assets)
        assert total < LIMIT, f"{path}: {total} bytes"
        assert "<img" not in html, path
        assert "@font-face" not in html and ".woff" not in html, path


def test_search_results_page_is_under_30_kb(client, demo):
    response = client.post(
        "/en/find/",
        {"q": "Example"},
        HTTP_ORIGIN="http://testserver",
        follow=True,
        HTTP_ACCEPT_ENCODING="gzip",
    )
    assert response.status_code == 200
    assert len(response.content) < LIMIT


def test_the_stylesheet_declares_no_web_font():
    path = finders.find("core/site.css")
    with open(path, encoding="utf-8") as handle:
        css = handle.read()
    assert "@font-face" not in css and "url(" not in css
