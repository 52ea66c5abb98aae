from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from .i18n import neutral_url


@require_safe
def healthz(request):
    """The process is up (RR-10)."""
    return HttpResponse("ok\n", content_type="text/plain")


@require_safe
def readyz(request):
    """The process can reach its database (RR-10)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means "not ready"
        return HttpResponse("database unreachable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico by themselves: a generic icon, from this site (QE-15)."""
    return HttpResponseRedirect(static("core/favicon.svg"))


@csrf_exempt
@require_http_methods(["GET", "POST", "HEAD"])
def quick_exit(request):
    """Leave for a neutral page, asking the browser to forget this site (QE-3, QE-9).

    Touches neither the database nor a session.
    """
    response = HttpResponseRedirect(neutral_url(translation.get_language()))
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    response.content = b""
    return response


def browse_safely(request):
    return render(request, "core/browse_safely.html")


def _error(request, status):
    # Error pages never echo what was submitted or asked for (SR-20).
    return render(request, "core/error.html", {"status": status, "error_page": True}, status=status)


def bad_request(request, exception=None):
    return _error(request, 400)


def not_found(request, exception=None):
    return _error(request, 404)


def server_error(request):
    return _error(request, 500)
