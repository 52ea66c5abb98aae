"""The part of the schema.org vocabulary Waymark's JSON-LD uses, to check it without the
network (issue #22). Each type lists the properties used on it; every one was read off
the type's page, https://schema.org/<Type> (schema.org version 29), where it is either
the type's own property or inherited from Thing (name, url, description).
"""

import json
import re

TYPES = {
    # https://schema.org/Service: provider, serviceType, areaServed, availableChannel.
    "Service": {
        "name",
        "url",
        "description",
        "provider",
        "serviceType",
        "areaServed",
        "availableChannel",
    },
    # https://schema.org/Organization
    "Organization": {"name", "url"},
    # https://schema.org/ServiceChannel: servicePhone and serviceSmsNumber (ContactPoint),
    # serviceUrl (URL), serviceLocation (Place), availableLanguage.
    "ServiceChannel": {
        "name",
        "servicePhone",
        "serviceSmsNumber",
        "serviceUrl",
        "serviceLocation",
        "availableLanguage",
    },
    # https://schema.org/ContactPoint: contactType, telephone, availableLanguage,
    # hoursAvailable (OpeningHoursSpecification).
    "ContactPoint": {"contactType", "telephone", "availableLanguage", "hoursAvailable"},
    # https://schema.org/OpeningHoursSpecification; dayOfWeek takes DayOfWeek members.
    "OpeningHoursSpecification": {"dayOfWeek", "opens", "closes"},
    # https://schema.org/AdministrativeArea (a Place)
    "AdministrativeArea": {"name"},
    # https://schema.org/Place, https://schema.org/PostalAddress
    "Place": {"name", "address"},
    "PostalAddress": {"streetAddress", "addressLocality", "postalCode", "addressCountry"},
}
# https://schema.org/DayOfWeek: its members.
DAYS = {
    f"https://schema.org/{day}"
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
}
# Which type a property's value must be (its "range" on schema.org), where it is a node.
RANGES = {
    "provider": {"Organization"},
    "areaServed": {"AdministrativeArea"},
    "availableChannel": {"ServiceChannel"},
    "servicePhone": {"ContactPoint"},
    "serviceSmsNumber": {"ContactPoint"},
    "serviceLocation": {"Place"},
    "hoursAvailable": {"OpeningHoursSpecification"},
    "address": {"PostalAddress"},
}
HH_MM = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


def json_ld_blocks(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def problems(node, where="$") -> list[str]:
    """Every type or property not in the vocabulary above, and every value of the wrong
    type; [] when the data uses schema.org as it is defined."""
    found = []
    if isinstance(node, list):
        for i, item in enumerate(node):
            found += problems(item, f"{where}[{i}]")
        return found
    if not isinstance(node, dict):
        return found
    kind = node.get("@type")
    if kind not in TYPES:
        return [f"{where}: unknown type {kind!r}"]
    for prop, value in node.items():
        if prop in ("@type", "@context"):
            continue
        if prop not in TYPES[kind]:
            found.append(f"{where}: {kind} has no property {prop!r}")
            continue
        for item in value if isinstance(value, list) else [value]:
            if prop in RANGES:
                if not isinstance(item, dict) or item.get("@type") not in RANGES[prop]:
                    found.append(f"{where}.{prop}: expected {RANGES[prop]}, got {item!r}")
                    continue
                found += problems(item, f"{where}.{prop}")
            elif prop == "dayOfWeek" and item not in DAYS:
                found.append(f"{where}.{prop}: {item!r} is not a DayOfWeek")
            elif prop in ("opens", "closes") and not HH_MM.match(str(item)):
                found.append(f"{where}.{prop}: {item!r} is not a time")
            elif not isinstance(item, str):
                found.append(f"{where}.{prop}: expected text, got {item!r}")
    return found
