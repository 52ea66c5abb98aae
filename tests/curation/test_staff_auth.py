"""Staff accounts: a second factor, throttling, sessions, cookies and redirects.

A hijacked staff account can change a hotline number, so each test here is an attack or
a mistake a real person could make (SR-11 to SR-14, SR-18 to SR-20).
"""

import base64
import datetime as dt
import logging
import os
import re
import secrets
import subprocess
import sys
from io import StringIO
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import time_machine
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client, RequestFactory, override_settings
from django.urls import URLResolver
from django.urls.resolvers import RegexPattern
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.curation.auth import (
    CLIENT_LIMIT,
    PAIR_LIMIT,
    SIGNED_IN_AT,
    client_key,
    ensure_totp_device,
    totp_code,
)
from apps.curation.models import StaffProfile
from tests.conftest import ROOT
from tests.curation.conftest import STAFF_PASSWORD, csrf_token_of, make_staff, sign_in

LOGIN = "/en/staff/login/"
INDEX = "/en/staff/"
LOGOUT = "/en/staff/logout/"
PASSWORD_CHANGE = "/en/staff/password_change/"
HERE = {"REMOTE_ADDR": "203.0.113.5"}
ELSEWHERE = {"REMOTE_ADDR": "198.51.100.7"}
FAILED = "Sign-in failed."
THROTTLED = "Too many failed sign-in attempts"
START = dt.datetime(2031, 3, 4, 9, 0, tzinfo=dt.UTC)
LIFETIME_MIDDLEWARE = "apps.curation.middleware.SessionLifetimeMiddleware"


def device_of(user):
    return TOTPDevice.objects.get(user=user, confirmed=True)


def can_see_staff_index(client) -> bool:
    response = client.get(INDEX)
    if response.status_code == 302:
        assert urlsplit(response["Location"]).path == LOGIN
        return False
    assert response.status_code == 200
    return True


def errors_of(response) -> str:
    return " ".join(re.findall(r'class="errornote"[^>]*>\s*(.*?)\s*</p>', response.text, re.S))


def wrong_password(client, user, extra=HERE):
    return sign_in(client, user, password="not-the-password-at-all", token="000000", **extra)


@pytest.fixture
def session_lifetime(settings):
    """The absolute session limit, in place even before settings.py lists it."""
    if LIFETIME_MIDDLEWARE not in settings.MIDDLEWARE:
        middleware = list(settings.MIDDLEWARE)
        otp = middleware.index("django_otp.middleware.OTPMiddleware")
        middleware.insert(otp, LIFETIME_MIDDLEWARE)
        settings.MIDDLEWARE = middleware


# --- SR-11: a second factor before any staff page -------------------------------------


def test_the_right_password_and_code_open_the_staff_area(staff_client, editor_a):
    client = staff_client(editor_a)
    response = client.get(INDEX)
    assert response.status_code == 200
    assert "Staff area" in response.text


def test_a_password_without_a_code_does_not_open_the_staff_area(client, editor_a):
    response = sign_in(client, editor_a, token="")
    assert response.status_code == 200
    assert FAILED in errors_of(response)
    assert not can_see_staff_index(client)


def test_a_wrong_code_is_refused(client, editor_a):
    right = totp_code(device_of(editor_a))
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    response = sign_in(client, editor_a, token=wrong)
    assert FAILED in errors_of(response)
    assert not can_see_staff_index(client)


def test_a_wrong_password_and_a_wrong_code_get_the_same_answer(client, editor_a):
    """The form never confirms a guessed password on its own."""
    wrong_password = sign_in(Client(), editor_a, password="guessed-password-1")
    wrong_code = sign_in(Client(), editor_a, token="000000")
    assert errors_of(wrong_password) == errors_of(wrong_code)
    assert wrong_password.status_code == wrong_code.status_code == 200


def test_a_code_works_once_only(staff_client, editor_a):
    device = device_of(editor_a)
    code = totp_code(device, unused=True)
    assert sign_in(Client(), editor_a, token=code).status_code == 302
    replay = sign_in(Client(), editor_a, token=code)
    assert FAILED in errors_of(replay)


