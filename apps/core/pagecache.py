"""Anonymous public pages, kept ready on the server (issue #9); the browser keeps nothing.

A hit costs two cache reads instead of a dozen queries and a template. What may be cached
is narrow on purpose: GET or HEAD, no staff session cookie, a 200 answer that sets no
cookie. The key holds the language, the path with its query string (hashed), the
schedule epoch, the UTC hour, and a generation that every publication replaces
(``purge``):

- the schedule epoch is the last moment at or before now when any listing could have
  opened or closed: an opening or closing time of any period or exception, or midnight,
  in any service's time zone. Between two such moments no "open now" and no date on any
  page can change, so a page stays exact without a timer; at 100 000 services with hours
  on the hour and half hour, an entry lives up to 30 minutes;
- the current UTC hour: no entry outlives the hour it was built in, so "updated N hours
  ago" and "not updated recently" on a shelter's space can be worked out for the whole
  hour (apps/directory/capacity.py);
- the generation makes a publication visible at once: ``purge`` runs from the outbox
  after the approval commits, and leaves the rate-limit counters alone (a ``clear()``
  would reset them).

Visitors' browsers still get ``Cache-Control: no-store`` (QE-10): the privacy middleware
sets it on every answer, cached or not. When the cache is down, pages are simply built.
"""

import bisect
import datetime as dt
import gzip
import hashlib
import re
import uuid
from functools import wraps
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers

GENERATION_KEY = "public-pages:generation"
TIMEOUT = 30 * 60  # seconds; a new epoch or generation makes an entry unreachable sooner
BOUNDARIES_KEY = "public-pages:boundaries"
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")
# The opening and closing times change only with a publication (a new generation), so
# each process keeps the latest list it read, saving a cache round trip per request.
_local_boundaries: dict[str, tuple] = {}
# (generation, epoch, its start, the next opening or closing anywhere), per process.
_epoch_memo: tuple | None = None
# The generation this process saw last: read again with every page, in the same trip.
_last_generation: str | None = None


def purge() -> None:
    """Every cached public page becomes stale at once."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def _generation() -> str:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        generation = cache.get(GENERATION_KEY, "none")
    return generation


def current_generation() -> str:
    """The generation now ("none" when the cache is away): anything derived from the
    directory and kept in a process can be keyed by it."""
    return _generation()


def _cacheable(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and settings.PUBLIC_PAGE_CACHE
    )


def _boundaries(generation: str) -> tuple[list[dt.time], list[str]]:
    """Every time of day at which some channel opens or closes, and every time zone."""
    if generation in _local_boundaries:
        return _local_boundaries[generation]
    key = f"{BOUNDARIES_KEY}:{generation}"
    cached = cache.get(key)
    if cached is None:
        from apps.directory.models import OpeningPeriod, ScheduleException, Service

        times = {dt.time(0, 0)}
        for model in (OpeningPeriod, ScheduleException):
            for opens, closes in model.objects.values_list("opens", "closes").distinct():
                times.update(t for t in (opens, closes) if t is not None)
        zones = sorted(set(Service.objects.values_list("time_zone", flat=True).distinct()) - {""})
        cached = (sorted(times), zones or ["UTC"])
        cache.set(key, cached, None)
    _local_boundaries.clear()
    _local_boundaries[generation] = cached
    return cached


def schedule_epoch(now: dt.datetime, generation: str) -> str:
    """The last moment at or before ``now`` when any listing could have opened or closed."""
    global _epoch_memo
    memo = _epoch_memo
    if memo and memo[0] == generation and memo[2] <= now < memo[3]:
        return memo[1]
    times, zones = _boundaries(generation)
    latest = upcoming = None
    for zone in zones:
        local = now.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
        earlier = bisect.bisect_right(times, local.time())  # times[0] is midnight
        start = dt.datetime.combine(local.date(), times[earlier - 1], ZoneInfo(zone))
        if earlier < len(times):
            following = dt.datetime.combine(local.date(), times[earlier], ZoneInfo(zone))
        else:
            tomorrow = local.date() + dt.timedelta(days=1)
            following = dt.datetime.combine(tomorrow, times[0], ZoneInfo(zone))
        latest = start if latest is None or start > latest else latest
        upcoming = following if upcoming is None or following < upcoming else upcoming
    epoch = latest.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S")
    # Until the next opening or closing anywhere, the answer stays the same.
    _epoch_memo = (generation, epoch, latest, upcoming)
    return epoch


def _scope(generation: str) -> str:
    now = timezone.now()
    # The UTC hour too: no kept page outlives the hour it was built in, which is what the
    # capacity clock ("updated N hours ago", "not updated recently") counts on
    # (apps/directory/capacity.py).
    hour = now.astimezone(dt.UTC).strftime("%Y%m%d%H")
    return f"{generation}:{schedule_epoch(now, generation)}:{hour}"


def scoped(scope: str, name: str) -> str:
    """The cache key of entry ``name`` in a scope (a generation and a schedule epoch)."""
    return f"public:{scope}:{name}"


def lookup(name: str) -> tuple[str, str, object]:
    """Entry ``name`` of the current generation and schedule epoch: (scope, key, value).

    One cache round trip when nothing was published since this process last looked (the
    generation is read with the entry, never assumed). ``scope`` serves to name related
    entries of the same generation and epoch (``scoped``), such as result cards.
    """
    global _last_generation
    if _last_generation is not None:
        scope = _scope(_last_generation)
        key = scoped(scope, name)
        found = cache.get_many([GENERATION_KEY, key])
        if found.get(GENERATION_KEY) == _last_generation:
            return scope, key, found.get(key)
    _last_generation = _generation()
    scope = _scope(_last_generation)
    key = scoped(scope, name)
    return scope, key, cache.get(key)


def public_page(view):
    """Serve the view's answer from the server-side cache for anonymous visitors."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
        _, key, cached = lookup(f"page:{request.LANGUAGE_CODE}:{path}")
        if cached is not None:
            compressed, content_type = cached
            return _replay(request, compressed, content_type)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            # Kept compressed: a hit is then sent as it is, without compressing it again.
            compressed = gzip.compress(response.content, compresslevel=6, mtime=0)
            cache.set(key, (compressed, response["Content-Type"]), TIMEOUT)
        return response

    return wrapper


def _replay(request, compressed: bytes, content_type: str) -> HttpResponse:
    if _ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
        response = HttpResponse(compressed, content_type=content_type)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(gzip.decompress(compressed), content_type=content_type)
    patch_vary_headers(response, ("Accept-Encoding",))
    return response
