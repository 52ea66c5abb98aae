"""No traces for visitors: headers, cookies, logs (QE-9…QE-17, SR-17, SR-20)."""

import json
import logging
import os
import subprocess
import sys

import pytest

from apps.core.i18n import neutral_url
from tests.conftest import ROOT
from tests.public_routes import LANGUAGE_CODES, crawler_paths, public_paths

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)


def assert_private(response):
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "geolocation=()" in response["Permissions-Policy"]
    assert "camera=()" in response["Permissions-Policy"]
    assert "Server" not in response
    assert not response.cookies, f"cookie set: {list(response.cookies)}"


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_every_public_page_is_private_in_every_language(client, demo, language):
    for path in public_paths(language):
        response = client.get(path)
        assert response.status_code in (200, 404), path
        assert_private(response)
        if response["Content-Type"].startswith("text/html"):
            assert set(response["Content-Security-Policy"].split("; ")) == set(CSP.split("; "))
    assert not client.cookies


def test_what_crawlers_read_is_private_too(client, demo):
    """robots.txt and the sitemaps (issue #22) carry the same headers and no cookie."""
    for path in crawler_paths():
        response = client.get(path)
        assert response.status_code == 200, path
        assert_private(response)
    assert not client.cookies


def test_static_files_and_redirects_are_not_stored_either(client, db):
    for path in ("/", "/static/core/site.css", "/favicon.ico", "/healthz"):
        response = client.get(path)
        assert response["Cache-Control"] == "no-store", path
        assert response["Referrer-Policy"] == "no-referrer", path


def test_search_and_language_switch_set_no_cookie(client, demo):
    response = client.post("/fr/find/", {"q": "aide"}, HTTP_ORIGIN="http://testserver", follow=True)
    assert response.status_code == 200
    assert_private(response)
    assert not client.cookies
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 302 and response["Location"] == "/ar/"
    assert not response.cookies


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("language", ["en", "ar", "zh-hans"])
def test_exit_endpoint_redirects_to_the_neutral_page_and_clears_the_site(client, method, language):
    # No database fixture: any query or session access would raise here (QE-9).
    response = getattr(client, method)(f"/{language}/exit/")
    assert response.status_code == 302
    assert response["Location"] == neutral_url(language)
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response.content == b""
    assert not response.cookies


def test_neutral_destination_is_configurable_per_language(client, settings):
    settings.NEUTRAL_URLS = {**settings.NEUTRAL_URLS, "fr": "https://meteo.example/"}
    assert client.get("/fr/exit/")["Location"] == "https://meteo.example/"


def _exit_destinations(**environment) -> dict:
    """Where /<lang>/exit/ leads for each language, with the settings read afresh from
    this environment (the rule lives in settings and ``neutral_url``)."""
    script = (
        "import django, json; django.setup();"
        "from django.conf import settings; from django.test import Client;"
        "print(json.dumps({c: Client().get(f'/{c}/exit/')['Location']"
        " for c, _n in settings.LANGUAGES}))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("WAYMARK_NEUTRAL_URL")}
    env.update(environment, DJANGO_SETTINGS_MODULE="apps.settings")
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_the_site_wide_neutral_url_is_every_languages_exit(db):
    """WAYMARK_NEUTRAL_URL is the default for every language (issue #18 item 2)."""
    destinations = _exit_destinations(WAYMARK_NEUTRAL_URL="https://weather.example/")
    assert set(destinations.values()) == {"https://weather.example/"}, destinations


def test_a_language_override_sits_on_top_of_the_site_wide_one(db):
    destinations = _exit_destinations(
        WAYMARK_NEUTRAL_URL="https://weather.example/",
        WAYMARK_NEUTRAL_URL_FR="https://meteo.example/",
    )
    assert destinations["fr"] == "https://meteo.example/"
    assert destinations["en"] == destinations["ar"] == "https://weather.example/"


def test_without_configuration_each_language_exits_to_its_own_wikipedia(db):
    destinations = _exit_destinations()
    assert destinations["fr"] == "https://fr.wikipedia.org/"
    assert destinations["zh-hans"] == "https://zh.wikipedia.org/"


def test_every_page_links_to_the_exit_before_main(client, demo):
    html = client.get("/es/r/fr/").content.decode()
    exit_at = html.index('href="/es/exit/"')
    assert exit_at < html.index("<main")
    assert 'rel="nofollow noreferrer"' in html[exit_at - 200 : exit_at + 200]


def test_search_words_never_reach_the_url_or_logs(client, demo, caplog):
    caplog.set_level(logging.DEBUG)
    response = client.post(
        "/en/find/",
        {"q": "secretword"},
        HTTP_ORIGIN="http://testserver",
        follow=True,
        HTTP_REFERER="http://testserver/en/?q=secretword",
        REMOTE_ADDR="203.0.113.77",
    )
    assert response.status_code == 200
    client.get("/en/r/fr/?free=on&q=secretword", REMOTE_ADDR="203.0.113.77")
    assert "secretword" not in caplog.text
    assert "203.0.113.77" not in caplog.text


def test_server_log_lines_lose_their_query_string():
    from apps.core.logging import ScrubRequestDetails

    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        ("GET /en/r/fr/?q=secretword HTTP/1.1", 200, 512),
        None,
    )
    record.request = object()
    ScrubRequestDetails().filter(record)
    assert record.getMessage() == '"GET /en/r/fr/ HTTP/1.1" 200 512'
    assert record.request is None


def test_foreign_origin_search_is_refused_without_echo(client, demo):
    response = client.post(
        "/en/find/", {"q": "<script>x</script>"}, HTTP_ORIGIN="https://evil.example"
    )
    assert response.status_code == 403
    assert b"<script>x" not in response.content
    assert b"could not be sent" in response.content  # a page, with the exit control
    assert b'class="exit-button"' in response.content


def test_error_pages_do_not_echo_the_request(client, demo):
    response = client.get("/en/s/999999/?x=%3Cscript%3Ealert(1)%3C/script%3E")
    assert response.status_code == 404
    assert b"alert(1)" not in response.content
    assert b"999999" not in response.content


def test_scrubbing_keeps_mapping_style_log_arguments_working():
    """Celery logs with a dict of arguments; scrubbing must not break those lines."""
    from apps.core.logging import ScrubRequestDetails

    record = logging.LogRecord(
        "celery",
        logging.INFO,
        __file__,
        1,
        "Task %(name)s from %(url)s",
        ({"name": "deliver", "url": "/en/?q=secretword"},),
        None,
    )
    ScrubRequestDetails().filter(record)
    assert record.getMessage() == "Task deliver from /en/"
