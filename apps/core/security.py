"""Checks that replace CSRF cookies for anonymous visitors (QE-12, decision 0010).

Visitors have no cookie, so Django's CSRF check cannot work for them. Instead an
anonymous POST is accepted when either

- the browser says where it came from (``Sec-Fetch-Site: same-origin`` or ``none``, or
  an ``Origin`` naming this site), or
- the browser says nothing useful (no ``Sec-Fetch-Site``, ``Origin`` absent or
  ``null``: Safari before 16.4, Firefox before 90, KaiOS, many cheap Android browsers)
  and the form carries a valid *form token*: this site's signature over the moment the
  form was drawn. It needs no cookie and the server stores nothing; it expires after
  ``FORM_TOKEN_MAX_AGE``.

A browser that says the POST came from another site (``Sec-Fetch-Site: cross-site`` or
``same-site``, or a foreign ``Origin``) is refused whatever the form carries. Refusals get
a translated page with the exit control, never a bare "Forbidden".
"""

from functools import wraps
from urllib.parse import urlsplit

from django.core import signing
from django.shortcuts import render

FORM_TOKEN_FIELD = "ft"  # noqa: S105 - a field name, not a secret
FORM_TOKEN_SALT = "waymark.form-token"  # noqa: S105 - a namespace, not a secret
# Long enough for a page left open while someone finds a quiet moment; pages themselves
# are kept on the server for at most 30 minutes (decision 0009), so a token drawn into a
# kept page is always young when the page is served.
FORM_TOKEN_MAX_AGE = 12 * 60 * 60

_signer = signing.TimestampSigner(salt=FORM_TOKEN_SALT)


def form_token() -> str:
    """A token for a form drawn now. It holds nothing but the time and a signature."""
    return _signer.sign("f")


def form_token_valid(value: str | None) -> bool:
    if not value or len(value) > 100:
        return False
    try:
        return _signer.unsign(value, max_age=FORM_TOKEN_MAX_AGE) == "f"
    except signing.BadSignature:  # also SignatureExpired
        return False


def browser_verdict(request) -> bool | None:
    """What the browser says: True (this site), False (elsewhere) or None (nothing)."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is None or origin == "null":
        return None
    parts = urlsplit(origin)
    return parts.netloc == request.get_host() and parts.scheme == request.scheme


def is_same_origin(request) -> bool:
    """A POST is accepted when the browser or the form's token says it came from here."""
    verdict = browser_verdict(request)
    if verdict is not None:
        return verdict
    return form_token_valid(request.POST.get(FORM_TOKEN_FIELD))


def refused(request):
    """The page a refused form gets: translated, with the exit control (base.html)."""
    return render(request, "core/refused.html", {"error_page": True}, status=403)


def same_origin_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST" and not is_same_origin(request):
            return refused(request)
        return view(request, *args, **kwargs)

    return wrapper
