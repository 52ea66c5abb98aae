"""Journeys: people using Waymark in a real Chromium, typing and clicking what they see.

One server and one set of data per module (``site``), so a module is a sequence of steps
that build on each other the way a working day does, and CI starts the server once per
module instead of once per test. Nothing here POSTs directly or edits a header to get past
a failure; ``old_browser=True`` emulates a browser that sends no ``Sec-Fetch-*`` headers
and ``Origin: null`` (older Safari, Firefox and KaiOS, with a ``no-referrer`` policy), for
every request the page makes, whatever the outcome.

Rules for a journey test:
- reach every page by clicking links and buttons from a page a person would start on
  (``page.goto`` only for the first page of a journey, as a person types an address or
  follows a bookmark);
- sign in through ``sign_in`` (the real form, a real authenticator code);
- assert what the person sees (messages, numbers on the public page), and where it
  matters, what the database now holds.
"""

import time
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from django.core.management import call_command

from tests.browser import DESKTOP, PHONE, launch, open_page

pytestmark = pytest.mark.browser

# Every journey cast member's password: long, uncommon, nothing like their name (SR-12).
JOURNEY_PASSWORD = "harbour-lantern-quiet-meadow-42"


@pytest.fixture(scope="module")
def browser():
    with launch() as chromium:
        yield chromium


@dataclass
class Site:
    """The running server, and the people who use it in this module."""

    url: str
    staff: dict = field(default_factory=dict)  # name -> User


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """One live server with the demo directory and the journey cast, for a whole module.

    The data is committed (the server thread reads it), so the module flushes the
    database when it ends: later modules start from the empty test database as usual.
    The server is started here rather than through pytest-django's ``live_server``,
    which would flush the database after every test.
    """
    from django.conf import settings
    from pytest_django.live_server_helper import LiveServer

    from apps.directory.demo import load_demo

    saved_hashers = settings.PASSWORD_HASHERS
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), _test_database():
        load_demo()
        staff = make_cast()
        server = LiveServer("localhost")
        try:
            yield Site(url=server.url, staff=staff)
        finally:
            server.stop()
            call_command("flush", interactive=False, verbosity=0)
    settings.PASSWORD_HASHERS = saved_hashers
    from django.core.cache import cache

    cache.clear()


@contextmanager
def _test_database():
    """The test database, even when no other test in this run asked for one.

    pytest-django creates test databases only for runs that include a test marked
    ``django_db`` (or using ``db``/``live_server``); journey steps use neither, because
    both would reset the module's data after every step.
    """
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    if connection.creation._get_test_db_name() == connection.settings_dict["NAME"] or (
        connection.settings_dict["NAME"].startswith("file:memorydb")
    ):
        yield
        return
    config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    try:
        yield
    finally:
        teardown_databases(config, verbosity=0)


@pytest.fixture(autouse=True)
def _orm(django_db_blocker):
    """Steps read the database to check outcomes; the data is the module's (see ``site``)."""
    with django_db_blocker.unblock():
        yield


def make_cast() -> dict:
    """Partner A (two editors, a manager), partner B's editor, two coordinators."""
    from django.contrib.auth import get_user_model

    from apps.curation.auth import ensure_totp_device
    from apps.curation.models import StaffProfile
    from apps.directory.models import Organization
    from apps.directory.models.organizations import PublicationStatus

    organizations = list(
        Organization.objects.filter(status=PublicationStatus.PUBLISHED).order_by("pk")[:2]
    )
    assert len(organizations) == 2, "the demo should have two published organisations"
    partner_a, partner_b = organizations
    Role = StaffProfile.Role
    cast = {
        "editor_a": (Role.PARTNER_EDITOR, partner_a),
        "manager_a": (Role.PARTNER_MANAGER, partner_a),
        "editor_b": (Role.PARTNER_EDITOR, partner_b),
        "coordinator": (Role.COORDINATOR, None),
        "coordinator_2": (Role.COORDINATOR, None),
    }
    User = get_user_model()
    people = {}
    for username, (role, organization) in cast.items():
        user = User.objects.create_user(username, f"{username}@example.org", JOURNEY_PASSWORD)
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        StaffProfile.objects.create(user=user, role=role, organization=organization)
        ensure_totp_device(user)
        people[username] = user
    return people


def current_code(user) -> str:
    """The code the person's authenticator app shows now, waiting for a fresh one if the
    current one was already used (a real person would wait for the next code too)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from apps.curation.auth import totp_code

    for _attempt in range(40):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
        assert device is not None, f"{user.username} has no authenticator"
        step_now = int((time.time() - device.t0) // device.step)
        if step_now > device.last_t:
            return totp_code(device)
        time.sleep(1)
    raise AssertionError("no fresh authenticator code within 40 s")


def sign_in(page, site: Site, username: str, *, lang: str = "en", password=None):
    """Type the username, password and authenticator code into the staff sign-in form."""
    user = site.staff[username]
    page.goto(f"{site.url}/{lang}/staff/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password or JOURNEY_PASSWORD)
    page.locator("input[name=otp_token]").fill(current_code(user))
    page.locator("input[type=submit], button[type=submit]").first.click()
    page.wait_for_load_state()


def strip_modern_headers(route, request):
    """What an older browser sends: no Sec-Fetch-* headers, and Origin: null on POSTs.

    Chromium adds ``Sec-Fetch-*`` in its network stack, after ``route.continue_`` could
    remove them, so the request is sent by Playwright's own HTTP client instead (the
    context's cookies included, redirects not followed) and its answer handed to the page.
    """
    headers = {k: v for k, v in request.headers.items() if not k.lower().startswith("sec-fetch-")}
    if request.method == "POST":
        headers["origin"] = "null"
    response = route.fetch(headers=headers, max_redirects=0)
    route.fulfill(response=response)


def new_page(browser, site: Site, *, phone=False, old_browser=False, **options):
    """A fresh browser context (no cookies from other steps), as a new person or device."""
    context, page, traffic = open_page(browser, viewport=PHONE if phone else DESKTOP, **options)
    if old_browser:
        context.route(f"{site.url}/**", strip_modern_headers)
    return context, page, traffic
