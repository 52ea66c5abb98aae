"""Stable HSDS identifiers (UUIDs) derived from Waymark's primary keys.

HSDS wants a UUID for every record; Waymark keys rows by integers. Each record's id is
``uuid5(uuid5(DEPLOYMENT, kind), "<pk>")``: the same row always gets the same id, in every
export, every language and every API response, so a consumer can join and re-import.

``DEPLOYMENT`` is ``settings.HSDS_ID_NAMESPACE`` when set (a UUID), otherwise
``uuid5(NAMESPACE_URL, BASE_URL + "/api/hsds/")``: two Waymark sites never hand out the same
id for different services. Set ``HSDS_ID_NAMESPACE`` before a site moves to a new address,
or every id changes with it (docs/hsds.md).

A uuid5 cannot be reversed: ``apps.interchange.hsds.stored.find`` maps an id back through a
table of the ids of every row (``HsdsKey``), among the rows a caller may see, so an id of an
unpublished row is simply not found (SR-4).
"""

import uuid
from functools import lru_cache

from django.conf import settings

# Never rename a kind: its name is part of every id derived from it.
KINDS = frozenset(
    {
        "organization",
        "service",
        "location",
        "address",
        "accessibility",
        "service_at_location",
        "channel",  # a phone (voice, SMS, WhatsApp) or a contact (every other channel)
        "channel_language",
        "service_language",
        "period",  # a weekly opening period: an HSDS schedule
        "exception",  # a dated exception: an HSDS schedule with valid_from = valid_to
        "always_open",  # the all-week schedule of a 24/7 channel
        "service_area",
        "cost_option",
        "taxonomy",
        "taxonomy_term",
        "attribute",
        "meta_table_description",
    }
)


def deployment_namespace() -> uuid.UUID:
    explicit = getattr(settings, "HSDS_ID_NAMESPACE", None)
    base_url = getattr(settings, "BASE_URL", "http://127.0.0.1:8000")
    return _namespace(str(explicit) if explicit else None, base_url.rstrip("/"))


@lru_cache(maxsize=8)
def _namespace(explicit: str | None, base_url: str) -> uuid.UUID:
    if explicit:
        return uuid.UUID(explicit)
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{base_url}/api/hsds/")


@lru_cache(maxsize=256)
def _kind_namespace(root: uuid.UUID, kind: str) -> uuid.UUID:
    return uuid.uuid5(root, kind)


def hsds_id(kind: str, *keys) -> str:
    """The HSDS id of a row (or of a link between rows, given several keys)."""
    if kind not in KINDS:
        raise ValueError(f"unknown HSDS id kind: {kind}")
    name = ":".join(str(key) for key in keys)
    return str(uuid.uuid5(_kind_namespace(deployment_namespace(), kind), name))


def parse_uuid(value: str) -> str | None:
    """The canonical form of a UUID given by a client, or None if it is not one."""
    if not isinstance(value, str) or len(value) > 45:
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None
