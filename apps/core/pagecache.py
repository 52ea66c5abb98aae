"""Anonymous public pages, kept ready on the server (issues #9, #20); the browser keeps nothing.

A hit costs one cache read instead of a dozen queries and a template. What may be cached
is narrow on purpose: GET or HEAD, no staff session cookie, a 200 answer that sets no
cookie. A page is kept under its language and its path with query string (hashed), with
the generation it was built in; every publication replaces the generation (``purge``):

- an ordinary publication purges *softly* (decision 0014): for ``PUBLIC_PAGE_STALE_SECONDS``
  a page kept in the previous generation is still served while one worker, holding a
  short lock (``cache.add``), builds it again and answers with the new page; the others
  keep serving the previous copy meanwhile, so a publication no longer makes every worker
  build the same page, and the first visitor after it sees the change;
- a publication that hides or removes something (a service archived or unpublished, a
  location made confidential, a row deleted) purges *hard*: no page of an earlier
  generation is served again, and the next visitor waits for a fresh one (SR-5);
- "open now" is not kept: each contact line's status is a placeholder in the kept page,
  filled for every answer from the hours of the channels on it
  (``apps.directory.hours.statuses``, worked out once per process and schedule epoch),
  so the clock no longer empties the cache;
- nor is a shelter's space ("Full · updated 3 hours ago", "not updated recently": it
  ages with the clock): a placeholder per service, filled for every answer
  (``apps.directory.capacity.rendered``, worked out once per process, generation, UTC
  hour and language);
- only what the clock itself decides is keyed by the *schedule epoch* as well (the last
  moment any listing could have opened or closed): a list filtered by "open now".

Visitors' browsers still get ``Cache-Control: no-store`` (QE-10): the privacy middleware
sets it on every answer, cached or not. When the cache is down, pages are simply built.
"""

import bisect
import datetime as dt
import hashlib
import re
import time
import uuid
import zlib
from functools import wraps
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers

# Holds the generation, and after soft purges "<generation>~<earlier>~<until>~…": pages of
# an earlier generation may be served until its time (Unix seconds).
GENERATION_KEY = "public-pages:generation"
MAX_SERVABLE = 20  # earlier generations remembered (a burst of purges in a few seconds)
TIMEOUT = 30 * 60  # seconds; a new generation makes an entry unreachable sooner
# Seconds a worker may take to build a page again before another one tries.
REBUILD_LOCK_SECONDS = 10
# Query parameters whose answer depends on the clock (kept per schedule epoch).
# Lists the clock decides: "open now", and "has space now" (a partner's word goes stale
# with the hours, apps/directory/capacity.py).
CLOCK_PARAMETERS = ("open_now", "space_now")
BOUNDARIES_KEY = "public-pages:boundaries"
# The opening and closing times change only with a publication (a new generation), so
# each process keeps the latest list it read, saving a cache round trip per request.
_local_boundaries: dict[str, tuple] = {}
# (generation, epoch, its start, the next opening or closing anywhere), per process.
_epoch_memo: tuple | None = None
# The generation this process saw last: read again with every page, in the same trip.
_last_generation: str | None = None
# Statuses worked out in this process for one (generation, minute, language).
_status_memo: dict = {}


def purge(*, hard: bool = True) -> None:
    """Every kept public page, search and card becomes stale at once.

    ``hard=False`` (an ordinary publication): for ``PUBLIC_PAGE_STALE_SECONDS`` a page of
    the generation being replaced may still be served while it is built again. Anything
    that hides or removes information purges hard (decision 0014)."""
    new = uuid.uuid4().hex
    if not hard:
        # One approval saves several rows, each purging: every generation replaced in
        # the last seconds stays servable until its own deadline (replaced + the bound).
        now = time.time()
        current, servable = _split(cache.get(GENERATION_KEY))
        if current is not None:
            servable = {current: now + settings.PUBLIC_PAGE_STALE_SECONDS} | {
                generation: until for generation, until in servable.items() if until > now
            }
            kept = list(servable.items())[:MAX_SERVABLE]
            new += "".join(f"~{generation}~{until:.0f}" for generation, until in kept)
    cache.set(GENERATION_KEY, new, None)


