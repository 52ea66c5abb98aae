"""Review queue, audit trail, versions and the coordinators' overview (C2, C3, C4)."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import capfirst
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
from .applications import (
    application_approve,
    application_check,
    application_reject,
    organization_proposal,
)
from .diffs import diff_rows, field_label, snapshot_rows
from .models import (
    Application,
    AuditEntry,
    OutboxMessage,
    ProblemReport,
    Proposal,
    StaffProfile,
    Version,
)
from .registry import spec_for
from .reports import report_resolve
from .services import (
    ProposalError,
    is_coordinator,
    may_act_for,
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
    """The review queue; a proposal's page is a review page, never an edit form (C2)."""

    list_display = (
        "__str__",
        "organization",
        "author",
        "status",
        "needs_coordinator",
        "created_at",
    )
    list_filter = ("status", "needs_coordinator", "target_model")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .visible_to(request.user)
            .select_related("organization", "author", "reviewer")
        )

    def has_change_permission(self, request, obj=None):
        return False  # nothing on a proposal is edited; it is reviewed (review_view)

    def get_urls(self):
        return [
            path(
                "<int:pk>/review/",
                self.admin_site.admin_view(self.review_view),
                name="curation_proposal_review",
            ),
            path(
                "<int:pk>/checklist/",
                self.admin_site.admin_view(self.checklist_view),
                name="curation_application_checklist",
            ),
            path("overview/", self.admin_site.admin_view(overview_view), name="curation_overview"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The review page: what would change, why it may need a coordinator, and one
        form per decision (approve, reject with a comment, withdraw)."""
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        proposal = self.get_object(request, unquote(object_id))
        if proposal is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        spec = spec_for(proposal.target_model)
        pending = proposal.status == Proposal.Status.PENDING
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _describe(proposal, spec),
            "proposal": proposal,
            "record_kind": spec.model._meta.verbose_name,
            "record_name": _record_name(proposal, spec),
            "rows": diff_rows(spec, proposal.base, proposal.changes),
            "reasons": sorted({field_label(spec, r.split(":", 1)[-1]) for r in proposal.reasons}),
            "can_review": pending and may_review(request.user, proposal),
            "can_withdraw": pending and proposal.author_id == request.user.pk,
            "own_proposal": proposal.author_id == request.user.pk,
            "versions": Version.objects.filter(proposal=proposal).order_by("number"),
        }
        if proposal.application_id and is_coordinator(request.user):
            # The vetting contact and references are for coordinators only (SR-15).
            context.update(_application_context(request, proposal))
        return TemplateResponse(request, "curation/proposal_review.html", context)

    def checklist_view(self, request, pk):
        """Save the vetting checklist of the application this proposal belongs to."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        proposal = get_object_or_404(self.get_queryset(request), pk=pk, application__isnull=False)
        ticked = [c for c in request.POST.getlist("checks") if c in Application.CHECKS]
        try:
            changed = application_check(
                application=proposal.application, by=request.user, checks=ticked
            )
        except ProposalError as error:
            self.message_user(request, str(error), messages.ERROR)
        except PermissionDenied:
            self.message_user(request, _("You may not review this proposal."), messages.ERROR)
        else:
            done = _("The checklist was saved.") if changed else _("Nothing was changed.")
            self.message_user(request, done, messages.SUCCESS)
        return HttpResponseRedirect(
            reverse(f"{self.admin_site.name}:curation_proposal_change", args=[proposal.pk])
        )

    def review_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        proposal = get_object_or_404(self.get_queryset(request), pk=pk)
        decision = request.POST.get("decision")
        comment = request.POST.get("comment", "").strip()[:2000]
        label = _describe(proposal, spec_for(proposal.target_model))
        try:
            if proposal.application_id:
                done = _decide_application(request, proposal, decision, comment)
            elif decision == "approve":
                proposal_approve(proposal=proposal, by=request.user, comment=comment)
                done = _("Approved and published: %(proposal)s.")
            elif decision == "reject":
                if not comment:
                    raise ProposalError(
                        _("Nothing was changed: write why you reject it, for the author.")
                    )
                proposal_reject(proposal=proposal, by=request.user, comment=comment)
                done = _("Rejected: %(proposal)s. The author sees your comment.")
            elif decision == "withdraw":
                proposal_withdraw(proposal=proposal, by=request.user)
                done = _("Withdrawn: %(proposal)s. It will not be reviewed.")
            else:
                raise ProposalError(_("Choose approve or reject."))
        except ProposalError as error:
            self.message_user(request, str(error), messages.ERROR)
        except PermissionDenied:
            self.message_user(request, _("You may not review this proposal."), messages.ERROR)
        else:
            self.message_user(request, done % {"proposal": label}, messages.SUCCESS)
        return HttpResponseRedirect(
            reverse(f"{self.admin_site.name}:curation_proposal_change", args=[proposal.pk])
        )


def _application_context(request, proposal) -> dict:
    """An application to be listed: the private contact and references, its checklist,
    and its other proposals; decided only from its organisation's proposal."""
    application = proposal.application
    main = organization_proposal(application)
    parts = application.proposals.exclude(pk=main.pk).order_by("pk")
    pending = application.status == Application.Status.PENDING
    is_main = main.pk == proposal.pk
    checks = [
        {
            "name": name,
            "label": label,
            "by": getattr(application, f"{name}_by"),
            "at": getattr(application, f"{name}_at"),
        }
        for name, label in (
            ("criteria_met", _("The organisation meets the inclusion criteria")),
            ("references_checked", _("References checked")),
            ("contact_verified", _("Contact details verified by calling back")),
        )
    ]
    return {
        "application": application,
        "application_main": main,
        "application_parts": [
            (
                part,
                _describe(part, spec_for(part.target_model)),
                diff_rows(spec_for(part.target_model), part.base, part.changes),
            )
            for part in parts
        ],
        "is_main": is_main,
        "checks": checks,
        "reasons_for_applicant": Application.Reason.choices,
        "can_decide": pending and is_main and is_coordinator(request.user),
        "can_review": False,
        "can_withdraw": False,
    }


def _decide_application(request, proposal, decision, comment) -> str:
    """Approve or reject the whole application, from its organisation's proposal."""
    application = proposal.application
    if organization_proposal(application).pk != proposal.pk:
        raise ProposalError(_("This is part of an application: decide on its organisation's page."))
    if decision == "approve":
        application_approve(application=application, by=request.user, comment=comment)
        return _("Approved and published: %(proposal)s.")
    if decision == "reject":
        application_reject(
            application=application,
            by=request.user,
            reason=request.POST.get("reason", ""),
            comment=comment,
        )
        return _("Rejected: %(proposal)s. The applicant is told by email, in their language.")
    raise ProposalError(_("Choose approve or reject."))


def _record_name(proposal, spec) -> str:
    record = None
    if proposal.target_id:
        record = spec.model._base_manager.filter(pk=proposal.target_id).first()
    if record is None and proposal.application_id and proposal.changes.get("name_en"):
        return proposal.changes["name_en"]  # an applicant's organisation or service, unpublished
    return str(record) if record is not None else f"#{proposal.target_id or '—'}"


def _describe(proposal, spec) -> str:
    """E.g. "Edit · contact channel: Phone: +33199001001"."""
    name = _record_name(proposal, spec)
    return f"{proposal.get_action_display()} · {spec.model._meta.verbose_name}: {name}"


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
    """Past versions, read as tables; restoring one is a new proposal (C3, RR-1)."""

    list_display = ("__str__", "target_model", "target_id", "number", "at")
    list_filter = ("target_model",)

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("proposal")
        if is_coordinator(request.user):
            return queryset
        profile = profile_of(request.user)
        return queryset.filter(proposal__organization_id=profile.organization_id if profile else -1)

    def has_change_permission(self, request, obj=None):
        return False  # a version is never edited

    def get_urls(self):
        return [
            path(
                "<int:pk>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="curation_version_restore",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        version = self.get_object(request, unquote(object_id))
        if version is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        spec = spec_for(version.target_model)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("%(kind)s #%(record)s, version %(number)s")
            % {
                "kind": capfirst(spec.model._meta.verbose_name),
                "record": version.target_id,
                "number": version.number,
            },
            "version": version,
            "proposal_name": _describe(version.proposal, spec) if version.proposal else "",
            "rows": snapshot_rows(spec, version.snapshot),
            "can_restore": may_act_for(request.user, version.proposal.organization_id)
            if version.proposal
            else is_coordinator(request.user),
        }
        return TemplateResponse(request, "curation/version_detail.html", context)

    def restore_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        version = get_object_or_404(self.get_queryset(request), pk=pk)
        back = reverse(f"{self.admin_site.name}:curation_version_change", args=[version.pk])
        try:
            proposal = version_restore(by=request.user, version=version)
        except ProposalError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(back)
        except PermissionDenied:
            self.message_user(request, _("You may not change this record."), messages.ERROR)
            return HttpResponseRedirect(back)
        self.message_user(
            request, _("Restoring was proposed; it goes live once approved."), messages.SUCCESS
        )
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


class OutboxStateFilter(admin.SimpleListFilter):
    title = gettext_lazy("delivery")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("waiting", gettext_lazy("Waiting")),
            ("dead", gettext_lazy("Not delivered after every attempt")),
            ("delivered", gettext_lazy("Delivered")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "waiting":
            return queryset.due()
        if value == "dead":
            return queryset.dead()
        if value == "delivered":
            return queryset.filter(delivered_at__isnull=False)
        return queryset


@admin.register(OutboxMessage)
class OutboxAdmin(StaffOnly, admin.ModelAdmin):
    list_display = ("key", "kind", "created_at", "delivered_at", "attempts", "last_error")
    list_filter = (OutboxStateFilter, "kind")
    actions = ["try_again"]

    @admin.action(description=gettext_lazy("Try the selected undelivered messages again"))
    def try_again(self, request, queryset):
        from .services import outbox_retry

        count = outbox_retry(ids=list(queryset.values_list("pk", flat=True)), by=request.user)
        self.message_user(request, _("Messages to be tried again: %(count)d.") % {"count": count})

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
