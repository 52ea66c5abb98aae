"""Staff sign-in: a second factor, throttling and the login stamp (SR-11, SR-13, SR-14, SR-20).

A hijacked staff account can change a hotline number, so signing in takes a password and
a code from an authenticator app, in one form that answers every failure the same way
(it never tells an attacker that the password was right). Failures are counted per
(username, client) and per client, never per username alone or per authenticator, so
nobody can lock a real staff member out from elsewhere (django-otp's per-device throttle
is switched off in settings for that reason). The client is an HMAC of its address with a key that
changes every day: the address itself is never stored or logged.
"""

import datetime
import logging
import math
import time
import unicodedata

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.db import transaction
from django.dispatch import receiver
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp import devices_for_user
from django_otp.forms import otp_verification_failed
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.core.ratelimit import client_address

logger = logging.getLogger(__name__)

# Session key holding the Unix time of sign-in, for the absolute limit (middleware.py).
SIGNED_IN_AT = "waymark_signed_in_at"

# Throttling (SR-13). A (username, client) pair may fail PAIR_LIMIT times, then waits
# PAIR_FIRST_DELAY, doubling with each further failure up to PAIR_MAX_DELAY; the count
# is forgotten after WINDOW without failures. One client may fail CLIENT_LIMIT times per
# WINDOW across all usernames (password spraying).
WINDOW = 15 * 60
PAIR_LIMIT = 5
PAIR_FIRST_DELAY = 60
PAIR_MAX_DELAY = 60 * 60
CLIENT_LIMIT = 30


# --- Client key ---------------------------------------------------------------------


def client_key(request, purpose: str = "staff-login") -> str:
    """A keyed hash of the client's address that changes every UTC day (SR-13, SR-21)."""
    day = datetime.datetime.now(datetime.UTC).date().isoformat()
    return salted_hmac(
        f"waymark.client-key.{purpose}.{day}", client_address(request), algorithm="sha256"
    ).hexdigest()


def _normalise_username(username: str) -> str:
    return unicodedata.normalize("NFKC", username or "").strip().casefold()


# --- Throttle -----------------------------------------------------------------------


def _cache_call(default, method, *args, **kwargs):
    """A cache that is down or misbehaving counts nothing and blocks nobody."""
    try:
        return method(*args, **kwargs)
    except Exception as error:  # noqa: BLE001 - any cache failure must fail open
        logger.warning("login throttle: cache unavailable (%s)", type(error).__name__)
        return default


