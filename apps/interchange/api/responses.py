"""JSON answers of the HSDS API: documents, pages, errors, and the guard every view wears.

Errors are JSON with a clear English message and never repeat what was submitted
(SR-20, SR-22). Every view is read-only, rate-limited per client (failing open if the
limiter's store is down: the API only reads) and leaves cookies and caching headers to
the site's middleware (QE-10, QE-12).
"""

import math
from functools import wraps
from http import HTTPStatus

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from apps.core.ratelimit import RateLimiter, rate_limited

JSON_OPTIONS = {"ensure_ascii": False}
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100


class ApiError(Exception):
    def __init__(self, status: int, message: str, details: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.details = status, message, details or {}


def json_response(document, *, status=200, language=None) -> JsonResponse:
    response = JsonResponse(document, status=status, safe=False, json_dumps_params=JSON_OPTIONS)
    if language:
        response["Content-Language"] = language
    return response


def error_response(status: int, message: str, details: dict | None = None) -> JsonResponse:
    document = {"status": status, "error": HTTPStatus(status).phrase, "message": message}
    if details:
        document["details"] = details
    return json_response(document, status=status)


def not_found() -> ApiError:
    # One answer for draft, archived, confidential and unknown ids alike (SR-4).
    return ApiError(404, "Not found.")


def paginate(pks, page: int | None, per_page: int | None, total=None) -> tuple[list, dict]:
    """One page of ``pks`` (a list, or a queryset counted and sliced in the database) and
    the HSDS page fields that describe it; ``total``, when the caller knows it, is not
    counted again."""
    page = page or 1
    per_page = per_page or DEFAULT_PER_PAGE
    if total is None:
        total = len(pks) if isinstance(pks, list) else pks.count()
    pages = math.ceil(total / per_page)
    if page > max(pages, 1):
        raise ApiError(404, f"There is no such page; the last page is {max(pages, 1)}.")
    chunk = list(pks[(page - 1) * per_page : page * per_page])
    return chunk, {
        "total_items": total,
        "total_pages": pages,
        "page_number": page,
        "size": len(chunk),
        "first_page": page == 1,
        "last_page": page >= pages,
        "empty": total == 0,
    }


def page_response(meta: dict, contents: list, language: str) -> JsonResponse:
    return json_response({**meta, "contents": contents}, language=language)


def _limiter(request) -> RateLimiter:
    # Read per request, so a deployment (or a test) can change it without a restart.
    limit = getattr(settings, "HSDS_API_RATE_LIMIT", 120)
    window = getattr(settings, "HSDS_API_RATE_WINDOW", 60)
    return RateLimiter("hsds-api", limit=limit, window=window)


def _too_many(request, decision):
    return error_response(429, "Too many requests; retry after the time in Retry-After.")


def _readable_anywhere(view):
    """CORS for anonymous reads: any web page may read a GET or HEAD answer (errors and
    429s too), never with credentials: no ``Access-Control-Allow-Credentials``, so a
    browser sends no cookies with such a request and the API sets none."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.method in ("GET", "HEAD"):
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Expose-Headers"] = "Content-Language, Retry-After"
        return response

    return wrapper


def api_view(view):
    """GET and HEAD only, rate-limited, readable from any origin without credentials,
    ``ApiError`` turned into its JSON answer."""

    # Nothing here changes state, so no CSRF check: a stray POST gets the JSON 405, not
    # the site's CSRF page.
    @csrf_exempt
    @_readable_anywhere
    @rate_limited(_limiter, on_limited=_too_many)
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            response = error_response(405, "This API is read-only: use GET.")
            response["Allow"] = "GET, HEAD"
            return response
        try:
            return view(request, *args, **kwargs)
        except ApiError as error:
            return error_response(error.status, error.message, error.details)

    return wrapper
