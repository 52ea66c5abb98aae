"""The public "something is wrong with this listing" form (C5, SR-21, QE-12).

Visitors have no account, session or CSRF cookie; a same-origin check, a honeypot, size
limits and a per-client rate limit stand in for them. Nothing about the sender is kept,
and nothing they wrote is logged or echoed back.
"""

from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from apps.core.ratelimit import RateLimiter, RateLimitUnavailable
from apps.core.security import body_too_large, same_origin_required
from apps.core.views import bad_request
from apps.directory.views import published_service_or_404

from .report_forms import ProblemReportForm
from .reports import report_submit

# A form of two short fields never needs more; anything bigger is refused unread.
MAX_BODY_BYTES = 32 * 1024
# Enough for a person correcting a few listings; too few to flood a partner's queue.
report_limit = RateLimiter("problem-report", limit=5, window=60 * 60)


def _form_page(request, service, form, status=200):
    return render(
        request, "curation/report_form.html", {"service": service, "form": form}, status=status
    )


def _try_later(request, service, status, retry_after):
    response = render(
        request,
        "curation/report_unavailable.html",
        {"service": service, "status": status},
        status=status,
    )
    response["Retry-After"] = str(retry_after)
    return response


def _sent(service):
    # 303: reloading the thank-you page never sends the note again.
    response = redirect("report-sent", pk=service.pk)
    response.status_code = 303
    return response


@csrf_exempt  # Visitors have no CSRF cookie (QE-12); the same-origin check replaces it.
@same_origin_required
@require_http_methods(["GET", "POST"])
def report_problem(request, pk):
    service = published_service_or_404(pk)
    if request.method == "GET":
        return _form_page(request, service, ProblemReportForm())
    # Every POST counts, before anything is read: oversized, malformed and honeypot ones too.
    try:
        decision = report_limit.hit(request)
    except RateLimitUnavailable:
        return _try_later(request, service, 503, retry_after=300)
    if not decision.allowed:
        return _try_later(request, service, 429, retry_after=decision.retry_after)
    if body_too_large(request, MAX_BODY_BYTES):
        return bad_request(request)
    form = ProblemReportForm(request.POST)
    if form.is_spam():
        # Looks like success to the bot; nothing is stored and nobody is emailed.
        return _sent(service)
    if not form.is_valid():
        return _form_page(request, service, form, status=400)
    report_submit(
        service=service,
        category=form.cleaned_data["category"],
        message=form.cleaned_data["message"],
    )
    return _sent(service)


@require_safe
def report_sent(request, pk):
    service = published_service_or_404(pk)
    return render(request, "curation/report_sent.html", {"service": service})