def _split(state) -> tuple[str | None, dict[str, float]]:
    """(generation, {an earlier generation still servable: until when})."""
    if not state:
        return None, {}
    generation, *rest = str(state).split("~")
    return generation, {rest[i]: float(rest[i + 1]) for i in range(0, len(rest) - 1, 2)}


def _state() -> str:
    state = cache.get(GENERATION_KEY)
    if state is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        state = cache.get(GENERATION_KEY, "none")
    return state


def _generation() -> str:
    return _split(_state())[0]


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


def _scope(generation: str, clock: bool = False) -> str:
    if not clock:
        return generation
    now = timezone.now()
    # The UTC hour too, for "has space now" (the capacity clock).
    hour = now.astimezone(dt.UTC).strftime("%Y%m%d%H")
    return f"{generation}:{schedule_epoch(now, generation)}:{hour}"


def scoped(scope: str, name: str) -> str:
    """The cache key of entry ``name`` in a scope (a generation, and a schedule epoch for
    what the clock decides)."""
    return f"public:{scope}:{name}"


def lookup(name: str, *, clock: bool = False) -> tuple[str, str, object]:
    """Entry ``name`` of the current generation: (scope, key, value). ``clock``: the
    entry depends on the time of day too (e.g. the services open now), and is kept per
    schedule epoch.

    One cache round trip when nothing was published since this process last looked (the
    generation is read with the entry, never assumed). ``scope`` serves to name related
    entries of the same generation (``scoped``), such as result cards.
    """
    global _last_generation
    if _last_generation is not None and not clock:
        scope = _scope(_last_generation)
        key = scoped(scope, name)
        found = cache.get_many([GENERATION_KEY, key])
        if _split(found.get(GENERATION_KEY))[0] == _last_generation:
            return scope, key, found.get(key)
    # The epoch is found from the generation's hours: read the generation first.
    _last_generation = _generation()
    scope = _scope(_last_generation, clock)
    key = scoped(scope, name)
    return scope, key, cache.get(key)


def page_name(language: str, full_path: str) -> str:
    """The name a page is kept under (``public:<name>``; scoped when the clock decides)."""
    return f"page:{language}:{hashlib.sha256(full_path.encode()).hexdigest()[:32]}"


def public_page(view):
    """Serve the view's answer from the server-side cache for anonymous visitors."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable(request):
            return fill_statuses(view(request, *args, **kwargs))
        name = page_name(request.LANGUAGE_CODE, request.get_full_path())
        if any(parameter in request.GET for parameter in CLOCK_PARAMETERS):
            # What the clock decides is kept for its schedule epoch only, never stale.
            scope, key, kept = lookup(name, clock=True)
            generation = scope.partition(":")[0]
            if kept is not None:
                return _replay(request, kept, generation)
            return fill_statuses(_build(view, request, args, kwargs, key, generation), generation)
        key = f"public:{name}"
        found = cache.get_many([GENERATION_KEY, key])
        generation, servable = _split(found.get(GENERATION_KEY))
        if generation is None:
            generation, servable = _split(_state())
        kept = found.get(key)
        if kept is not None and kept[0] == generation:
            return _replay(request, kept, generation)
        if (
            kept is not None
            and time.time() < servable.get(kept[0], 0)
            and not _claim_rebuild(key, generation)
        ):
            # Published since, and another worker is building the page again: until it
            # is kept, everyone else gets the previous copy (for a bounded time). The one
            # that builds it answers with the new page, so the first visitor after an
            # approval — often the person who asked for it — sees the change.
            return _replay(request, kept, generation)
        return fill_statuses(_build(view, request, args, kwargs, key, generation), generation)

    return wrapper


def _claim_rebuild(key: str, generation: str) -> bool:
    """True for the one worker that builds this page again (a lock that expires, in case
    that worker dies); False while another one does."""
    return cache.add(f"{key}:rebuilding:{generation}", 1, REBUILD_LOCK_SECONDS)


def _build(view, request, args, kwargs, key, generation):
    """The view's answer, kept (with placeholders for the statuses) when it may be."""
    from django.utils import translation

    with translation.override(request.LANGUAGE_CODE):
        response = view(request, *args, **kwargs)
    if response.status_code == 200 and not response.streaming and not response.cookies:
        cache.set(key, _pieces(response.content, generation, response["Content-Type"]), TIMEOUT)
    return response


