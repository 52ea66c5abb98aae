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
from dataclasses import dataclass, field

import pytest
from django.core.management import call_command
from playwright.sync_api import Error as PlaywrightError

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


@pytest.fixture(scope="session")
def journey_database(request, django_db_setup, django_db_blocker):
    """The test database for journeys, even when no other test in this run asked for one.

    pytest-django creates test databases only for runs that include a test marked
    ``django_db`` (or using ``db``/``live_server``); journey steps use neither, because
    both would reset the module's data after every step. The server's request threads
    close their database connections after every request (``CONN_MAX_AGE = 0``): a
    connection kept open by a browser's keep-alive socket would otherwise outlive the
    module and block the flush, or dropping the test database on PostgreSQL.
    """
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _get_databases_for_setup

    saved_age = connection.settings_dict.get("CONN_MAX_AGE")
    with django_db_blocker.unblock():
        config = None
        # The same question django_db_setup asked: did any test of this run need it?
        aliases, _serialized = _get_databases_for_setup(request.session.items)
        if "default" not in aliases:
            config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
        connection.settings_dict["CONN_MAX_AGE"] = 0
        try:
            yield
        finally:
            settings.DATABASES["default"]["CONN_MAX_AGE"] = saved_age
            connection.settings_dict["CONN_MAX_AGE"] = saved_age
            if config is not None:
                _end_stray_sessions(connection)
                teardown_databases(config, verbosity=0)


def _end_stray_sessions(connection):
    """A server thread still answering a browser's last request when the server stopped
    can hold a PostgreSQL session open, and the test database cannot be dropped then."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(scope="module")
def site(journey_database, django_db_blocker):
    """One live server with the demo directory and the journey cast, for a whole module.

    The data is committed (the server thread reads it), so the module flushes the
    database when it ends: later modules start from the empty test database as usual.
    The server is started here rather than through pytest-django's ``live_server``,
    which would flush the database after every test.
    """
    from django.conf import settings
    from django.core.cache import cache
    from pytest_django.live_server_helper import LiveServer

    from apps.directory.demo import load_demo

    saved_hashers = settings.PASSWORD_HASHERS
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock():
        cache.clear()
        load_demo()
        staff = make_cast()
        server = LiveServer("localhost")
        try:
            yield Site(url=server.url, staff=staff)
        finally:
            server.stop()
            call_command("flush", interactive=False, verbosity=0)
            cache.clear()
    settings.PASSWORD_HASHERS = saved_hashers


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
    # By field name, not label, so that the form can be used in every language.
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password or JOURNEY_PASSWORD)
    page.locator("input[name=otp_token]").fill(current_code(user))
    page.locator("input[type=submit], button[type=submit]").first.click()
    page.wait_for_load_state()


def strip_modern_headers(route, request):
    """What an older browser with a ``no-referrer`` policy sends: no Sec-Fetch-* headers,
    no Referer, and Origin: null on POSTs.

    Chromium adds Sec-Fetch-* below the layer a route can edit, so the request is sent
    by Playwright's own client (sharing the context's cookies) and its answer handed back
    to the page unchanged; redirects go back through the browser, as they would.
    Limit: Chromium does not hand the body of a file upload to the route, so a form that
    uploads a file cannot be emulated this way (it would arrive empty).
    """
    headers = {
        k: v
        for k, v in request.all_headers().items()
        if not k.lower().startswith("sec-fetch-") and k.lower() not in ("referer", "cookie")
    }
    if request.method == "POST":
        headers["origin"] = "null"
    try:
        response = route.fetch(headers=headers, max_redirects=0)
        route.fulfill(response=response)
    except PlaywrightError as error:
        if "closed" not in str(error) and "disposed" not in str(error):
            raise  # otherwise the page or context closed while this request was in flight


def new_page(browser, site: Site, *, phone=False, old_browser=False, **options):
    """A fresh browser context (no cookies from other steps), as a new person or device."""
    context, page, traffic = open_page(browser, viewport=PHONE if phone else DESKTOP, **options)
    if old_browser:
        context.route(f"{site.url}/**", strip_modern_headers)
    return context, page, traffic