def _incr(key: str, timeout: int) -> int:
    _cache_call(False, cache.add, key, 0, timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr: start again
        _cache_call(False, cache.set, key, 1, timeout)
        return 1
    except Exception as error:  # noqa: BLE001
        logger.warning("login throttle: cache unavailable (%s)", type(error).__name__)
        return 0


class LoginThrottle:
    """Counts failed sign-ins for one (username, client) pair and for the client."""

    def __init__(self, request, username: str):
        client = client_key(request)
        pair = salted_hmac(
            "waymark.staff-login.pair",
            f"{_normalise_username(username)}\n{client}",
            algorithm="sha256",
        ).hexdigest()
        self.pair_count_key = f"login-throttle:pair:{pair}:count"
        self.pair_lock_key = f"login-throttle:pair:{pair}:until"
        self.client_bucket = int(time.time() // WINDOW)
        self.client_key = f"login-throttle:client:{client}:{self.client_bucket}"

    def wait_seconds(self) -> int:
        """How long this pair or client must wait before its next try (0: go ahead)."""
        now = time.time()
        waits = [0.0]
        until = _cache_call(None, cache.get, self.pair_lock_key)
        if isinstance(until, (int, float)) and until > now:
            waits.append(until - now)
        failures = _cache_call(None, cache.get, self.client_key)
        if isinstance(failures, int) and failures >= CLIENT_LIMIT:
            waits.append((self.client_bucket + 1) * WINDOW - now)
        return math.ceil(max(waits))

    def record_failure(self) -> None:
        _incr(self.client_key, WINDOW)
        failures = _incr(self.pair_count_key, WINDOW)
        if failures < PAIR_LIMIT:
            return
        delay = min(PAIR_FIRST_DELAY * 2 ** (failures - PAIR_LIMIT), PAIR_MAX_DELAY)
        _cache_call(None, cache.set, self.pair_lock_key, time.time() + delay, delay)
        # Keep counting while the pair keeps failing, so the next delay is longer.
        _cache_call(False, cache.touch, self.pair_count_key, delay + WINDOW)
        # Neither the username nor the address: a mistyped password often lands in the
        # username field.
        logger.warning("staff sign-in throttled for %s s after %s failures", delay, failures)

    def record_success(self) -> None:
        _cache_call(False, cache.delete, self.pair_count_key)
        _cache_call(False, cache.delete, self.pair_lock_key)


# --- The sign-in form ---------------------------------------------------------------


class OneTimeCodeInput(forms.TextInput):
    """A code field that never sends the submitted code back to the browser (SR-20)."""

    def __init__(self, attrs=None):
        base = {
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "autocapitalize": "none",
            "spellcheck": "false",
        }
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value):
        return None


class StaffLoginForm(AdminAuthenticationForm):
    """Username, password and authenticator code in one step, throttled (SR-11, SR-13)."""

    otp_token = forms.CharField(
        label=_("Code from your authenticator app"),
        required=False,
        max_length=16,
        # Left optional for the form so a missing code gets the same answer as a wrong
        # one; the browser still asks for it.
        widget=OneTimeCodeInput(attrs={"aria-describedby": "otp-token-help", "required": True}),
    )

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        # One message for a wrong username, password or code, so the form never
        # confirms a guessed password on its own.
        "invalid_login": _(
            "Sign-in failed. Check your username, your password and the 6-digit code "
            "from your authenticator app, then try again."
        ),
    }

    retry_after = 0

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        throttle = None
        if username and self.request is not None:
            throttle = LoginThrottle(self.request, username)
        if throttle is not None:
            self.retry_after = throttle.wait_seconds()
            if self.retry_after:
                minutes = math.ceil(self.retry_after / 60)
                raise forms.ValidationError(
                    ngettext(
                        "Too many failed sign-in attempts. Try again in %(minutes)d minute.",
                        "Too many failed sign-in attempts. Try again in %(minutes)d minutes.",
                        minutes,
                    )
                    % {"minutes": minutes},
                    code="throttled",
                )
        try:
            super().clean()
            if self.user_cache is not None:
                self._verify_second_factor(self.user_cache)
        except forms.ValidationError:
            if throttle is not None:
                throttle.record_failure()
            raise
        if throttle is not None and self.user_cache is not None:
            throttle.record_success()
        return self.cleaned_data

    def _verify_second_factor(self, user) -> None:
        token = "".join((self.cleaned_data.get("otp_token") or "").split())
        verified = None
        # Device rows are locked while checked, so one code cannot be used twice at once;
        # the failure counts django-otp writes must survive, so raise after the block.
        with transaction.atomic():
            devices = list(devices_for_user(user, confirmed=True, for_verify=True))
            if devices and token:
                for device in devices:
                    allowed, _details = device.verify_is_allowed()
                    if allowed and device.verify_token(token):
                        verified = device
                        break
        if verified is None:
            # The same answer with no authenticator enrolled: anything else would confirm
            # a guessed password (enrolment is for an administrator, docs/staff-accounts.md).
            otp_verification_failed.send(sender=type(self), user=user)
            self.user_cache = None
            raise self.get_invalid_login_error()
        # django_otp's user_logged_in receiver stores this device in the session.
        user.otp_device = verified

    @property
    def is_throttled(self) -> bool:
        return any(error.code == "throttled" for error in self.errors.as_data().get("__all__", []))


@receiver(user_logged_in, dispatch_uid="waymark-stamp-sign-in")
def _stamp_sign_in(sender, request, user, **kwargs):
    """Remember when this session signed in, for the 12-hour limit (SR-14)."""
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = time.time()


# --- Enrolment ----------------------------------------------------------------------


@transaction.atomic
def ensure_totp_device(user, *, reset: bool = False) -> tuple[TOTPDevice, str]:
    """The user's confirmed authenticator, created if missing, replaced when ``reset``.

    Returns the device and its otpauth:// URI, which holds the secret: show it only to
    the person enrolling, never send it by email. A reset removes every other device,
    so a lost phone stops working at once (and sessions it verified lose access).
    """
    if reset:
        TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return device, device.config_url


def revoke_totp_devices(user) -> int:
    """Remove every authenticator of the user; they cannot enter until enrolled again."""
    deleted, _details = TOTPDevice.objects.filter(user=user).delete()
    return deleted


def totp_code(device: TOTPDevice, *, unused: bool = False) -> str:
    """The code the device's authenticator app shows now.

    With ``unused``, a code the device has not accepted yet (the next time step when the
    current one was just used), so tests can sign the same person in twice in a row.
    """
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now = time.time()
    for ahead in range(device.tolerance + 1 if unused else 1):
        totp.time = now + ahead * device.step
        if not unused or totp.t() > device.last_t:
            return f"{totp.token():0{device.digits}d}"
    raise RuntimeError("every code in the accepted window has been used; wait for the next one")