def test_another_persons_code_does_not_open_an_account(client, editor_a, editor_b):
    response = sign_in(client, editor_a, token=totp_code(device_of(editor_b)))
    assert FAILED in errors_of(response)
    assert not can_see_staff_index(client)


def test_a_code_with_a_space_in_the_middle_is_accepted(client, editor_a):
    code = totp_code(device_of(editor_a))
    assert sign_in(client, editor_a, token=f"{code[:3]} {code[3:]}").status_code == 302
    assert can_see_staff_index(client)


def test_an_account_without_an_authenticator_gets_the_same_answer_as_a_wrong_password(
    client, partner_a
):
    """The answer never confirms a guessed password, enrolled or not (SR-13, SR-20)."""
    user = get_user_model().objects.create_user(
        "new_editor", "new_editor@example.org", STAFF_PASSWORD, is_staff=True
    )
    StaffProfile.objects.create(user=user, role="editor", organization=partner_a)
    right_password = sign_in(client, user, token="123456")
    wrong_password = sign_in(Client(), user, password="guessed-password-1", token="123456")
    assert errors_of(right_password) == errors_of(wrong_password)
    assert FAILED in errors_of(right_password)
    assert right_password.status_code == wrong_password.status_code == 200
    assert not can_see_staff_index(client)


def test_a_superuser_needs_the_code_too(client, administrator):
    response = sign_in(client, administrator, token="")
    assert FAILED in errors_of(response)
    assert not can_see_staff_index(client)


def staff_paths():
    """One concrete path for every URL the staff area answers."""
    labels = sorted({model._meta.app_label for model in admin.site._registry})

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern.pattern, RegexPattern):
                if "app_label" in pattern.pattern.regex.groupindex:
                    yield from (prefix + f"{label}/" for label in labels)
                else:  # the final catch-all
                    yield prefix + "no-such-page/"
            # The enrolment page is for people who cannot sign in yet; its link is the key
            # (tests/curation/test_staff_accounts.py).
            elif pattern.name not in ("login", "logout", "staff_enrol"):
                yield prefix + re.sub(r"<[^>]+>", "1", str(pattern.pattern))

    return sorted(set(walk(admin.site.get_urls(), INDEX)))


def test_every_staff_page_sends_a_password_only_session_to_sign_in(administrator):
    """Signed in by password alone (no code), even a superuser reaches no staff page."""
    client = Client()
    client.force_login(administrator)
    paths = staff_paths()
    assert len(paths) > 20 and "/en/staff/auth/user/" in paths
    for path in paths:
        response = client.get(path)
        assert response.status_code == 302, path
        assert urlsplit(response["Location"]).path == LOGIN, path


def test_removing_an_authenticator_ends_access_of_sessions_it_opened(staff_client, editor_a):
    client = staff_client(editor_a)
    call_command("enrol_totp", "editor_a", "--revoke", stdout=StringIO())
    assert not can_see_staff_index(client)


