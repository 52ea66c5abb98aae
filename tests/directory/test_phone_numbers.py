"""Phone numbers as people write them, stored as E.164, on every path (SR-8; issue #18
item 5, staff issue #15 item 5): the channel form in the staff area, the model's own
cleaning (proposals, imports) and bad input that changes nothing."""

import pytest
from django.core.exceptions import ValidationError

from apps.curation.models import Proposal
from apps.directory.fields import PhoneNumberFormField
from apps.directory.models import Channel, Region
from tests.curation.conftest import (  # noqa: F401 - the staff cast
    _fast_password_hashing,
    editor_a,
    partner_a,
    staff_client,
)
from tests.directory.factories import ChannelFactory, ServiceFactory

WRITTEN = [
    "+33 1 23 45 67 89",  # the field's own help text: 17 characters
    "+33 (0)1 23 45 67 89",
    "+33.1.23.45.67.89",
    "+33-1-23-45-67-89",
    "+33\u00a01\u00a023\u202f45\u00a067\u00a089",  # no-break spaces, as French text has
    "+٣٣ ١ ٢٣ ٤٥ ٦٧ ٨٩",  # Arabic-Indic
    "+۳۳ ۱ ۲۳ ۴۵ ۶۷ ۸۹",  # Persian
    "＋３３　１　２３　４５　６７　８９",  # full-width
    "+33·1·23·45·67·89",
]
NATIONAL = ["01 23 45 67 89", "01.23.45.67.89", "٠١ ٢٣ ٤٥ ٦٧ ٨٩"]


@pytest.mark.parametrize("raw", WRITTEN)
def test_the_form_field_turns_what_people_write_into_e164(raw):
    assert PhoneNumberFormField(required=False).clean(raw) == "+33123456789"


@pytest.mark.parametrize("raw", NATIONAL)
def test_the_national_format_is_read_in_the_services_country(raw):
    assert PhoneNumberFormField(region="FR", required=False).clean(raw) == "+33123456789"


@pytest.fixture
def french_service(db):
    france = Region.objects.get_or_create(code="FR", defaults={"kind": "country"})[0]
    return ServiceFactory(region=france)


@pytest.mark.parametrize("raw", WRITTEN + NATIONAL)
def test_the_model_stores_e164_whatever_path_the_value_came_by(french_service, raw):
    channel = Channel(service=french_service, kind="voice", number=raw)
    channel.full_clean()
    assert channel.number == "+33123456789"


def test_a_service_in_no_single_country_accepts_international_numbers_only(db):
    service = ServiceFactory()  # no area, no holiday region
    channel = Channel(service=service, kind="voice", number="01 23 45 67 89")
    with pytest.raises(ValidationError) as refused:
        channel.full_clean()
    assert "international format" in " ".join(refused.value.message_dict["number"])


@pytest.mark.parametrize(
    "raw",
    ["call me on 0123", "+33 1 23\u202e45 67 89", "+33\u200b123456789", "+1", "9" * 39],
)
def test_bad_numbers_get_a_clear_message_that_does_not_repeat_them(raw):
    with pytest.raises(ValidationError) as refused:
        PhoneNumberFormField(region="FR").clean(raw)
    message = " ".join(refused.value.messages)
    assert message and raw not in message


# --- the staff area: the channel form as a partner fills it in ------------------------


def _channel_form_data(page):
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    return data


def test_a_partner_types_a_spaced_national_number_and_the_proposal_holds_e164(
    staff_client, editor_a, partner_a
):
    france = Region.objects.get_or_create(code="FR", defaults={"kind": "country"})[0]
    service = ServiceFactory(organization=partner_a, region=france)
    channel = ChannelFactory(service=service, number="+33199001234")
    client = staff_client(editor_a)
    page = client.get(f"/en/staff/directory/channel/{channel.pk}/change/")
    assert page.status_code == 200
    data = _channel_form_data(page)
    data.update({"service": service.pk, "kind": "voice", "number": "01 23 45 67 89"})
    response = client.post(f"/en/staff/directory/channel/{channel.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Proposal.objects.get().changes == {"number": "+33123456789"}
    channel.refresh_from_db()
    assert channel.number == "+33199001234"  # unchanged until a second person approves


def test_a_bad_number_in_the_channel_form_is_named_and_changes_nothing(
    staff_client, editor_a, partner_a
):
    service = ServiceFactory(organization=partner_a)
    channel = ChannelFactory(service=service, number="+33199001234")
    client = staff_client(editor_a)
    page = client.get(f"/en/staff/directory/channel/{channel.pk}/change/")
    data = _channel_form_data(page)
    data.update({"service": service.pk, "kind": "voice", "number": "ring me maybe"})
    response = client.post(f"/en/staff/directory/channel/{channel.pk}/change/", data)
    assert response.status_code == 200
    text = response.content.decode()
    assert "This is not a phone number" in text
    assert Proposal.objects.count() == 0
