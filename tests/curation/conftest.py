"""The standing cast for curation tests (STYLE.md), so permission tests read as stories.

Two partner organisations; ``editor_a`` and ``manager_a`` work for partner A (French is
their email language), ``editor_b`` for partner B; ``coordinator`` and ``administrator``
work for the network. Every staff member has a password, an email address and an
enrolled authenticator. ``staff_client(user)`` signs a person in through the real sign-in
form with a real authenticator code; ``visitor`` is an anonymous browser.
"""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.curation.auth import ensure_totp_device, totp_code
from apps.curation.models import StaffProfile
from apps.directory.models import Organization
from apps.directory.models.organizations import PublicationStatus

# Every cast member's password: long, uncommon, and nothing like their name (SR-12).
STAFF_PASSWORD = "lantern-meadow-copper-violin"
LOGIN_URL = "/{language}/staff/login/"


def make_staff(username, role, organization=None, *, language="en", superuser=False):
    """A staff member with a profile and an enrolled authenticator."""
    User = get_user_model()
    create = User.objects.create_superuser if superuser else User.objects.create_user
    user = create(username, f"{username}@example.org", STAFF_PASSWORD)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    StaffProfile.objects.create(user=user, role=role, organization=organization, language=language)
    ensure_totp_device(user)
    return user


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The production hasher costs about a second per check here; these tests check dozens."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def partner_a(db):
    return Organization.objects.create(
        name="Partner A Example Shelter", status=PublicationStatus.PUBLISHED
    )


@pytest.fixture
def partner_b(db):
    return Organization.objects.create(
        name="Partner B Example Rights Centre", status=PublicationStatus.PUBLISHED
    )


@pytest.fixture
def editor_a(partner_a):
    return make_staff("editor_a", StaffProfile.Role.PARTNER_EDITOR, partner_a, language="fr")


@pytest.fixture
def manager_a(partner_a):
    return make_staff("manager_a", StaffProfile.Role.PARTNER_MANAGER, partner_a, language="fr")


@pytest.fixture
def editor_b(partner_b):
    return make_staff("editor_b", StaffProfile.Role.PARTNER_EDITOR, partner_b)


@pytest.fixture
def coordinator(db):
    return make_staff("coordinator", StaffProfile.Role.COORDINATOR)


@pytest.fixture
def administrator(db):
    return make_staff("administrator", StaffProfile.Role.ADMINISTRATOR, superuser=True)


@pytest.fixture
def visitor():
    """An anonymous browser, as a member of the public."""
    return Client()


def csrf_token_of(client) -> str | None:
    """The CSRF token of the client's session, as the forms it was shown carry it."""
    from django.middleware.csrf import CSRF_SESSION_KEY

    if settings.SESSION_COOKIE_NAME not in client.cookies:
        return None
    return client.session.get(CSRF_SESSION_KEY)


def sign_in(client, user, *, password=STAFF_PASSWORD, token=None, language="en", **extra):
    """Post the staff sign-in form as a person would: load it, then submit it."""
    url = LOGIN_URL.format(language=language)
    client.get(url, **extra)
    if token is None:
        token = totp_code(TOTPDevice.objects.get(user=user, confirmed=True), unused=True)
    data = {"username": user.get_username(), "password": password, "otp_token": token}
    csrf = csrf_token_of(client)
    if csrf is not None:
        data["csrfmiddlewaretoken"] = csrf
    return client.post(url, data, **extra)


@pytest.fixture
def staff_client():
    """``staff_client(user)``: a Client signed in and verified by the real sign-in form.

    Options: ``language`` (the URL prefix, default "en"), ``client`` (an existing Client,
    e.g. ``Client(enforce_csrf_checks=True)``), ``password``, and request ``extra`` such as
    ``REMOTE_ADDR``.
    """

    def signed_in(user, *, language="en", client=None, password=STAFF_PASSWORD, **extra):
        client = client if client is not None else Client()
        response = sign_in(client, user, password=password, language=language, **extra)
        assert response.status_code == 302, f"sign-in of {user} failed ({response.status_code})"
        assert DEVICE_ID_SESSION_KEY in client.session, f"{user} is signed in but not verified"
        return client

    return signed_in
