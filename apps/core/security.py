"""Checks that replace CSRF cookies for anonymous visitors (QE-12)."""

from functools import wraps
from urllib.parse import urlsplit

from django.http import HttpResponseForbidden


def is_same_origin(request) -> bool:
    """A POST is accepted only when the browser says it came from this site."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is None or origin == "null":
        # Browsers always send Origin on POST; its absence means a script, not a person.
        return False
    parts = urlsplit(origin)
    return parts.netloc == request.get_host() and parts.scheme == request.scheme


def same_origin_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST" and not is_same_origin(request):
            return HttpResponseForbidden("Forbidden", content_type="text/plain")
        return view(request, *args, **kwargs)

    return wrapper
