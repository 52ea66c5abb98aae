"""Staff accounts run from the browser: create, enrol, reset a lost authenticator (C1, SR-11).

A coordinator creates the account (user, organisation, role) in one form and hands the
person an enrolment link through a channel both trust. The link opens a page with a QR
code (an SVG drawn on the server) and the key typed out; the person chooses a password,
scans, and confirms a code. The link expires after ``ENROLMENT_LINK_HOURS`` and works
once: its token is an HMAC over the account's password hash and confirmed authenticators,
so enrolling (or any password change) spends it, and no token is stored anywhere.

A reset removes the authenticator at once and makes a new link; the person keeps their
password and must type it to enrol the new phone, so whoever holds the link (the
coordinator included) cannot take the account over with it.
"""

import base64
import datetime as dt

import segno
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes, force_str
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.directory.models import Organization
from apps.directory.models.organizations import PublicationStatus

from .auth import LoginThrottle, OneTimeCodeInput
from .models import StaffProfile
from .services import audit_record, is_coordinator, profile_of, staff_profile_save

ENROLMENT_LINK_HOURS = 72


# --- The enrolment link ---------------------------------------------------------------


class EnrolmentTokenGenerator(PasswordResetTokenGenerator):
    """Django's password-reset token, salted for enrolment, spent by enrolling."""

    key_salt = "waymark.curation.accounts.EnrolmentTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk")
        devices = ",".join(str(pk) for pk in confirmed.values_list("pk", flat=True))
        return f"{super()._make_hash_value(user, timestamp)}|{devices}|{user.is_active}"

    def check_token(self, user, token):
        if not super().check_token(user, token):
            return False
        try:
            issued = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        age = self._num_seconds(self._now()) - issued
        return age <= ENROLMENT_LINK_HOURS * 3600


enrolment_tokens = EnrolmentTokenGenerator()


def enrolment_path(user) -> str:
    """The path of a fresh enrolment link for the user, in their language (show it once,
    never email it)."""
    profile = profile_of(user)
    with translation.override(profile.language if profile else settings.LANGUAGE_CODE):
        return reverse(
            "admin:staff_enrol",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": enrolment_tokens.make_token(user),
            },
        )


def enrolment_expires() -> dt.datetime:
    from django.utils import timezone

    return timezone.now() + dt.timedelta(hours=ENROLMENT_LINK_HOURS)


def user_for_link(uidb64: str, token: str):
    """The account the link enrols, or None when the link is wrong, used or expired."""
    User = get_user_model()
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        return None
    if not (user.is_active and user.is_staff) or not enrolment_tokens.check_token(user, token):
        return None
    return user


# --- Who may manage whom ----------------------------------------------------------------


def may_manage(by, user=None, role=None) -> bool:
    """Coordinators manage partners and coordinators; administrators (and superusers) too."""
    if not is_coordinator(by):
        return False
    senior = by.is_superuser or getattr(profile_of(by), "role", None) == (
        StaffProfile.Role.ADMINISTRATOR
    )
    if senior:
        return True
    if role == StaffProfile.Role.ADMINISTRATOR:
        return False
    if user is not None:
        target = profile_of(user)
        if user.is_superuser or (target and target.role == StaffProfile.Role.ADMINISTRATOR):
            return False
    return True


# --- Creating an account ----------------------------------------------------------------


