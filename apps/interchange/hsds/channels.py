"""Contact channels as HSDS phones and contacts, and their hours as HSDS schedules.

A number (voice, SMS, WhatsApp) becomes a phone; every other channel a contact. Each
keeps its own languages and flags (Waymark profile), and its hours are schedules that
name it in ``channel_id``.
"""

from apps.directory.models import Channel, Service

from .common import clock, compact
from .ids import hsds_id

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# HSDS 3.0 phone.type is free text; HSDS 2 named SMS "text".
PHONE_TYPES = {
    Channel.Kind.VOICE: "voice",
    Channel.Kind.SMS: "text",
    Channel.Kind.WHATSAPP: "whatsapp",
}


def is_phone(channel: Channel) -> bool:
    return channel.kind in Channel.NUMBER_KINDS and bool(channel.number)


def _flags(channel: Channel) -> dict:
    return {
        "channel_kind": channel.kind,
        "notes": channel.description,
        "is_24_7": channel.is_24_7,
        "closed_on_public_holidays": channel.closed_on_public_holidays,
        "is_free": channel.is_free,
        "get_help_now": channel.get_help_now,
    }


def _languages(channel: Channel, owner: str, owner_id: str) -> list[dict]:
    return [
        {
            "id": hsds_id("channel_language", channel.pk, language.pk),
            owner: owner_id,
            "name": language.display_name,
            "code": language.code,
        }
        for language in channel.languages.all()
    ]


def phone_document(channel: Channel, service_id: str) -> dict:
    phone_id = hsds_id("channel", channel.pk)
    return compact(
        {
            "id": phone_id,
            "service_id": service_id,
            "number": channel.number,
            "type": PHONE_TYPES[channel.kind],
            "description": channel.label,
            "languages": _languages(channel, "phone_id", phone_id),
            **_flags(channel),
        },
        keep=("number",),
    )


def contact_document(channel: Channel, service_id: str) -> dict:
    contact_id = hsds_id("channel", channel.pk)
    location_id = hsds_id("location", channel.location_id) if channel.location_id else None
    return compact(
        {
            "id": contact_id,
            "service_id": service_id,
            "location_id": location_id,
            "name": channel.label,
            "email": channel.email,
            "url": channel.url,
            "languages": _languages(channel, "contact_id", contact_id),
            **_flags(channel),
        }
    )


def schedules(channel: Channel, service: Service, service_id: str):
    """A channel's hours: one schedule per weekly period, or one all-week 24/7 schedule,
    plus one per dated exception."""
    common = {
        "service_id": service_id,
        "channel_id": hsds_id("channel", channel.pk),
        "attending_type": channel.get_kind_display(),
        "time_zone": service.time_zone,
    }
    if channel.is_24_7:
        # HSDS has no 24/7 flag; 00:00-23:59 every day is its documented signal.
        yield {
            "id": hsds_id("always_open", channel.pk),
            "freq": "WEEKLY",
            "wkst": "MO",
            "byday": ",".join(WEEKDAYS),
            "opens_at": "00:00:00",
            "closes_at": "23:59:00",
            "description": str(Channel._meta.get_field("is_24_7").verbose_name),
            **common,
        }
    else:
        for period in channel.periods.all():
            # closes_at <= opens_at: the period ends the next day (docs/hsds.md).
            yield {
                "id": hsds_id("period", period.pk),
                "freq": "WEEKLY",
                "wkst": "MO",
                "byday": WEEKDAYS[period.weekday],
                "opens_at": clock(period.opens),
                "closes_at": clock(period.closes),
                "description": str(period),
                **common,
            }
    for exception in channel.exceptions.all():
        day = exception.date.isoformat()
        document = {
            "id": hsds_id("exception", exception.pk),
            "valid_from": day,
            "valid_to": day,
            "closed": exception.closed,
            "description": exception.note,
            **common,
        }
        if not exception.closed:
            document.update(opens_at=clock(exception.opens), closes_at=clock(exception.closes))
        yield compact(document)
