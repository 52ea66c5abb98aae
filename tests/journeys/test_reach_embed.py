"""Issue #22, items 1 and 2, as partners, visitors and crawlers meet them.

- A partner (a clinic's website, served here from a second origin on 127.0.0.1) frames the
  "get help now" box; the browser shows it when the deployment allows that origin and
  refuses to frame it when not.
- A visitor on the partner's page leaves with the box's exit control: the whole window
  goes to the neutral page, not only the box; with scripts off, and from an older browser.
- A crawler reads robots.txt, the sitemap index and a language's sitemap, follows an
  address to a service page and reads its JSON-LD, checked against schema.org's types.
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import pytest
from defusedxml import ElementTree

from tests.browser import NeutralSite
from tests.journeys.conftest import new_page
from tests.journeys.staff_ops import axe_violations
from tests.schema_org import json_ld_blocks, problems

pytestmark = pytest.mark.browser

SHOTS = Path("/work/shots/seo")
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
BOX = "/embed/help/?country=fr&lang={lang}&kinds=hotline,counselling"


class PartnerSite:
    """A partner's own page, on another origin, with the box in an iframe: the snippet of
    docs/embed.md, pasted into an ordinary page."""

    def __init__(self):
        partner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the name http.server dispatches to
                body = partner.html.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.html = ""
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def page_with(self, src: str, lang: str) -> str:
        direction = "rtl" if lang == "ar" else "ltr"
        self.html = f"""<!DOCTYPE html>
