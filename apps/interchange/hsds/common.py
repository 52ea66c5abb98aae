"""What every HSDS document builder shares: the context and small value formatters."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from apps.directory.models import Region

HSDS_VERSION = "3.0"


@dataclass
class Context:
    """What every document needs besides its row: the content language and the regions."""

    language: str
    regions: dict[int, Region] = field(default_factory=dict)

    @classmethod
    def load(cls, language: str) -> "Context":
        # The region tree is small; one query spares a query per address.
        return cls(language=language, regions={r.pk: r for r in Region.objects.all()})

    def lineage(self, region: Region) -> list[Region]:
        chain = []
        while region is not None and len(chain) < 10:
            chain.append(region)
            region = self.regions.get(region.parent_id)
        return chain


def compact(document: dict, keep=()) -> dict:
    """Drop empty optional values, so a consumer never mistakes "" for a real value."""
    return {k: v for k, v in document.items() if k in keep or v not in (None, "")}


def number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def clock(value: dt.time) -> str:
    """A time of day as HSDS types it: ``HH:MM:SS`` (JSON Schema ``time`` and the
    tabular ``time`` type both want the seconds)."""
    return value.strftime("%H:%M:%S")


def timestamp(*moments) -> str | None:
    """The latest of the moments, in UTC, to the second (a Frictionless ``datetime``)."""
    moments = [m for m in moments if m is not None]
    if not moments:
        return None
    return max(moments).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