def test_the_staff_area_never_shows_an_authenticator_secret(staff_client, administrator, editor_a):
    """A hijacked administrator session must not harvest everyone's second factor.

    Needs OTP_ADMIN_HIDE_SENSITIVE_DATA = True in settings (docs/staff-accounts.md).
    """
    client = staff_client(administrator)
    device = device_of(editor_a)
    secret = base64.b32encode(device.bin_key).decode()
    base = f"/en/staff/otp_totp/totpdevice/{device.pk}"
    for path in (f"{base}/change/", "/en/staff/otp_totp/totpdevice/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert device.key not in response.text and secret not in response.text
        assert f"{base}/config/" not in response.text
    assert client.get(f"{base}/config/").status_code == 403
    assert client.get(f"{base}/qrcode/").status_code == 403


# --- Enrolment ------------------------------------------------------------------------


def code_from_uri(uri: str) -> str:
    secret = parse_qs(urlsplit(uri).query)["secret"][0]
    totp = TOTP(base64.b32decode(secret))
    return f"{totp.token():06d}"


def test_enrol_totp_prints_a_link_and_qr_code_that_an_app_can_use(client, partner_a):
    user = get_user_model().objects.create_user(
        "new_editor", "new_editor@example.org", STAFF_PASSWORD, is_staff=True
    )
    out = StringIO()
    call_command("enrol_totp", "new_editor", stdout=out)
    printed = out.getvalue()
    uri = re.search(r"otpauth://totp/\S+", printed).group(0)
    assert "new_editor" in uri and "issuer=" in uri
    assert "\u2588" in printed or "\u2580" in printed  # the QR code's block characters
    # What an authenticator app computes from the link opens the staff area.
    assert sign_in(client, user, token=code_from_uri(uri)).status_code == 302
    assert can_see_staff_index(client)


def test_enrol_totp_does_not_silently_replace_an_authenticator(editor_a):
    before = device_of(editor_a).key
    with pytest.raises(CommandError, match="--reset"):
        call_command("enrol_totp", "editor_a", stdout=StringIO())
    assert device_of(editor_a).key == before


def test_a_lost_phone_is_replaced_with_reset_and_the_old_codes_stop_working(editor_a):
    old_device = device_of(editor_a)
    old_code = totp_code(old_device)
    out = StringIO()
    call_command("enrol_totp", "editor_a", "--reset", "--no-qr", stdout=out)
    assert TOTPDevice.objects.filter(user=editor_a).count() == 1
    new_uri = re.search(r"otpauth://\S+", out.getvalue()).group(0)
    assert sign_in(Client(), editor_a, token=code_from_uri(new_uri)).status_code == 302
    assert FAILED in errors_of(sign_in(Client(), editor_a, token=old_code))


def test_enrol_totp_names_an_unknown_user(db):
    with pytest.raises(CommandError, match="No user named"):
        call_command("enrol_totp", "nobody", stdout=StringIO())


def test_ensure_totp_device_keeps_an_existing_authenticator(editor_a):
    device, uri = ensure_totp_device(editor_a)
    assert device == device_of(editor_a)
    assert uri.startswith("otpauth://totp/")


def test_the_demo_code_command_prints_a_code_that_works(client, editor_a):
    out = StringIO()
    call_command("totp_code", "editor_a", stdout=out)
    code = out.getvalue().split()[0]
    assert re.fullmatch(r"\d{6}", code)
    assert sign_in(client, editor_a, token=code).status_code == 302


def test_the_demo_code_command_refuses_to_run_in_production(editor_a, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="demo only"):
        call_command("totp_code", "editor_a", stdout=StringIO())


# --- SR-12: passwords -----------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    [
        "Xq7pL2m9Zr4",  # 11 characters, however random
        "password1234",  # common
        "1qaz2wsx3edc",  # common keyboard walk
        "administrator",  # common
        "184736291047362",  # only digits
    ],
)
def test_short_common_or_numeric_passwords_are_refused(password, editor_a):
    with pytest.raises(ValidationError):
        validate_password(password, editor_a)


@pytest.mark.parametrize(
    "password",
    [
        secrets.token_urlsafe(12),  # 16 random characters
        "lantern meadow copper violin",  # no digit, no capital, no symbol: fine
        "zqjxvbwkfmtp",  # exactly 12 lower-case letters
    ],
)
def test_long_uncommon_passwords_need_no_particular_characters(password, editor_a):
    validate_password(password, editor_a)


def test_a_password_like_the_username_is_refused(db):
    user = get_user_model()(username="marguerite.dupont", email="marguerite.dupont@example.org")
    with pytest.raises(ValidationError):
        validate_password("marguerite.dupont", user)


def test_the_staff_password_page_refuses_a_short_password(staff_client, editor_a):
    client = staff_client(editor_a)
    response = client.post(
        PASSWORD_CHANGE,
        {
            "old_password": STAFF_PASSWORD,
            "new_password1": "Xq7pL2m9Zr4",
            "new_password2": "Xq7pL2m9Zr4",
        },
    )
    assert response.status_code == 200
    assert "at least 12 characters" in response.text
    editor_a.refresh_from_db()
    assert editor_a.check_password(STAFF_PASSWORD)


def test_a_password_never_expires(editor_a):
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=3 * 365), tick=False):
        client = Client()
        assert sign_in(client, editor_a).status_code == 302
        assert can_see_staff_index(client)


# --- SR-13: throttling ----------------------------------------------------------------


