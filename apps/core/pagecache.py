"""Anonymous public pages, kept ready on the server (issue #9); the browser keeps nothing.

A hit costs two cache reads instead of a dozen queries and a template. What may be cached
is narrow on purpose: GET or HEAD, no staff session cookie, a 200 answer that sets no
cookie. The key holds the language, the path with its query string (hashed), the
minute, and a generation that every publication replaces (``purge``):

- the minute keeps "open now" exact to the minute without any purge;
- the generation makes a publication visible at once: ``purge`` runs from the outbox
  after the approval commits, and leaves the rate-limit counters alone (a ``clear()``
  would reset them).

Visitors' browsers still get ``Cache-Control: no-store`` (QE-10): the privacy middleware
sets it on every answer, cached or not. When the cache is down, pages are simply built.
"""

import hashlib
import uuid
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone

GENERATION_KEY = "public-pages:generation"
TIMEOUT = 120  # seconds; two minute-buckets at most, so an entry never outlives its minute


def purge() -> None:
    """Every cached public page becomes stale at once."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def _generation() -> str:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        generation = cache.get(GENERATION_KEY, "none")
    return generation


def _cacheable(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and settings.PUBLIC_PAGE_CACHE
    )


def _key(request, generation: str) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    minute = timezone.now().strftime("%Y%m%d%H%M")
    return f"public-page:{generation}:{minute}:{request.LANGUAGE_CODE}:{path}"


def public_page(view):
    """Serve the view's answer from the server-side cache for anonymous visitors."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        key = _key(request, _generation())
        cached = cache.get(key)
        if cached is not None:
            content, content_type = cached
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            cache.set(key, (response.content, response["Content-Type"]), TIMEOUT)
        return response

    return wrapper
