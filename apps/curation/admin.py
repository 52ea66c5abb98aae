"""Review queue, audit trail, versions and the coordinators' overview (C2, C3, C4)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.directory.models import Service

from .accounts import (
    ENROLMENT_LINK_HOURS,
    StaffAccountForm,
    authenticator_reset,
    enrolment_expires,
    enrolment_path,
    may_manage,
    staff_account_create,
)
from .contact_data import has_lookalikes, visible_code_points
from .models import AuditEntry, OutboxMessage, ProblemReport, Proposal, StaffProfile, Version
from .reports import report_resolve
from .services import (
    ProposalError,
    is_coordinator,
    may_review,
    profile_of,
    proposal_approve,
    proposal_reject,
    proposal_withdraw,
    version_restore,
)


class StaffOnly:
    def has_module_permission(self, request):
        return request.user.is_superuser or profile_of(request.user) is not None

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Proposal)
class ProposalAdmin(StaffOnly, admin.ModelAdmin):
    list_display = (
        "__str__",
        "organization",
        "author",
        "status",
        "needs_coordinator",
        "created_at",
    )
    list_filter = ("status", "needs_coordinator", "target_model")
    readonly_fields = (
        "summary",
        "diff",
        "author",
        "created_at",
        "reviewer",
        "reviewed_at",
        "review_comment",
        "status",
    )
    fields = readonly_fields
    change_form_template = "curation/proposal_change_form.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .visible_to(request.user)
            .select_related("organization", "author")
        )

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def get_list_filter(self, request):
        return self.list_filter  # organisation filter only for coordinators below

    @admin.display(description=gettext_lazy("Summary"))
    def summary(self, obj):
        reasons = ", ".join(obj.reasons) or "—"
        return format_html(
            "{} · {}: {}",
            obj,
            _("Needs a coordinator") if obj.needs_coordinator else _("Any reviewer"),
            reasons,
        )

    @admin.display(description=gettext_lazy("Changes"))
    def diff(self, obj):
        rows = format_html_join(
            "",
            "<tr><th scope='row'>{}</th><td><bdi>{}</bdi></td><td><bdi>{}</bdi></td>"
            "<td>{}</td></tr>",
            (
                (
                    name,
                    _plain(obj.base.get(name)),
                    _plain(value),
                    visible_code_points(value) if has_lookalikes(value) else "",
                )
                for name, value in sorted(obj.changes.items())
            ),
        )
        header = format_html(
            "<tr><th scope='col'>{}</th><th scope='col'>{}</th><th scope='col'>{}</th>"
            "<th scope='col'>{}</th></tr>",
            _("Field"),
            _("Now"),
            _("Proposed"),
            _("Characters outside plain ASCII"),
        )
        return format_html("<table class='proposal-diff'>{}{}</table>", header, rows)

    def get_urls(self):
        return [
            path(
                "<int:pk>/review/",
                self.admin_site.admin_view(self.review_view),
                name="curation_proposal_review",
            ),
            path("overview/", self.admin_site.admin_view(overview_view), name="curation_overview"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        proposal = self.get_object(request, object_id)
        extra = {
            **(extra_context or {}),
            "can_review": proposal is not None
            and proposal.status == Proposal.Status.PENDING
            and may_review(request.user, proposal),
            "can_withdraw": proposal is not None
            and proposal.status == Proposal.Status.PENDING
            and proposal.author_id == request.user.pk,
            "own_proposal": proposal is not None and proposal.author_id == request.user.pk,
        }
        return super().change_view(request, object_id, form_url, extra)

    def review_view(self, request, pk):
        if request.method != "POST":
            raise PermissionDenied
        proposal = get_object_or_404(self.get_queryset(request), pk=pk)
        decision = request.POST.get("decision")
        comment = request.POST.get("comment", "")[:2000]
        actions = {"approve": proposal_approve, "reject": proposal_reject}
        try:
            if decision == "withdraw":
                proposal_withdraw(proposal=proposal, by=request.user)
            elif decision in actions:
                actions[decision](proposal=proposal, by=request.user, comment=comment)
            else:
                raise ProposalError(_("Choose approve or reject."))
        except ProposalError as error:
            self.message_user(request, str(error), messages.ERROR)
        except PermissionDenied:
            self.message_user(request, _("You may not review this proposal."), messages.ERROR)
        else:
            self.message_user(request, _("Done."), messages.SUCCESS)
        return HttpResponseRedirect(
            reverse(f"{self.admin_site.name}:curation_proposal_change", args=[proposal.pk])
        )


def _plain(value):
    return "—" if value in (None, "", []) else value


@admin.register(AuditEntry)
class AuditEntryAdmin(StaffOnly, admin.ModelAdmin):
    """Read-only: the trail cannot be edited from the app (SR-10)."""

    list_display = ("at", "actor", "action", "target_model", "target_id", "field")
    list_filter = ("action", "target_model")

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("actor")
        if is_coordinator(request.user):
            return queryset
        profile = profile_of(request.user)
        return queryset.filter(organization_id=profile.organization_id if profile else -1)

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Version)
class VersionAdmin(StaffOnly, admin.ModelAdmin):
    list_display = ("target_model", "target_id", "number", "at")
    list_filter = ("target_model",)
    readonly_fields = ("target_model", "target_id", "number", "snapshot", "at")
    change_form_template = "curation/version_change_form.html"

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("proposal")
        if is_coordinator(request.user):
            return queryset
        profile = profile_of(request.user)
        return queryset.filter(proposal__organization_id=profile.organization_id if profile else -1)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def get_urls(self):
        return [
            path(
                "<int:pk>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="curation_version_restore",
            ),
            *super().get_urls(),
        ]

    def restore_view(self, request, pk):
        if request.method != "POST":
            raise PermissionDenied
        version = get_object_or_404(self.get_queryset(request), pk=pk)
        try:
            proposal = version_restore(by=request.user, version=version)
        except ProposalError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(request.path.replace("/restore/", "/change/"))
        self.message_user(request, _("Restoring was proposed; it goes live once approved."))
        return HttpResponseRedirect(
            reverse(f"{self.admin_site.name}:curation_proposal_change", args=[proposal.pk])
        )


@admin.register(ProblemReport)
class ProblemReportAdmin(StaffOnly, admin.ModelAdmin):
    """Visitors' notes about listings, in the owning partner's queue (C5, SR-15)."""

    list_display = ("__str__", "service", "organization", "status", "created_at")
    list_filter = ("status", "category")
    fields = (
        "service",
        "organization",
        "category",
        "message",
        "status",
        "created_at",
        "resolved_at",
        "resolved_by",
    )
    readonly_fields = fields
    actions = ["resolve"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .visible_to(request.user)
            .select_related("service", "organization", "resolved_by")
        )

    def has_change_permission(self, request, obj=None):
        return False  # read-only; the one write is the "resolve" action

    @admin.action(description=gettext_lazy("Mark as resolved"), permissions=["view"])
    def resolve(self, request, queryset):
        reports = list(queryset.open())
        for report in reports:
            report_resolve(report=report, by=request.user)
        self.message_user(
            request,
            ngettext("%d note resolved.", "%d notes resolved.", len(reports)) % len(reports),
            messages.SUCCESS,
        )


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    """Who works for whom, and in which role; every change is in the audit trail (RR-1)."""

    list_display = ("user", "role", "organization", "language", "authenticator")
    list_filter = ("role",)
    change_form_template = "curation/staffprofile_change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "organization")

    @admin.display(description=gettext_lazy("Authenticator"), boolean=True)
    def authenticator(self, obj):
        return TOTPDevice.objects.filter(user_id=obj.user_id, confirmed=True).exists()

    def get_urls(self):
        return [
            path(
                "<int:pk>/reset-authenticator/",
                self.admin_site.admin_view(self.reset_view),
                name="curation_staffprofile_reset",
            ),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        """One screen for a new person: user, role, organisation; then an enrolment link."""

        if not self.has_add_permission(request):
            raise PermissionDenied
        form = StaffAccountForm(request.POST or None, by=request.user)
        if request.method == "POST" and form.is_valid():
            user = staff_account_create(by=request.user, **form.cleaned_data)
            message = _("The account %(username)s was created.") % {"username": user.username}
            return self._link_page(request, user, message)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Create a staff account"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "curation/account_create.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        profile = self.get_object(request, object_id)

        extra = {
            **(extra_context or {}),
            "can_reset": profile is not None
            and profile.user_id != request.user.pk
            and may_manage(request.user, user=profile.user),
        }
        return super().change_view(request, object_id, form_url, extra)

    def reset_view(self, request, pk):
        """A lost or stolen phone: its authenticator stops working now; a new link."""

        if request.method != "POST":
            raise PermissionDenied
        profile = get_object_or_404(self.get_queryset(request), pk=pk)
        if profile.user_id == request.user.pk:
            raise PermissionDenied
        authenticator_reset(by=request.user, user=profile.user)
        message = _(
            "The authenticator of %(username)s was removed: codes from the old phone no "
            "longer work."
        ) % {"username": profile.user.username}
        return self._link_page(request, profile.user, message)

    def _link_page(self, request, user, message):

        context = {
            **self.admin_site.each_context(request),
            "title": _("Enrolment link"),
            "message": message,
            "enrolled_user": user,
            "link": request.build_absolute_uri(enrolment_path(user)),
            "expires": enrolment_expires(),
            "hours": ENROLMENT_LINK_HOURS,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "curation/account_link.html", context)

    def save_model(self, request, obj, form, change):
        from .services import staff_profile_save

        staff_profile_save(profile=obj, by=request.user, changed=form.changed_data)

    def delete_model(self, request, obj):
        from .services import staff_profile_delete

        staff_profile_delete(profile=obj, by=request.user)

    def has_module_permission(self, request):
        return is_coordinator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_coordinator(request.user)

    has_change_permission = has_add_permission = has_view_permission

    def has_delete_permission(self, request, obj=None):
        return is_coordinator(request.user)


@admin.register(OutboxMessage)
class OutboxAdmin(StaffOnly, admin.ModelAdmin):
    list_display = ("key", "kind", "created_at", "delivered_at", "attempts", "last_error")
    list_filter = ("kind",)
    fields = ("key", "kind", "created_at", "delivered_at", "attempts", "last_error")
    readonly_fields = fields

    def has_module_permission(self, request):
        return is_coordinator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_coordinator(request.user)

    def has_change_permission(self, request, obj=None):
        return False


def overview_view(request):
    """What needs attention: pending proposals, overdue verifications, open reports (C4)."""
    if not is_coordinator(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    context = {
        **admin.site.each_context(request),
        "title": _("Overview"),
        "pending": Proposal.objects.pending().select_related("organization", "author")[:100],
        "overdue": Service.objects.published()
        .filter(verify_by__lt=today)
        .select_related("organization")
        .order_by("verify_by")[:200],
        "due_soon": Service.objects.published()
        .filter(verify_by__gte=today, verify_by__lte=today + timezone.timedelta(days=30))
        .select_related("organization")
        .order_by("verify_by")[:200],
        "reports": _open_reports(),
    }
    return TemplateResponse(request, "curation/overview.html", context)


def _open_reports():
    return ProblemReport.objects.open().select_related("service")[:200]