def test_repeated_failures_make_that_client_wait_but_not_the_same_person_elsewhere(editor_a):
    attacker = Client()
    for _ in range(PAIR_LIMIT):
        assert FAILED in errors_of(wrong_password(attacker, editor_a))
    # Even the right password and code now get "wait" from there, without being checked.
    blocked = sign_in(attacker, editor_a, **HERE)
    assert blocked.status_code == 429
    assert "Try again in 1 minute" in errors_of(blocked)
    assert int(blocked["Retry-After"]) > 0
    assert not can_see_staff_index(attacker)
    # The real editor, on their own connection, signs in as usual.
    editor = Client()
    assert sign_in(editor, editor_a, **ELSEWHERE).status_code == 302
    assert can_see_staff_index(editor)


def test_the_wait_ends_and_grows_if_failures_go_on(editor_a):
    client = Client()
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(PAIR_LIMIT):
            wrong_password(client, editor_a)
        clock.shift(dt.timedelta(seconds=61))
        # The first wait is over: one more failure, and the next wait is longer.
        assert FAILED in errors_of(wrong_password(client, editor_a))
        blocked = sign_in(client, editor_a, **HERE)
        assert blocked.status_code == 429
        assert "Try again in 2 minutes" in errors_of(blocked)
        clock.shift(dt.timedelta(seconds=121))
        assert sign_in(client, editor_a, **HERE).status_code == 302


def test_wrong_codes_from_elsewhere_never_refuse_the_owners_right_code(editor_a):
    """Someone who knows the password tries codes from many addresses, each below the
    per-client limit: the owner's right code still opens the account (SR-13)."""
    device = device_of(editor_a)
    right = totp_code(device)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    for n in range(6):
        for _ in range(PAIR_LIMIT - 1):
            attempt = sign_in(Client(), editor_a, token=wrong, REMOTE_ADDR=f"192.0.2.{n + 10}")
            assert FAILED in errors_of(attempt)
    owner = Client()
    assert sign_in(owner, editor_a, **ELSEWHERE).status_code == 302
    assert can_see_staff_index(owner)


def test_a_successful_sign_in_clears_the_count(editor_a):
    client = Client()
    for _ in range(PAIR_LIMIT - 1):
        wrong_password(client, editor_a)
    assert sign_in(client, editor_a, **HERE).status_code == 302
    for _ in range(PAIR_LIMIT - 1):
        wrong_password(Client(), editor_a)
    assert sign_in(Client(), editor_a, **HERE).status_code == 302


def test_trying_many_usernames_from_one_client_is_stopped(editor_a):
    client = Client()
    for n in range(CLIENT_LIMIT):
        client.post(LOGIN, {"username": f"guess{n}", "password": "Summer2031!"}, **HERE)
    blocked = sign_in(client, editor_a, **HERE)
    assert blocked.status_code == 429
    assert THROTTLED in errors_of(blocked)
    # Nobody else is affected.
    assert sign_in(Client(), editor_a, **ELSEWHERE).status_code == 302


def test_the_throttle_keeps_no_address_or_username(editor_a, settings):
    # An in-memory cache whose stored keys and values can be read back, whatever
    # backend the run uses.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "throttle-inspection",
        }
    }
    client = Client()
    for _ in range(PAIR_LIMIT + 1):
        wrong_password(client, editor_a)
    store = caches["default"]._cache  # LocMemCache: key -> pickled value
    assert store, "the throttle stored nothing"
    for key, value in store.items():
        for secret in (HERE["REMOTE_ADDR"], "editor_a"):
            assert secret not in key
            assert secret.encode() not in value


def test_the_client_key_is_a_daily_hash_never_the_address():
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.5")
    with time_machine.travel(START, tick=False) as clock:
        monday = client_key(request)
        assert client_key(request) == monday
        assert "203.0.113" not in monday and len(monday) == 64
        clock.shift(dt.timedelta(days=1))
        assert client_key(request) != monday
    other = RequestFactory().get("/", REMOTE_ADDR="203.0.113.6")
    assert client_key(other) != client_key(request)


