"""A contact card (vCard 4.0, RFC 6350) for putting a service's numbers in a phone."""

import re

from django.utils.translation import gettext as _

from apps.directory.models import Channel, Service

from .sheets import Place, hours_text, number_formats

# Control characters would break the card's line structure; newlines are escaped instead.
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f\u2028\u2029]")
TEL_TYPES = {
    Channel.Kind.VOICE: "voice",
    Channel.Kind.SMS: "text",
    Channel.Kind.WHATSAPP: "cell,text",
}


def escape(value: str) -> str:
    """Text value escaping (RFC 6350 §3.4): backslash, comma, semicolon and newline."""
    value = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    return value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")


def fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (§3.2)."""
    parts, current, limit = [], b"", 75
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > limit:
            parts.append(current.decode())
            current, limit = b"", 74  # the leading space of a continuation counts
        current += encoded
    parts.append(current.decode())
    return "\r\n ".join(parts)


def service_vcard(
    service: Service, *, name: str, organisation: str, places: list[Place], hide=None
) -> str:
    """The card's text. ``hide(text)`` says whether a URL or email must be left out."""
    hide = hide or (lambda text: False)
    lines = ["BEGIN:VCARD", "VERSION:4.0", f"FN:{escape(name)}", f"N:{escape(name)};;;;"]
    if organisation:
        lines.append(f"ORG:{escape(organisation)}")
    notes = []
    for channel in service.channels.all():
        if channel.number and channel.kind in TEL_TYPES:
            number = number_formats(channel.number)
            if number is None:
                continue
            lines.append(f"TEL;TYPE={TEL_TYPES[channel.kind]}:{number.e164}")
            hours = hours_text(channel)
            if hours:
                notes.append(f"{channel.get_kind_display()} {number.international}: {hours}")
        elif channel.url and not hide(channel.url):
            lines.append(f"URL:{_CONTROL.sub('', channel.url)}")
        elif channel.email and not hide(channel.email):
            lines.append(f"EMAIL:{escape(channel.email)}")
    for place in places:
        if place.kind == "public":
            components = ["", "", place.street, place.city, "", place.postal_code, place.country]
            lines.append("ADR:" + ";".join(escape(c) for c in components))
    if notes:
        if service.time_zone:
            notes.append(_("Hours are local time (%(zone)s).") % {"zone": service.time_zone})
        lines.append(f"NOTE:{escape(' '.join(notes))}")
    lines.append("END:VCARD")
    return "".join(fold(line) + "\r\n" for line in lines)
