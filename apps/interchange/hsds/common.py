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
    _regions: dict[int, Region] | None = field(default=None, repr=False)

    @classmethod
    def load(cls, language: str) -> "Context":
        return cls(language=language)

    @property
    def regions(self) -> dict[int, Region]:
        # The region tree is small; one query spares a query per address. Loaded when a
        # document is built, not when stored documents are read back.
        if self._regions is None:
            self._regions = {r.pk: r for r in Region.objects.all()}
        return self._regions

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
