"""Enrolling an authenticator through a link, before the person can sign in (C1, SR-11)."""

from django.contrib import messages
from django.contrib.admin import site
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from .accounts import EnrolmentForm, pending_device, qr_svg, typed_key, user_for_link


@never_cache
@login_not_required
def enrol_view(request, uidb64, token):
    """Show the QR code and the key; take the password and a code; then sign in as usual."""
    user = user_for_link(uidb64, token)
    context = {**site.each_context(request), "title": _("Set up your authenticator app")}
    if user is None:
        context["title"] = _("This enrolment link does not work")
        return TemplateResponse(request, "curation/enrol_invalid.html", context, status=404)
    device = pending_device(user)
    form = EnrolmentForm(
        request.POST if request.method == "POST" else None,
        user=user,
        device=device,
        request=request,
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request,
            _("Your authenticator app is set up. Sign in with your username, password and code."),
        )
        return HttpResponseRedirect(reverse("admin:login"))
    context.update(
        form=form,
        enrolled_user=user,
        qr=qr_svg(device),
        key=typed_key(device),
        otpauth=device.config_url,
    )
    return TemplateResponse(request, "curation/enrol.html", context)