def test_addresses_in_one_ipv6_slash_64_are_one_client():
    one = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2::1")
    same_subscriber = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2:ffff::9")
    neighbour = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:3::1")
    assert client_key(one) == client_key(same_subscriber) != client_key(neighbour)


def test_behind_the_proxy_the_forwarded_address_names_the_client(settings):
    def request(forwarded):
        return RequestFactory().get("/", REMOTE_ADDR="172.18.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    # Without a proxy, the header is the client's own word and is ignored.
    settings.SECURE_PROXY_SSL_HEADER = None
    assert client_key(request("203.0.113.5")) == client_key(request("198.51.100.7"))
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert client_key(request("203.0.113.5")) != client_key(request("198.51.100.7"))
    # A client cannot pose as another by sending its own header: the proxy's entry is last.
    assert client_key(request("198.51.100.7, 203.0.113.5")) == client_key(request("203.0.113.5"))


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "apps.core.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
)
def test_a_cache_that_is_down_locks_nobody_out_and_breaks_nothing(editor_a):
    client = Client()
    for _ in range(PAIR_LIMIT + 2):
        assert FAILED in errors_of(wrong_password(client, editor_a))
    assert sign_in(client, editor_a, **HERE).status_code == 302
    assert can_see_staff_index(client)


def test_a_cache_that_raises_locks_nobody_out(editor_a, monkeypatch):
    class BrokenCache:
        def __getattr__(self, name):
            def broken(*args, **kwargs):
                raise ConnectionError("cache gone")

            return broken

    monkeypatch.setattr("apps.curation.auth.cache", BrokenCache())
    client = Client()
    for _ in range(PAIR_LIMIT + 1):
        assert FAILED in errors_of(wrong_password(client, editor_a))
    assert sign_in(client, editor_a, **HERE).status_code == 302


# --- SR-14: sessions ------------------------------------------------------------------


def test_signing_in_replaces_a_session_key_planted_beforehand(editor_a):
    """Session fixation: a key given to the victim before sign-in is worth nothing after."""
    from django.contrib.sessions.backends.db import SessionStore

    planted = SessionStore()
    planted["planted"] = True
    planted.create()
    victim = Client()
    victim.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key
    assert sign_in(victim, editor_a).status_code == 302
    assert victim.cookies[settings.SESSION_COOKIE_NAME].value != planted.session_key
    attacker = Client()
    attacker.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key
    assert not can_see_staff_index(attacker)


def test_thirty_idle_minutes_end_the_session(staff_client, editor_a):
    with time_machine.travel(START, tick=False) as clock:
        client = staff_client(editor_a)
        clock.shift(dt.timedelta(minutes=29))
        assert can_see_staff_index(client)  # and this visit renews the 30 minutes
        clock.shift(dt.timedelta(minutes=29))
        assert can_see_staff_index(client)
        clock.shift(dt.timedelta(minutes=31))
        assert not can_see_staff_index(client)


