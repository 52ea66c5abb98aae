"""Staff accounts from the browser (issue 15, item 3): create in one screen, enrol through
a link that expires and works once, reset a lost phone (audited)."""

import base64
import datetime as dt
import re
import time

import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.curation.accounts import ENROLMENT_LINK_HOURS
from apps.curation.models import AuditEntry, StaffProfile

NEW_PASSWORD = "window-harvest-silver-anchor"


def create_account(client, **fields):
    data = {
        "username": "new_editor",
        "email": "new_editor@example.org",
        "role": "editor",
        "language": "en",
        **fields,
    }
    return client.post("/en/staff/curation/staffprofile/add/", data)


def link_in(response) -> str:
    match = re.search(r'id="enrolment-link"[^>]*value="http://testserver([^"]+)"', response.text)
    assert match, response.text[:3000]
    return match.group(1)


def code_for(page_text: str, ahead: int = 0) -> str:
    key = re.search(r'class="enrol-key"[^>]*>([A-Z2-7 ]+)<', page_text).group(1)
    secret = key.replace(" ", "")
    secret += "=" * (-len(secret) % 8)
    totp = TOTP(base64.b32decode(secret))
    totp.time = time.time() + ahead * 30
    return f"{totp.token():06d}"


def enrol(link, *, client=None, ahead=0, **fields):
    client = client or Client()
    page = client.get(link)
    assert page.status_code == 200, page.status_code
    data = {"otp_token": code_for(page.text, ahead), **fields}
    return client, client.post(link, data)


def test_a_coordinator_creates_an_account_and_the_person_enrols_once(
    staff_client, coordinator, partner_a
):
    client = staff_client(coordinator)
    form = client.get("/en/staff/curation/staffprofile/add/")
    assert "Create the account" in form.text
    response = create_account(client, organization=partner_a.pk)
    link = link_in(response)
    user = get_user_model().objects.get(username="new_editor")
    assert user.is_staff and not user.has_usable_password()
    assert user.staff_profile.role == StaffProfile.Role.PARTNER_EDITOR
    assert user.staff_profile.organization == partner_a
    assert AuditEntry.objects.filter(action="account.created", target_id=user.pk).exists()

    _client, done = enrol(link, new_password1=NEW_PASSWORD, new_password2=NEW_PASSWORD)
    assert done.status_code == 302 and done["Location"].endswith("/staff/login/")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
    assert AuditEntry.objects.filter(action="authenticator.enrolled", target_id=user.pk).exists()
    # The link works once.
    assert Client().get(link).status_code == 404


def test_a_partner_role_needs_an_organisation_and_nothing_is_created(staff_client, coordinator):
    client = staff_client(coordinator)
    response = create_account(client)
    assert response.status_code == 200
    assert "Partner editors and managers work for one organisation." in response.text
    assert not get_user_model().objects.filter(username="new_editor").exists()


def test_partners_cannot_create_accounts(staff_client, editor_a, partner_a):
    client = staff_client(editor_a)
    response = create_account(client, organization=partner_a.pk)
    assert response.status_code == 403
    assert not get_user_model().objects.filter(username="new_editor").exists()


def test_a_coordinator_cannot_create_an_administrator(staff_client, coordinator):
    client = staff_client(coordinator)
    response = create_account(client, role="administrator")
    assert response.status_code == 200
    assert not get_user_model().objects.filter(username="new_editor").exists()


def test_the_link_expires(staff_client, coordinator, partner_a):
    client = staff_client(coordinator)
    link = link_in(create_account(client, organization=partner_a.pk))
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=ENROLMENT_LINK_HOURS, minutes=5)
    with time_machine.travel(later):
        response = Client().get(link)
    assert response.status_code == 404
    assert "has already been used, or has expired" in response.text


def test_a_wrong_code_or_short_password_changes_nothing(staff_client, coordinator, partner_a):
    client = staff_client(coordinator)
    link = link_in(create_account(client, organization=partner_a.pk))
    visitor = Client()
    visitor.get(link)
    response = visitor.post(
        link, {"otp_token": "000000", "new_password1": "short", "new_password2": "short"}
    )
    assert response.status_code == 200
    assert "That code does not match" in response.text
    assert "too short" in response.text
    user = get_user_model().objects.get(username="new_editor")
    assert not user.has_usable_password()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_a_reset_stops_the_old_phone_and_needs_the_password_to_enrol_again(
    staff_client, coordinator, editor_a
):
    old_device = TOTPDevice.objects.get(user=editor_a, confirmed=True)
    client = staff_client(coordinator)
    profile = editor_a.staff_profile
    page = client.get(f"/en/staff/curation/staffprofile/{profile.pk}/change/")
    assert "Reset authenticator" in page.text
    response = client.post(f"/en/staff/curation/staffprofile/{profile.pk}/reset-authenticator/")
    link = link_in(response)
    assert not TOTPDevice.objects.filter(pk=old_device.pk).exists()
    entry = AuditEntry.objects.get(action="authenticator.reset", target_id=editor_a.pk)
    assert entry.actor == coordinator

    # The link opens in the person's email language (French for editor_a).
    assert link.startswith("/fr/staff/enrol/")
    # Whoever holds the link cannot take the account over without its password.
    _c, refused = enrol(link, password="not-the-password-at-all")
    assert refused.status_code == 200 and "Ce n’est pas votre mot de passe." in refused.text
    assert not TOTPDevice.objects.filter(user=editor_a).filter(confirmed=True).exists()
    from tests.curation.conftest import STAFF_PASSWORD

    # (the next code: the one typed above was spent, as an app shows a new one 30 s later)
    _c, done = enrol(link, password=STAFF_PASSWORD, ahead=1)
    assert done.status_code == 302
    assert TOTPDevice.objects.filter(user=editor_a, confirmed=True).count() == 1


def test_a_wrong_link_opens_nothing(db):
    assert Client().get("/en/staff/enrol/MQ/not-a-token/").status_code == 404
    assert Client().get("/en/staff/enrol/!!/x-y/").status_code == 404


def test_a_coordinator_cannot_reset_an_administrator(staff_client, coordinator, administrator):
    client = staff_client(coordinator)
    profile = administrator.staff_profile
    response = client.post(f"/en/staff/curation/staffprofile/{profile.pk}/reset-authenticator/")
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=administrator, confirmed=True).exists()
