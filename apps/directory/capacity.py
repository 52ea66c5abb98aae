"""Space available now (issue 21): what the public is told about a service's places.

A partner's "available" is only worth something while it is recent: after
``WAYMARK_CAPACITY_STALE_HOURS`` without an update the public sees "not updated recently"
instead. Public pages are kept in the page cache (apps/core/pagecache.py), which notes the
UTC hour a page was built in and rebuilds it in the next hour (serving the previous copy
for ``PUBLIC_PAGE_STALE_SECONDS`` at most while one worker does). Every
answer here is therefore worked out for that whole hour ("the capacity clock"):

- stale: the update is older than the limit at the *end* of the hour, so a page never
  shows "available" past the limit; it says "not updated recently" up to an hour early;
- "updated N hours ago": whole hours when the page is built; a kept page may say up to
  an hour less than the truth by the end of its hour, never more (N hours means N to
  N+2 hours ago; "less than an hour" means less than two).

A capacity update purges the page cache like a publication does.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from .models.organizations import WITH_SPACE, CapacityStatus

# Service types whose places are counted: their staff see the one-click control.
PLACE_TYPES = {"emergency-housing", "housing"}


def clock(now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    """The UTC hour containing ``now``: (its start, its end)."""
    now = now or timezone.now()
    start = now.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
    return start, start + dt.timedelta(hours=1)


def stale_after() -> dt.timedelta:
    return dt.timedelta(hours=settings.WAYMARK_CAPACITY_STALE_HOURS)


def fresh_after(now: dt.datetime | None = None) -> dt.datetime:
    """Updates at or before this moment are stale somewhere in the current hour."""
    return clock(now)[1] - stale_after()


@dataclass(frozen=True)
class Shown:
    """A service's capacity as the public sees it now."""

    status: str
    label: str
    stale: bool
    hours: int  # whole hours since the update (see the module's note)

    @property
    def has_space(self) -> bool:
        return not self.stale and self.status in WITH_SPACE


def shown(service, now: dt.datetime | None = None) -> Shown | None:
    """None for a service that does not say how much space it has."""
    if not service.capacity_status:
        return None
    now = now or timezone.now()
    updated = service.capacity_updated
    stale = updated is None or updated <= fresh_after(now)
    hours = max(0, int((now - updated).total_seconds() // 3600)) if updated else 0
    label = str(CapacityStatus(service.capacity_status).label)
    return Shown(service.capacity_status, label, stale, hours)


def version_of(service) -> str:
    """What a staff form carries to show which status it was shown (the stale-form check)."""
    updated = service.capacity_updated
    return f"{service.capacity_status}@{updated.isoformat() if updated else ''}"


def rendered(ids) -> dict[int, str]:
    """What the public is told of these services' space, as HTML in the active language
    (``_capacity.html``), for the page cache's placeholders; services that say nothing
    are left out."""
    from django.template.loader import render_to_string

    from .models import Service

    services = Service.objects.filter(pk__in=ids).only("pk", "capacity_status", "capacity_updated")
    now = timezone.now()
    found = {}
    for service in services:
        if service.capacity_status:
            found[service.pk] = render_to_string(
                "directory/_capacity.html", {"shown": shown(service, now)}
            ).strip()
    return found
