"""Shared helpers for the Playwright browser tests (system Chromium, headless).

Import the fixtures into a test module with ``from tests.browser import browser, web``
is not needed: modules call :func:`launch` from their own module-scoped fixture, so
pytest's fixture rules and ruff's redefinition check both stay simple.
"""

import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import CHROMIUM, need

# Playwright's sync API runs an asyncio loop in this thread; the ORM calls made by the
# test itself (fixtures, lookups) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 800}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}

NEUTRAL_ORIGIN = "https://neutral.test"
NEUTRAL_TITLE = "Neutral page"


@contextmanager
def launch():
    """One headless Chromium for a whole test module."""
    import shutil

    need(
        "chromium",
        Path(CHROMIUM).exists() or bool(shutil.which("chromium")),
        f"needs Chromium at {CHROMIUM} (apt-get install chromium)",
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


def neutral_urls(languages) -> dict[str, str]:
    return {code: f"{NEUTRAL_ORIGIN}/{code}" for code, _name in languages}


def fulfil_neutral(route):
    route.fulfill(
        status=200,
        content_type="text/html; charset=utf-8",
        body=f"<!DOCTYPE html><html><head><title>{NEUTRAL_TITLE}</title></head>"
        "<body><p>Weather and news.</p></body></html>",
    )


@dataclass
class Traffic:
    """Every request a page made, and every console message it logged."""

    requests: list = field(default_factory=list)
    console: list = field(default_factory=list)

    def origins(self) -> set[str]:
        return {origin_of(url) for url in self.requests}


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def open_page(browser, *, viewport=DESKTOP, **context_options):
    """A fresh context (no shared cookies or storage) with the neutral site stubbed."""
    context = browser.new_context(viewport=viewport, **context_options)
    context.route(f"{NEUTRAL_ORIGIN}/**", fulfil_neutral)
    page = context.new_page()
    traffic = Traffic()
    page.on("request", lambda request: traffic.requests.append(request.url))
    page.on("console", lambda message: traffic.console.append(message.text))
    return context, page, traffic


@dataclass
class PageKind:
    """One public page type, and how to reach it in a given language."""

    name: str
    path: str = ""  # with {lang} and {public}/{hidden} placeholders
    search: str = ""  # when set, the page is reached by POSTing this query

    def visit(self, page, base_url: str, lang: str, ids: dict[str, int]):
        if self.search:
            page.goto(f"{base_url}/{lang}/find/")
            page.fill("#id_q", self.search)
            with page.expect_navigation():
                page.click(".search-form button[type=submit]")
            return
        page.goto(base_url + self.path.format(lang=lang, **ids))


PAGE_KINDS = [
    PageKind("home", "/{lang}/"),
    PageKind("region", "/{lang}/r/fr/"),
    PageKind("region-filtered", "/{lang}/r/fr/?channel=voice&free=on&always_open=on"),
    PageKind("subregion", "/{lang}/r/fr-ara-lyon/"),
    PageKind("service-public-address", "/{lang}/s/{public}/"),
    PageKind("service-hidden-address", "/{lang}/s/{hidden}/"),
    PageKind("search-form", "/{lang}/find/"),
    PageKind("search-results", search="example"),
    PageKind("browse-safely", "/{lang}/safety/"),
    PageKind("not-found", "/{lang}/no-such-page/"),
]


def demo_service_ids() -> dict[str, int]:
    """The demo services with a public address and with a hidden one."""
    from apps.directory.models import Location, Service

    def with_location(visibility):
        return (
            Service.objects.published()
            .filter(service_at_locations__location__visibility=visibility)
            .values_list("pk", flat=True)
            .first()
        )

    ids = {
        "public": with_location(Location.Visibility.PUBLIC),
        "hidden": with_location(Location.Visibility.HIDDEN),
    }
    assert all(ids.values()), f"demo data lacks a service with each address kind: {ids}"
    return ids


def page_kind_params():
    return [pytest.param(kind, id=kind.name) for kind in PAGE_KINDS]