def test_twelve_hours_end_even_a_busy_session(session_lifetime, staff_client, editor_a):
    with time_machine.travel(START, tick=False) as clock:
        client = staff_client(editor_a)
        for _ in range(12 * 60 // 25):  # a visit every 25 minutes for 11 h 40
            clock.shift(dt.timedelta(minutes=25))
            assert can_see_staff_index(client)
        clock.shift(dt.timedelta(minutes=25))  # 12 h 05 after signing in
        old_key = client.cookies[settings.SESSION_COOKIE_NAME].value
        assert not can_see_staff_index(client)
        assert not Session.objects.filter(session_key=old_key).exists()


def test_a_signed_in_session_without_a_sign_in_time_is_ended(
    session_lifetime, staff_client, editor_a
):
    client = staff_client(editor_a)
    session = client.session
    del session[SIGNED_IN_AT]
    session.save()
    assert not can_see_staff_index(client)


def test_the_session_lifetime_middleware_sits_between_auth_and_otp():
    """settings.MIDDLEWARE must list it; see docs/staff-accounts.md."""
    middleware = settings.MIDDLEWARE
    assert LIFETIME_MIDDLEWARE in middleware
    position = middleware.index(LIFETIME_MIDDLEWARE)
    assert middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware") < position
    assert position < middleware.index("django_otp.middleware.OTPMiddleware")


def test_signing_out_ends_the_session_on_the_server(staff_client, editor_a):
    client = staff_client(editor_a)
    old_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    response = client.post(LOGOUT)
    assert response.status_code == 200
    assert "You are signed out" in response.text
    assert not Session.objects.filter(session_key=old_key).exists()
    # Someone who copied the cookie before sign-out gets nothing with it.
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = old_key
    assert not can_see_staff_index(thief)


# --- SR-18: cookies and CSRF ----------------------------------------------------------


def test_staff_cookies_are_http_only_and_same_site(editor_a):
    client = Client()
    response = sign_in(client, editor_a)
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    # The CSRF token is kept in the server-side session, not in a cookie (decision 0010).
    assert settings.CSRF_COOKIE_NAME not in client.cookies
    assert csrf_token_of(client)


@override_settings(SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True)
def test_staff_cookies_are_secure_over_https(editor_a):
    client = Client()
    response = sign_in(client, editor_a)
    assert response.cookies[settings.SESSION_COOKIE_NAME]["secure"] is True
    assert list(client.cookies) == [settings.SESSION_COOKIE_NAME]


def test_production_settings_make_staff_cookies_secure(tmp_path):
    code = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, "
        "settings.SESSION_COOKIE_HTTPONLY, settings.SESSION_COOKIE_SAMESITE)"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("WAYMARK", "DATABASE", "REDIS", "CELERY", "DJANGO", "HTTPS"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="apps.settings",
        WAYMARK_DATA_DIR=str(tmp_path),
        WAYMARK_ENV="production",
        SECRET_KEY="k" * 20 + "abcdefghijklmnopqrstuvwxyz0123456789",
        ALLOWED_HOSTS="help.example.org",
        DATABASE_URL="postgres://u:p@db:5432/waymark",
        CELERY_BROKER_URL="redis://redis:6379/0",
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "Lax"]


def csrf_client_signed_in(staff_client, user, **extra):
    client = staff_client(user, client=Client(enforce_csrf_checks=True), **extra)
    return client, csrf_token_of(client)


def test_signing_in_without_a_csrf_token_is_refused(editor_a):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        LOGIN,
        {
            "username": "editor_a",
            "password": STAFF_PASSWORD,
            "otp_token": totp_code(device_of(editor_a)),
        },
    )
    assert response.status_code == 403
    assert not can_see_staff_index(client)


def test_a_staff_post_without_a_csrf_token_is_refused(staff_client, editor_a):
    client, _token = csrf_client_signed_in(staff_client, editor_a)
    response = client.post(
        PASSWORD_CHANGE,
        {"old_password": STAFF_PASSWORD, "new_password1": "x" * 20, "new_password2": "x" * 20},
    )
    assert response.status_code == 403
    editor_a.refresh_from_db()
    assert editor_a.check_password(STAFF_PASSWORD)


def password_change_data(token):
    new = secrets.token_urlsafe(16)
    return {
        "csrfmiddlewaretoken": token,
        "old_password": STAFF_PASSWORD,
        "new_password1": new,
        "new_password2": new,
    }


FOREIGN = [
    {"HTTP_ORIGIN": "https://evil.example"},
    {"HTTP_ORIGIN": "http://testserver.evil"},
    # Origin: null is judged by what else the browser says (decision 0010).
    {"HTTP_ORIGIN": "null", "HTTP_SEC_FETCH_SITE": "cross-site"},
    {"HTTP_ORIGIN": "null", "HTTP_SEC_FETCH_SITE": "same-site"},
    {"HTTP_ORIGIN": "null", "HTTP_SEC_FETCH_SITE": "none"},
    {"HTTP_ORIGIN": "null", "HTTP_REFERER": "http://evil.example/en/staff/"},
    {"HTTP_ORIGIN": "null", "HTTP_REFERER": "http://testserver.evil/en/staff/"},
]


