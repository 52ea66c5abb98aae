"""Privacy rules that hold for every response, so no single view can forget them."""

from django.conf import settings

STAFF_PATH_MARKERS = ("/staff/",)


class PrivacyHeadersMiddleware:
    """No browser caching, no Referer, no powerful features, no server banner (QE-10, SR-17)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = "same-origin"
        response["Permissions-Policy"] = settings.PERMISSIONS_POLICY
        response.headers.pop("Server", None)
        response.headers.pop("X-Powered-By", None)
        return response


def is_staff_path(path: str) -> bool:
    return any(marker in path for marker in STAFF_PATH_MARKERS)


class NoAnonymousCookiesMiddleware:
    """A last guard: public pages never set a cookie for someone not signed in (QE-12).

    Views are written not to create sessions or CSRF cookies for visitors; this strips
    anything that slips through, so a mistake costs a feature, not a visitor's safety.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if not signed_in and not is_staff_path(request.path):
            response.cookies.clear()
        return response
