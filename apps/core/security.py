"""Same-origin checks: for anonymous visitors instead of CSRF tokens (QE-12), and the
staff CSRF check for browsers that send ``Origin: null`` (SR-18)."""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseForbidden
from django.middleware import csrf


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
