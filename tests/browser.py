"""Shared helpers for the Playwright browser tests (headless system Chromium).

Each browser test module opens one Chromium with :func:`launch` from a module-scoped
fixture, and a fresh context per test, so no cookie or storage leaks between tests.
The neutral site that the quick exit leads to is a stub HTTP server on 127.0.0.1 (another
origin than the live server's ``localhost``), so no test touches the network. It is a real
server rather than ``page.route()`` because Playwright does not route the request that
follows a redirect, and the exit reaches the neutral site through the ``/exit/`` redirect.
"""

import os
import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import CHROMIUM, need

# Playwright's sync API runs an asyncio loop in the test thread; the ORM calls the test
# itself makes (fixtures, lookups) are still plain synchronous calls.
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
VIEWPORTS = [pytest.param(PHONE, id="320x640"), pytest.param(DESKTOP, id="1280x800")]
DIRECTIONS = [pytest.param("en", id="ltr"), pytest.param("ar", id="rtl")]

NEUTRAL_TITLE = "Weather"


@contextmanager
def launch():
    """One headless Chromium for a whole test module (skips, or fails in CI, without it)."""
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


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass
class Traffic:
    """Every request a page started, and every console message it logged."""

    requests: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def exits(self) -> list[str]:
        return [url for url in self.requests if urlsplit(url).path.endswith("/exit/")]


def open_page(browser, *, viewport=DESKTOP, **context_options):
    """A fresh context: no cookies or storage from other tests."""
    context = browser.new_context(viewport=viewport, **context_options)
    page = context.new_page()
    traffic = Traffic()
    page.on("request", lambda request: traffic.requests.append(request.url))
    page.on("console", lambda message: traffic.console.append(message.text))
    return context, page, traffic


@dataclass(frozen=True)
class PageKind:
    """One kind of public page, and how a visitor reaches it in a given language."""

    name: str
    path: str = ""  # formatted with lang, and the demo service ids public / hidden
    search: str = ""  # when set, the page is the result of POSTing this query

    def visit(self, page, base_url: str, lang: str, ids: dict[str, int]):
        if not self.search:
            return page.goto(base_url + self.path.format(lang=lang, **ids))
        page.goto(f"{base_url}/{lang}/find/")
        page.fill("#id_q", self.search)
        with page.expect_navigation() as navigation:
            page.click(".search-form button[type=submit]")
        response = navigation.value
        # The words go by POST; the answer is a 303 to the result address (decision 0011).
        sent = response.request.redirected_from or response.request
        assert sent.method == "POST"
        page.wait_for_selector(".result-count")
        return response


PAGE_KINDS = [
    PageKind("home", "/{lang}/"),
    PageKind("region", "/{lang}/r/fr/"),
    PageKind("region-filtered", "/{lang}/r/fr/?channel=voice&free=on&always_open=on"),
    PageKind("region-bad-filter", "/{lang}/r/fr/?type=999999"),
    PageKind("locality", "/{lang}/r/fr-ara-lyon/"),
    PageKind("service-public-address", "/{lang}/s/{public}/"),
    PageKind("service-hidden-address", "/{lang}/s/{hidden}/"),
    PageKind("search-form", "/{lang}/find/"),
    PageKind("search-results", search="example"),
    PageKind("browse-safely", "/{lang}/safety/"),
    PageKind("region-with-a-list", "/{lang}/r/fr/?ids={public}"),
    PageKind("service-with-a-list", "/{lang}/s/{hidden}/?ids={public}"),
    PageKind("results-gone", "/{lang}/find/r/AAAAAAAAAAAA/"),
    PageKind("unreadable-list", "/{lang}/r/gb/?ids=x"),
    PageKind("not-found", "/{lang}/no-such-page/"),
]


def demo_service_ids() -> dict[str, int]:
    """A demo service whose address is public, and one whose address is hidden."""
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
    assert all(ids.values()), f"the demo lacks a service with each kind of address: {ids}"
    return ids


class NeutralSite:
    """A stand-in for NEUTRAL_URLS: answers any GET with a plain page, noting its headers."""

    def __init__(self):
        visits = self.visits = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the name http.server dispatches to
                visits.append((self.path, dict(self.headers)))
                body = (
                    f"<!DOCTYPE html><html><head><title>{NEUTRAL_TITLE}</title></head>"
                    "<body><p>Sunny, 21 degrees.</p></body></html>"
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, lang: str) -> str:
        return f"{self.origin}/{lang}"

    def urls(self, languages) -> dict[str, str]:
        """settings.NEUTRAL_URLS pointing every language here."""
        return {code: self.url(code) for code, _name in languages}

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def wait_for(self, page, lang: str, timeout: float = 5000):
        """The page has left for this language's neutral page."""
        page.wait_for_url(self.url(lang), timeout=timeout)


def assert_stayed(page, traffic: Traffic, url: str, settle_ms: int = 300):
    """Nothing started an exit: no /exit/ request and the page is still there."""
    page.wait_for_timeout(settle_ms)
    assert not traffic.exits(), f"exit was triggered: {traffic.exits()}"
    assert page.url == url
