"""Helpers for the staff-ops journeys: what a person reads off a page and does with it."""

import base64
import time
from pathlib import Path

from django_otp.oath import TOTP

SHOTS = Path("/work/shots/staff-ops")


def app_code(typed_key: str, *, after: int = -1) -> str:
    """The code an authenticator app shows for a key the person typed in, waiting for the
    next 30-second step when ``after`` (a step already used) is the current one."""
    secret = typed_key.replace(" ", "").upper()
    secret += "=" * (-len(secret) % 8)
    totp = TOTP(base64.b32decode(secret))
    while True:
        totp.time = time.time()
        if totp.t() > after:
            return f"{totp.token():06d}", totp.t()
        time.sleep(1)


def axe_violations(page) -> str:
    """axe-core's report for the page as it is, or "" when it finds nothing."""
    from axe_playwright_python.sync_playwright import Axe

    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    results = Axe().run(page)
    return results.generate_report() if results.violations_count else ""


def shoot(page, name: str, folder: Path = SHOTS) -> None:
    """Screenshots at 1280 and 320 px (the page as it is now), for people to look at."""
    folder.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size(size)


def no_sideways_scroll(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"
    )


def click_through(page, locator) -> None:
    """Click a link or button that loads a new page, and wait until it has loaded."""
    with page.expect_navigation():
        locator.click()
    page.wait_for_load_state()