@pytest.mark.parametrize("secure", [False, True], ids=["http", "https"])
@pytest.mark.parametrize("headers", FOREIGN, ids=lambda h: " ".join(h.values()))
def test_a_staff_post_from_a_foreign_origin_is_refused(staff_client, editor_a, headers, secure):
    client, token = csrf_client_signed_in(staff_client, editor_a, secure=secure)
    if secure and "HTTP_REFERER" in headers:
        headers = {**headers, "HTTP_REFERER": headers["HTTP_REFERER"].replace("http:", "https:")}
    data = password_change_data(token)
    response = client.post(PASSWORD_CHANGE, data, secure=secure, **headers)
    assert response.status_code == 403
    editor_a.refresh_from_db()
    assert editor_a.check_password(STAFF_PASSWORD)
    # The same form from the site itself goes through.
    own = "https://testserver" if secure else "http://testserver"
    response = client.post(PASSWORD_CHANGE, data, secure=secure, HTTP_ORIGIN=own)
    assert response.status_code == 302
    editor_a.refresh_from_db()
    assert editor_a.check_password(data["new_password1"])


SAME_ORIGIN_NULL = [
    # Current Chromium under a no-referrer policy.
    {"HTTP_ORIGIN": "null", "HTTP_SEC_FETCH_SITE": "same-origin"},
    # An older browser: no Sec-Fetch-*, a Referer from this site...
    {"HTTP_ORIGIN": "null", "HTTP_REFERER": "{scheme}://testserver/en/staff/"},
    # ...or no Referer at all: the session's token decides.
    {"HTTP_ORIGIN": "null"},
]


@pytest.mark.parametrize("secure", [False, True], ids=["http", "https"])
@pytest.mark.parametrize("headers", SAME_ORIGIN_NULL, ids=lambda h: " ".join(h.values()))
def test_a_staff_post_with_origin_null_from_the_site_itself_goes_through(
    staff_client, editor_a, headers, secure
):
    scheme = "https" if secure else "http"
    headers = {k: v.format(scheme=scheme) for k, v in headers.items()}
    client, token = csrf_client_signed_in(staff_client, editor_a, secure=secure)
    data = password_change_data(token)
    # Without the token, Origin: null is no pass.
    refused = client.post(
        PASSWORD_CHANGE, {**data, "csrfmiddlewaretoken": ""}, secure=secure, **headers
    )
    assert refused.status_code == 403
    response = client.post(PASSWORD_CHANGE, data, secure=secure, **headers)
    assert response.status_code == 302
    editor_a.refresh_from_db()
    assert editor_a.check_password(data["new_password1"])


def test_a_token_planted_in_a_cookie_is_worth_nothing(staff_client, editor_a):
    """A sibling subdomain or a network attacker can set a csrftoken cookie; the token that
    counts lives in the session, so a matching cookie and form field do not pass."""
    client, _token = csrf_client_signed_in(staff_client, editor_a, secure=True)
    planted = "A" * 32
    client.cookies[settings.CSRF_COOKIE_NAME] = planted
    data = password_change_data(planted)
    response = client.post(PASSWORD_CHANGE, data, secure=True, HTTP_ORIGIN="null")
    assert response.status_code == 403
    editor_a.refresh_from_db()
    assert editor_a.check_password(STAFF_PASSWORD)


def test_staff_pages_send_the_referer_to_the_site_only_and_public_pages_never(
    staff_client, editor_a, client, db
):
    staff = staff_client(editor_a)
    policy = staff.get(INDEX)["Referrer-Policy"]
    # The last policy a browser knows wins: current ones use same-origin, old ones none.
    assert [p.strip() for p in policy.split(",")] == ["no-referrer", "same-origin"]
    assert client.get(LOGIN)["Referrer-Policy"] == "no-referrer, same-origin"
    assert client.get("/en/")["Referrer-Policy"] == "no-referrer"
    assert client.get("/en/exit/")["Referrer-Policy"] == "no-referrer"


# --- SR-19: no open redirect ----------------------------------------------------------

FOREIGN_TARGETS = [
    "https://evil.example",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "https://testserver@evil.example",
    "data:text/html,<script>alert(1)</script>",
]


def assert_local(location: str):
    parts = urlsplit(location)
    assert not parts.scheme and not parts.netloc, location
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location


