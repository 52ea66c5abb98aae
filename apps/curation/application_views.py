"""The public "apply to be listed" form (issue #22).

The same defences as the problem report (``report_views``): no account, session or CSRF
cookie; a same-origin check or form token, a honeypot, a body size limit and a per-client
rate limit stand in for them. Nothing about the sender's browser is kept, and nothing
they wrote is logged or repeated in an error.
"""

from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from apps.core.ratelimit import RateLimiter, RateLimitUnavailable
from apps.core.security import body_too_large, same_origin_required

from .application_forms import ApplicationForm, ServiceFormSet, forget_refused_values
from .applications import application_submit

# Every field full, three services, in a script of three-byte characters (each sent as
# nine bytes, percent-encoded) stays under this; anything bigger is refused unread.
MAX_BODY_BYTES = 160 * 1024
# An organisation applies once; a few tries for mistakes, too few to flood the queue.
application_limit = RateLimiter("application", limit=5, window=60 * 60)
SERVICES_PREFIX = "s"


def _form_page(request, form, services, status=200, too_large=False):
    return render(
        request,
        "curation/application_form.html",
        {"form": form, "services": services, "too_large": too_large},
        status=status,
    )


def _try_later(request, status, retry_after):
    response = render(
        request, "curation/application_unavailable.html", {"status": status}, status=status
    )
    response["Retry-After"] = str(retry_after)
    return response


@csrf_exempt  # Visitors have no CSRF cookie (QE-12); the same-origin check replaces it.
@same_origin_required
@require_http_methods(["GET", "POST"])
def apply(request):
    if request.method == "GET":
        return _form_page(request, ApplicationForm(), ServiceFormSet(prefix=SERVICES_PREFIX))
    # Every POST counts, before anything is read: oversized, malformed and honeypot ones too.
    try:
        decision = application_limit.hit(request)
    except RateLimitUnavailable:
        return _try_later(request, 503, retry_after=300)
    if not decision.allowed:
        return _try_later(request, 429, retry_after=decision.retry_after)
    if body_too_large(request, MAX_BODY_BYTES):
        # Not read: a fresh, empty form and a message that it was too long.
        return _form_page(
            request, ApplicationForm(), ServiceFormSet(prefix=SERVICES_PREFIX), 413, True
        )
    form = ApplicationForm(request.POST)
    services = ServiceFormSet(request.POST, prefix=SERVICES_PREFIX)
    if form.is_spam():
        return _sent()  # looks like success to the bot; nothing is stored
    form_valid, services_valid = form.is_valid(), services.is_valid()
    if not (form_valid and services_valid):
        for each in [form, *services.forms]:
            forget_refused_values(each)
        return _form_page(request, form, services, status=400)
    application_submit(
        organization=form.cleaned_data,
        services=[data for data in services.cleaned_data if data],
        language=translation.get_language(),
    )
    return _sent()


def _sent():
    # 303: reloading the thank-you page never sends the application again.
    response = redirect("apply-sent")
    response.status_code = 303
    return response


@require_safe
def apply_sent(request):
    return render(request, "curation/application_sent.html")
