"""The staff area: Django's admin, behind a second factor (SR-11, SR-13, SR-19)."""

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django_otp.admin import OTPAdminSite

from .auth import StaffLoginForm


class StaffLoginView(LoginView):
    """Django's login view; an unsafe ``next`` lands on the staff index, throttled → 429."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.is_throttled:
            response.status_code = 429
            response["Retry-After"] = str(form.retry_after)
        return response


class WaymarkAdminSite(OTPAdminSite):
    """Only staff verified by password and authenticator code get past ``has_permission``.

    OTPAdminSite's ``has_permission`` adds ``request.user.is_verified()`` to the usual
    active-and-staff check, superusers included, and every admin view (and every view
    wrapped in ``admin_view``) goes through it.
    """

    site_header = _("Staff area")
    site_title = _("Staff area")
    index_title = _("Listings and review")
    login_form = StaffLoginForm
    login_template = "admin/login.html"
    index_template = "admin/staff_home.html"
    logout_template = "admin/logged_out.html"

    def __init__(self, name="admin"):
        # OTPAdminSite would name itself "otpadmin"; templates and code say "admin:".
        super().__init__(name)

    def get_urls(self):
        from django.urls import path

        from .account_views import enrol_view
        from .capacity_views import capacity_update_view, priority_lines_view
        from .coverage import coverage_view, gaps_csv_view
        from .home import export_view

        return [
            # Reached by a person who cannot sign in yet: the link's token is the key.
            path("enrol/<uidb64>/<token>/", enrol_view, name="staff_enrol"),
            path("export/", self.admin_view(export_view), name="staff_export"),
            path("coverage/", self.admin_view(coverage_view), name="staff_coverage"),
            path("coverage/gaps.csv", self.admin_view(gaps_csv_view), name="staff_coverage_csv"),
            path("capacity/", self.admin_view(capacity_update_view), name="capacity_update"),
            path("priority/", self.admin_view(priority_lines_view), name="priority_lines"),
            *super().get_urls(),
        ]

    def index(self, request, extra_context=None):
        from .home import work_for
        from .services import outbox_dead_count

        context = {
            **work_for(request),
            "outbox_dead": outbox_dead_count(request.user),
            **(extra_context or {}),
        }
        return super().index(request, context)

    @method_decorator(never_cache)
    @login_not_required
    def login(self, request, extra_context=None):
        # As AdminSite.login, but with a view whose fallback is the staff index rather
        # than LOGIN_REDIRECT_URL, so a refused ``next`` still ends on a local page.
        index = reverse("admin:index", current_app=self.name)
        if request.method == "GET" and self.has_permission(request):
            return HttpResponseRedirect(index)
        context = {
            **self.each_context(request),
            "title": _("Sign in"),
            "subtitle": None,
            "app_path": request.get_full_path(),
            "username": request.user.get_username(),
            **(extra_context or {}),
        }
        request.current_app = self.name
        return StaffLoginView.as_view(
            extra_context=context,
            authentication_form=self.login_form,
            template_name=self.login_template,
            next_page=index,
        )(request)