class StaffAccountForm(forms.Form):
    """Everything a new staff account needs, in one screen."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("Letters, digits and @ . + - _ only. The person signs in with it."),
        validators=[get_user_model().username_validator],
    )
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("For notices about their proposals. Never used to send the enrolment link."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=StaffProfile.Role.choices)
    organization = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("Required for partner editors and managers."),
    )
    language = forms.ChoiceField(
        label=_("Email language"), choices=settings.LANGUAGES, initial="en"
    )

    def __init__(self, *args, by, **kwargs):
        super().__init__(*args, **kwargs)
        self.by = by
        self.fields["organization"].queryset = Organization.objects.exclude(
            status=PublicationStatus.ARCHIVED
        ).order_by("name")
        if not may_manage(by, role=StaffProfile.Role.ADMINISTRATOR):
            self.fields["role"].choices = [
                choice
                for choice in StaffProfile.Role.choices
                if choice[0] != StaffProfile.Role.ADMINISTRATOR
            ]

    def clean_username(self):
        username = self.cleaned_data["username"]
        User = get_user_model()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("That username is taken; choose another."))
        return username

    def clean(self):
        data = super().clean()
        role, organization = data.get("role"), data.get("organization")
        if role in StaffProfile.PARTNER_ROLES and organization is None:
            self.add_error(
                "organization", _("Partner editors and managers work for one organisation.")
            )
        elif role and role not in StaffProfile.PARTNER_ROLES and organization is not None:
            self.add_error(
                "organization", _("Coordinators and administrators work for no one organisation.")
            )
        return data


@transaction.atomic
def staff_account_create(*, by, username, email, role, organization=None, language="en"):
    """A staff account with no password and no authenticator yet: the person sets both
    through the enrolment link. Audited (SR-10)."""
    if not may_manage(by, role=role):
        raise PermissionDenied
    user = get_user_model()(username=username, email=email, is_staff=True)
    user.set_unusable_password()
    user.save()
    profile = StaffProfile(user=user, role=role, organization=organization, language=language)
    staff_profile_save(profile=profile, by=by, changed=["role", "organization"])
    _audit_account(by, user, "account.created", new={"username": username, "role": role})
    return user


def _audit_account(actor, user, action: str, **values) -> None:
    """One audit entry about a staff account, under the account's organisation."""
    profile = profile_of(user)
    audit_record(
        actor=actor,
        action=action,
        target_model="user",
        target_id=user.pk,
        organization_id=profile.organization_id if profile else None,
        **values,
    )


# --- Resetting a lost authenticator -------------------------------------------------------


@transaction.atomic
def authenticator_reset(*, by, user) -> None:
    """Remove the account's authenticators at once (a lost or stolen phone). Audited."""
    if not may_manage(by, user=user):
        raise PermissionDenied
    removed, _details = TOTPDevice.objects.filter(user=user).delete()
    _audit_account(
        by, user, "authenticator.reset", old={"authenticators": removed}, new={"authenticators": 0}
    )


# --- Enrolling ----------------------------------------------------------------------------


def pending_device(user) -> TOTPDevice:
    """The authenticator being enrolled: one unconfirmed device, kept until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// link as an inline SVG QR code, drawn on the server."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", title=str(_("QR code for your authenticator app"))
    )


def typed_key(device: TOTPDevice) -> str:
    """The secret as a person types it into an app: base32, in groups of four."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


class EnrolmentForm(forms.Form):
    """First enrolment: choose a password and confirm a code. After a reset: the current
    password and a code from the new phone."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "At least 12 characters. A few ordinary words that belong together only for you "
            "make a good one."
        ),
    )
    new_password2 = forms.CharField(
        label=_("The same password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    otp_token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=16,
        widget=OneTimeCodeInput(),
    )

    def __init__(self, *args, user, device, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.device, self.request = user, device, request
        self.first_time = not user.has_usable_password()
        if self.first_time:
            del self.fields["password"]
        else:
            del self.fields["new_password1"], self.fields["new_password2"]

    def clean(self):
        data = super().clean()
        if self.first_time:
            first, second = data.get("new_password1"), data.get("new_password2")
            if first and second and first != second:
                self.add_error("new_password2", _("The two passwords differ."))
            elif first:
                try:
                    password_validation.validate_password(first, self.user)
                except forms.ValidationError as error:
                    self.add_error("new_password1", error)
        else:
            throttle = LoginThrottle(self.request, self.user.get_username())
            if throttle.wait_seconds():
                raise forms.ValidationError(
                    _("Too many failed attempts. Try again later."), code="throttled"
                )
            password = data.get("password")
            if password and not self.user.check_password(password):
                throttle.record_failure()
                self.add_error("password", _("That is not your password."))
        token = "".join((data.get("otp_token") or "").split())
        if token and not self.device.verify_token(token):
            self.add_error(
                "otp_token",
                _(
                    "That code does not match. Check that the app shows the code for this "
                    "account, and type the code it shows now."
                ),
            )
        return data

    @transaction.atomic
    def save(self):
        user, device = self.user, self.device
        if self.first_time:
            user.set_password(self.cleaned_data["new_password1"])
            user.save(update_fields=["password"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        _audit_account(user, user, "authenticator.enrolled", new={"first_time": self.first_time})
        return user