<html lang="{lang}" dir="{direction}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Riverside Community Clinic</title>
<style>body {{ font-family: sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem; }}
header {{ background: #2f6f4f; color: #fff; padding: 1rem; }}</style></head>
<body><header><h1>Riverside Community Clinic</h1></header>
<p>Opening times, our team, and where to find us.</p>
<iframe src="{src}" title="Get help now" width="100%" height="520"
  style="border: 1px solid #ccc; max-width: 40rem;"
  referrerpolicy="no-referrer" loading="lazy"></iframe>
<p>Clinic news and contact details.</p></body></html>"""
        return f"{self.origin}/"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


@pytest.fixture(scope="module")
def partner():
    with PartnerSite() as site:
        yield site


@pytest.fixture
def neutral(settings):
    with NeutralSite() as site:
        settings.NEUTRAL_URLS = site.urls(settings.LANGUAGES)
        yield site


@pytest.fixture
def allowed(settings, partner):
    settings.WAYMARK_EMBED_ALLOWED_ORIGINS = [partner.origin]


def box_url(site, lang: str) -> str:
    return site.url + BOX.format(lang=lang)


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.wait_for_timeout(100)
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size(size)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_partner_page_shows_the_box_when_its_origin_is_allowed(
    browser, site, partner, allowed, lang
):
    context, page, traffic = new_page(browser, site, phone=True)
    try:
        page.goto(partner.page_with(box_url(site, lang), lang))
        box = page.frame_locator("iframe")
        box.locator(".help-now a[href='tel:+33199001001']").wait_for()
        assert box.locator("html").get_attribute("lang") == lang
        assert {"tel:15", "tel:17", "tel:18", "tel:112"} <= set(
            box.locator(".help-now a[href^='tel:']").evaluate_all(
                "links => links.map(a => a.getAttribute('href'))"
            )
        )
        assert box.locator("#exit-button").is_visible()
        assert context.cookies() == []
        # The box loads nothing from anywhere but Waymark; the partner page is its own.
        origins = {f"{urlsplit(u).scheme}://{urlsplit(u).netloc}" for u in traffic.requests}
        assert origins == {partner.origin, site.url}
        shoot(page, f"partner-{lang}")
    finally:
        context.close()


@pytest.mark.parametrize("allowed_origins", [[], ["https://another.example.org"]])
def test_a_site_not_allowed_cannot_frame_the_box(browser, site, partner, settings, allowed_origins):
    settings.WAYMARK_EMBED_ALLOWED_ORIGINS = allowed_origins
    context, page, traffic = new_page(browser, site)
    try:
        page.goto(partner.page_with(box_url(site, "en"), "en"))
        page.wait_for_load_state("load")
        page.wait_for_timeout(500)
        frame = page.frames[1]
        # Chromium shows its own error page in place of the box.
        assert not frame.url.startswith(site.url)
        assert page.frame_locator("iframe").locator(".help-now").count() == 0
        assert any("frame-ancestors" in message for message in traffic.console)
    finally:
        context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("old_browser", [False, True], ids=["current", "older"])
def test_the_exit_in_the_box_leaves_the_partner_page_too(
    browser, site, partner, allowed, neutral, javascript, old_browser
):
    context, page, _traffic = new_page(
        browser, site, phone=True, old_browser=old_browser, java_script_enabled=javascript
    )
    try:
        page.goto(partner.page_with(box_url(site, "ar"), "ar"))
        box = page.frame_locator("iframe")
        box.locator(".help-now").wait_for()
        box.locator("#exit-button").click()
        neutral.wait_for(page, "ar")  # the top window, not the frame
        assert "Sunny" in page.content()
        assert len(page.frames) == 1
    finally:
        context.close()


def test_shift_three_times_in_the_box_leaves_the_partner_page(
    browser, site, partner, allowed, neutral
):
    context, page, _traffic = new_page(browser, site)
    try:
        page.goto(partner.page_with(box_url(site, "en"), "en"))
        box = page.frame_locator("iframe")
        box.locator(".help-now a").first.focus()
        for _press in range(3):
            page.keyboard.press("Shift")
        neutral.wait_for(page, "en")
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_box_passes_axe_and_fits_a_small_phone(browser, site, lang):
    context, page, _traffic = new_page(browser, site, phone=True)
    try:
        page.goto(box_url(site, lang))
        assert axe_violations(page) == ""
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.goto(site.url + f"/embed/help/?country=atlantis&lang={lang}")
        assert page.locator("main [role=alert]").is_visible()  # the message, not the 500
        assert axe_violations(page) == ""
    finally:
        context.close()


def test_a_crawler_reads_robots_the_sitemaps_and_a_service_pages_json_ld(browser, site, settings):
    from django.core.cache import cache

    from apps.core.pagecache import purge
    from apps.directory.models import Organization

    settings.BASE_URL = site.url
    # Pages holding demonstration data are never indexed; here the demo stands for real
    # listings (the last step of the module, and put back afterwards).
    demo = list(Organization.objects.filter(is_demo=True).values_list("pk", flat=True))
    Organization.objects.filter(pk__in=demo).update(is_demo=False)
    cache.delete("waymark:demo-present")
    purge()  # pages kept with the demo banner
    context, page, _traffic = new_page(browser, site)
    try:
        robots_txt = page.request.get(f"{site.url}/robots.txt")
        assert robots_txt.ok
        robots = RobotFileParser()
        robots.parse(robots_txt.text().splitlines())
        assert robots.site_maps() == [f"{site.url}/sitemap.xml"]
        assert not robots.can_fetch("*", f"{site.url}/fr/staff/")
        assert not robots.can_fetch("*", f"{site.url}/fr/find/")

        index = ElementTree.fromstring(page.request.get(robots.site_maps()[0]).body())
        sitemaps = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
        assert len(sitemaps) == 12
        arabic = next(url for url in sitemaps if "/sitemap-ar-" in url)
        urls = ElementTree.fromstring(page.request.get(arabic).body()).findall(f"{SITEMAP}url")
        services = [u for u in urls if "/s/" in u.find(f"{SITEMAP}loc").text]
        assert services
        entry = services[0]
        hreflangs = {link.get("hreflang") for link in entry.findall(f"{XHTML}link")}
        assert {"en", "ar", "fa", "zh-hans", "x-default"} <= hreflangs
        assert robots.can_fetch("*", entry.find(f"{SITEMAP}loc").text)

        # The crawler follows the address and reads the page as a browser renders it.
        page.goto(entry.find(f"{SITEMAP}loc").text)
        assert page.locator("meta[name=robots]").count() == 0
        (data,) = json_ld_blocks(page.content())
        assert data["@type"] == "Service" and data["provider"]["@type"] == "Organization"
        assert problems(data) == []
        assert page.title().endswith(settings.SITE_NAME)
        assert context.cookies() == []
    finally:
        context.close()
        Organization.objects.filter(pk__in=demo).update(is_demo=True)
        cache.delete("waymark:demo-present")
        purge()
