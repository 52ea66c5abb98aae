"""The embeddable "get help now" box (issue #22, item 2): the address chooses country,
language and kinds of help; only the deployment's allowed origins may frame it; bad
addresses get a translated 400; nothing is stored and no cookie is set."""

import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.env import env_origins
from apps.directory.models import Channel

PARTNER = "https://partner.example.org"


def frame_ancestors(response) -> str:
    policy = dict(
        directive.split(" ", 1)
        for directive in response["Content-Security-Policy"].split("; ")
        if " " in directive
    )
    return policy["frame-ancestors"]


def tel_links(html: str) -> list[str]:
    return re.findall(r'href="tel:([^"]+)"', html)


def test_by_default_no_site_may_frame_the_box(client, demo):
    response = client.get("/embed/help/?country=fr&lang=en")
    assert response.status_code == 200
    assert frame_ancestors(response) == "'none'"
    assert response["X-Frame-Options"] == "DENY"


def test_allowed_origins_may_frame_the_box_and_nothing_else(client, demo, settings):
    settings.WAYMARK_EMBED_ALLOWED_ORIGINS = [PARTNER, "http://127.0.0.1:8123"]
    for _twice in range(2):  # built, then served from the server's page cache
        response = client.get("/embed/help/?country=fr&lang=en")
        assert response.status_code == 200
        assert frame_ancestors(response) == f"{PARTNER} http://127.0.0.1:8123"
        # X-Frame-Options cannot name an origin; current browsers obey frame-ancestors.
        assert "X-Frame-Options" not in response
        assert not response.cookies
        assert response["Cache-Control"] == "no-store"
    for path in ("/en/", "/en/r/fr/", "/en/safety/", "/robots.txt", "/en/no-such-page/"):
        other = client.get(path)
        assert frame_ancestors(other) == "'none'", path
        assert other["X-Frame-Options"] == "DENY", path
    # A bad address may be framed too, so the partner's visitor sees the message.
    assert (
        frame_ancestors(client.get("/embed/help/?country=xx")) == f"{PARTNER} http://127.0.0.1:8123"
    )


def test_the_box_shows_the_countrys_lines_and_emergency_numbers_in_the_language_asked(client, demo):
    html = client.get("/embed/help/?country=FR&lang=ar").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    national = Channel.objects.help_now().get(number="+33199001001")
    assert tel_links(html) == [str(national.number), "15", "17", "18", "112"]
    assert "فرنسا" in html  # France, in Arabic (CLDR)
    assert 'href="/ar/r/fr/" target="_top"' in html  # the whole directory, in the same language
    # Every link leaves the frame for the whole window.
    assert all('target="_top"' in link for link in re.findall(r"<a [^>]+>", html))


def test_the_exit_leaves_the_whole_window_without_any_script(client, demo, settings):
    settings.NEUTRAL_URLS = {"fr": "https://meteo.example.org/"}
    html = client.get("/embed/help/?country=fr&lang=fr").content.decode()
    exit_link = re.search(r"<a [^>]*data-exit[^>]*>", html).group(0)
    assert 'href="https://meteo.example.org/"' in exit_link
    assert 'target="_top"' in exit_link
    assert "noreferrer" in exit_link
    assert "Quitter le site" in exit_link or "Quitter le site" in html


def test_kinds_of_help_narrow_the_lines(client, demo):
    hotlines = client.get("/embed/help/?country=fr&lang=en&kinds=hotline").content.decode()
    assert "+33199001001" in tel_links(hotlines)
    legal = client.get("/embed/help/?country=fr&lang=en&kinds=legal,medical").content.decode()
    assert "+33199001001" not in tel_links(legal)
    assert "No line of these kinds is listed for this country yet." in legal
    assert {"15", "17", "18", "112"} <= set(tel_links(legal))  # always there


def test_a_real_country_without_listings_still_gets_its_emergency_numbers(client, demo):
    response = client.get("/embed/help/?country=de&lang=fr")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Allemagne" in html
    assert "112" in tel_links(html)
    assert "Aucune ligne d’écoute nationale n’est encore répertoriée pour ce pays." in html


@pytest.mark.parametrize(
    "query",
    [
        "country=xx&lang=fr",
        "country=fra&lang=fr",
        "lang=fr",
        "country=f%C3%A9&lang=fr",
        "country=fr&lang=fr&kinds=hotline,nonsense",
        "country=fr&lang=fr&kinds=" + ",".join(f"k{i}" for i in range(50)),
        "country=fr&lang=fr&kinds=%3Cscript%3E",
    ],
)
def test_a_bad_address_gets_a_translated_message_and_nothing_changes(client, demo, query):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/embed/help/?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ce cadre ne peut pas s’afficher" in html
    assert "<script>" not in html.split("</head>")[1]
    writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert writes == []
    assert not response.cookies


def test_an_unknown_language_gets_the_message_in_the_browsers_language(client, demo):
    response = client.get("/embed/help/?country=fr&lang=xx", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 400
    assert "Este recuadro no se puede mostrar" in response.content.decode()


def test_only_reading_methods_are_answered(client, demo):
    assert client.post("/embed/help/?country=fr").status_code == 405


@pytest.mark.parametrize(
    "value",
    [
        "*",
        "https://partner.example.org/page",
        "partner.example.org",
        "https://a.org 'unsafe-inline'",
        "https://*.example.org",
    ],
)
def test_the_setting_takes_origins_only(monkeypatch, value):
    monkeypatch.setenv("WAYMARK_EMBED_ALLOWED_ORIGINS", value)
    with pytest.raises(ImproperlyConfigured):
        env_origins("WAYMARK_EMBED_ALLOWED_ORIGINS")


def test_the_setting_reads_a_list_of_origins(monkeypatch):
    monkeypatch.setenv(
        "WAYMARK_EMBED_ALLOWED_ORIGINS", "https://Partner.example.org, http://localhost:8080"
    )
    assert env_origins("WAYMARK_EMBED_ALLOWED_ORIGINS") == [
        "https://partner.example.org",
        "http://localhost:8080",
    ]
    monkeypatch.setenv("WAYMARK_EMBED_ALLOWED_ORIGINS", "")
    assert env_origins("WAYMARK_EMBED_ALLOWED_ORIGINS") == []