@pytest.mark.parametrize("target", FOREIGN_TARGETS)
def test_signing_in_never_sends_staff_to_another_site(editor_a, target):
    client = Client()
    page = client.get(LOGIN, {"next": target})
    assert re.search(r'name="next" value="([^"]*)"', page.text).group(1) == ""
    token = totp_code(device_of(editor_a))
    response = client.post(
        f"{LOGIN}?{urlencode({'next': target})}",
        {"username": "editor_a", "password": STAFF_PASSWORD, "otp_token": token, "next": target},
    )
    assert response.status_code == 302
    assert_local(response["Location"])
    assert response["Location"] == INDEX


def test_a_local_next_is_honoured(editor_a):
    client = Client()
    token = totp_code(device_of(editor_a))
    response = client.post(
        LOGIN,
        {
            "username": "editor_a",
            "password": STAFF_PASSWORD,
            "otp_token": token,
            "next": PASSWORD_CHANGE,
        },
    )
    assert response["Location"] == PASSWORD_CHANGE


@pytest.mark.parametrize("target", FOREIGN_TARGETS)
def test_signing_out_never_sends_staff_to_another_site(staff_client, editor_a, target):
    client = staff_client(editor_a)
    response = client.post(f"{LOGOUT}?{urlencode({'next': target})}", {"next": target})
    if response.status_code == 302:
        assert_local(response["Location"])
    else:
        assert response.status_code == 200 and "You are signed out" in response.text
    assert not can_see_staff_index(client)


# --- SR-20: nothing typed is echoed or logged -----------------------------------------


def test_errors_never_show_the_password_or_code_typed(client, editor_a, caplog):
    caplog.set_level(logging.DEBUG)
    canary_password = "Canary-Password-7c1e9a"
    canary_code = "271828"
    pages = [
        sign_in(Client(), editor_a, password=canary_password, token=canary_code, **HERE),
        # The right password with a wrong code must not send the password back either.
        sign_in(Client(), editor_a, token=canary_code, **HERE),
    ]
    for _ in range(PAIR_LIMIT):
        pages.append(sign_in(Client(), editor_a, password=canary_password, **HERE))
    assert pages[-1].status_code == 429
    for page in pages:
        for secret in (canary_password, STAFF_PASSWORD, canary_code):
            assert secret not in page.text
    logs = caplog.text
    for secret in (canary_password, STAFF_PASSWORD, canary_code, HERE["REMOTE_ADDR"], "editor_a"):
        assert secret not in logs


# --- The standing cast -----------------------------------------------------------------


def test_the_cast_are_enrolled_staff_of_their_organisations(
    editor_a, manager_a, editor_b, coordinator, partner_a, partner_b
):
    assert editor_a.staff_profile.organization == manager_a.staff_profile.organization
    assert editor_a.staff_profile.organization == partner_a
    assert editor_b.staff_profile.organization == partner_b
    assert (
        coordinator.staff_profile.is_coordinator and coordinator.staff_profile.organization is None
    )
    for person in (editor_a, manager_a, editor_b, coordinator):
        assert person.email and person.is_staff
        assert device_of(person).confirmed


def test_staff_client_can_sign_the_same_person_in_twice(staff_client, coordinator):
    first, second = staff_client(coordinator), staff_client(coordinator)
    assert can_see_staff_index(first) and can_see_staff_index(second)


def test_a_visitor_is_anonymous_and_gets_no_cookie_on_public_pages(db, visitor):
    response = visitor.get("/en/safety/")
    assert response.status_code == 200
    assert not response.cookies
    assert not can_see_staff_index(visitor)


def test_signing_in_keeps_the_verifying_device_in_the_session(db):
    user = make_staff("new_coordinator", StaffProfile.Role.COORDINATOR)
    client = Client()
    assert sign_in(client, user).status_code == 302
    assert client.session[DEVICE_ID_SESSION_KEY] == device_of(user).persistent_id


def test_the_csrf_protection_cannot_quietly_go_missing(settings):
    """Django's own check for it is silenced (it knows the middleware only by name)."""
    from apps.core.security import CSRF_MIDDLEWARE, check_csrf_middleware

    assert check_csrf_middleware() == []
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != CSRF_MIDDLEWARE]
    assert [error.id for error in check_csrf_middleware()] == ["waymark.E001"]
