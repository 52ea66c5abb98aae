"""Same-origin checks: for anonymous visitors instead of CSRF tokens (QE-12, decision
0011), and the staff CSRF check for browsers that send ``Origin: null`` (SR-18, decision
0010).

Anonymous visitors: checks that replace CSRF cookies.

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

from django.conf import settings
from django.core import signing
from django.middleware import csrf
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


class CsrfViewMiddleware(csrf.CsrfViewMiddleware):
    """Django's CSRF check, for browsers that withhold where a form came from (0010).

    A browser sends ``Origin: null`` on a form POST when the page's referrer policy is
    ``no-referrer`` (the public site's, QE-10) or when it is an older browser that never
    sends a real Origin on same-origin POSTs. Django reads ``null`` as a foreign origin
    and refuses the request, so no one could sign in. Here ``Origin: null`` is judged by
    what else the browser says:

    - ``Sec-Fetch-Site`` (set by the browser, never by a page's script) must be
      ``same-origin``; ``same-site``, ``cross-site`` and ``none`` are refused;
    - without it, a ``Referer``, if sent, must be this site (over HTTPS, Django's own
      strict Referer check);
    - with neither (nor any Origin, as older Firefox sends it), the CSRF token decides.
      That is safe because the token lives in the server-side session
      (``CSRF_USE_SESSIONS``): a cookie planted from a sibling subdomain or over plain
      HTTP cannot supply a token an attacker knows, which is the attack Django's HTTPS
      Referer check exists to stop.
    A real, foreign ``Origin`` is refused exactly as Django refuses it.
    """

    def _get_secret(self, request):
        # No session cookie, no session and no token: and the session is left untouched,
        # so public responses carry no "Vary: Cookie" (and no session row is created).
        if settings.CSRF_USE_SESSIONS and settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        return super()._get_secret(request)

    def _origin_verified(self, request):
        if request.META["HTTP_ORIGIN"] != "null":
            return super()._origin_verified(request)
        return self._withheld_origin_verified(request)

    def _check_referer(self, request):
        # Django's check for HTTPS requests without any Origin header (older Firefox):
        # without a Referer either, the same rule as for Origin: null.
        if "HTTP_REFERER" not in request.META and self._withheld_origin_verified(request):
            return
        super()._check_referer(request)

    def _withheld_origin_verified(self, request) -> bool:
        fetch_site = request.headers.get("Sec-Fetch-Site")
        if fetch_site is not None:
            return fetch_site == "same-origin"
        if "HTTP_REFERER" in request.META:
            return self._referer_is_this_site(request)
        return bool(settings.CSRF_USE_SESSIONS)

    def _referer_is_this_site(self, request) -> bool:
        if request.is_secure():
            try:
                super()._check_referer(request)
            except csrf.RejectRequest:
                return False
            return True
        try:
            referer = urlsplit(request.META["HTTP_REFERER"])
        except ValueError:
            return False
        return referer.scheme == request.scheme and referer.netloc == request.get_host()


CSRF_MIDDLEWARE = "apps.core.security.CsrfViewMiddleware"


def check_csrf_middleware(app_configs=None, **kwargs):
    """Django's security.W003 looks for its own CSRF middleware by name and is silenced in
    settings; this check stands in for it, so the protection cannot quietly go missing."""
    from django.core.checks import Error

    if CSRF_MIDDLEWARE in settings.MIDDLEWARE and settings.CSRF_USE_SESSIONS:
        return []
    return [
        Error(
            f"{CSRF_MIDDLEWARE} must be in MIDDLEWARE, with CSRF_USE_SESSIONS = True "
            "(decision 0010).",
            id="waymark.E001",
        )
    ]


def body_too_large(request, limit: int) -> bool:
    """An anonymous form's body is refused, unread, above ``limit`` bytes (or with a
    length that is not a number)."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > limit
    except ValueError:
        return True