# --- "Open now", filled in for each answer ------------------------------------------------

# Written by the ``status_placeholder`` tag where a contact line's status goes.
STATUS_PLACEHOLDER = "<!--waymark-status:{}-->"
_PLACEHOLDER = re.compile(rb"<!--waymark-status:(\d+)-->")


def _pieces(content: bytes, generation: str, content_type: str) -> tuple:
    """What is kept of a page: its HTML with placeholders (compressed for the cache's
    sake) and the ids of the channels whose statuses go there."""
    ids = [int(pk) for pk in _PLACEHOLDER.findall(content)]
    return (generation, content_type, zlib.compress(content, 6), ids)


def _assemble(kept: tuple, statuses: dict[int, bytes], generation: str | None = None) -> bytes:
    """The kept page with each placeholder replaced by its status (or nothing)."""
    html = _fill_spaces(zlib.decompress(kept[2]), generation)
    if not kept[3]:
        return html
    return _PLACEHOLDER.sub(lambda m: statuses.get(int(m.group(1)), b""), html)


# --- A shelter's space (issue 21), filled in for each answer -------------------------------

# Written by the ``capacity`` tag where a service's space goes.
SPACE_PLACEHOLDER = "<!--waymark-space:{}-->"
_SPACE = re.compile(rb"<!--waymark-space:(\d+)-->")
_space_memo: dict = {}


def _fill_spaces(html: bytes, generation: str | None) -> bytes:
    ids = {int(pk) for pk in _SPACE.findall(html)}
    if not ids:
        return html
    from django.utils import translation

    from apps.directory.capacity import rendered

    # What a service's space says changes with a partner's update (a new generation) or
    # with the hour (apps/directory/capacity.py): each worker works it out once per both.
    scope = (generation, int(time.time() // 3600), translation.get_language())
    if generation in (None, "none") or _space_memo.get("scope") != scope:
        _space_memo.clear()
        _space_memo.update(scope=scope, found={})
    found = _space_memo["found"]
    missing = ids - found.keys()
    if missing:
        found.update((pk, text.encode()) for pk, text in rendered(missing).items())
    return _SPACE.sub(lambda m: found.get(int(m.group(1)), b""), html)


def _statuses(ids, generation: str | None) -> dict[int, bytes]:
    if not ids:
        return {}
    from django.utils import translation

    from apps.directory.hours import statuses

    now = timezone.now()
    if generation in (None, "none"):
        return {pk: html.encode() for pk, html in statuses(set(ids), now, None).items()}
    # Opening and closing times are whole minutes (the hours form takes HH:MM): each
    # worker works a status out once per minute, generation and language. (Keyed by the
    # schedule epoch instead, each new generation cost every worker the three queries
    # over all hours that find it: 300-400 ms at 100 000 services.)
    scope = (generation, now.replace(second=0, microsecond=0), translation.get_language())
    if _status_memo.get("scope") != scope:
        _status_memo.clear()
        _status_memo.update(scope=scope, found={}, asked=set())
    found, asked = _status_memo["found"], _status_memo["asked"]
    missing = set(ids) - asked
    if missing:
        fresh = statuses(missing, now, generation)
        found.update((pk, html.encode()) for pk, html in fresh.items())
        asked.update(missing)
    return found


def fill_statuses(response, generation: str | None = None):
    """Put each contact line's status ("Open now", "Closed now · opens at 09:00") into an
    answer built with placeholders (``generation`` lets the hours be kept per process)."""
    if getattr(response, "streaming", True) or "text/html" not in response.get("Content-Type", ""):
        return response
    content = _fill_spaces(response.content, generation)
    response.content = content
    ids = [int(pk) for pk in _PLACEHOLDER.findall(content)]
    if ids:
        found = _statuses(ids, generation)
        response.content = _PLACEHOLDER.sub(lambda m: found.get(int(m.group(1)), b""), content)
    return response


def _replay(request, kept: tuple, generation: str) -> HttpResponse:
    """The kept page, its statuses filled in (GZipMiddleware compresses it: a page split
    around its statuses and compressed in pieces came out three times larger)."""
    statuses = _statuses(kept[3], generation)
    response = HttpResponse(_assemble(kept, statuses, generation), content_type=kept[1])
    patch_vary_headers(response, ("Accept-Encoding",))
    return response
