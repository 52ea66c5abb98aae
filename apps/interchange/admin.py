"""Imports in the staff area: upload, progress, review (coordinators only)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from apps.curation.services import is_coordinator

from .forms import ImportReviewForm, ImportUploadForm
from .importing.issues import ImportFailed
from .models import ImportJob
from .services import (
    import_job_approve,
    import_job_reject,
    import_job_upload,
    may_review_import,
    step_diff,
    upload_limits,
)
from .tasks import enqueue_import


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ("__str__", "mode", "status", "author", "created_at", "warning_count")
    list_filter = ("status", "mode")

    def has_module_permission(self, request):
        return is_coordinator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_coordinator(request.user)

    def has_add_permission(self, request):
        return is_coordinator(request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author", "reviewer").defer("content")

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/review/", view(self.review_view), name="interchange_importjob_review"),
            path("<int:pk>/start/", view(self.start_view), name="interchange_importjob_start"),
            *super().get_urls(),
        ]

    def _url(self, job):
        return reverse(f"{self.admin_site.name}:interchange_importjob_change", args=[job.pk])

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        limits = upload_limits()
        form = ImportUploadForm(
            request.POST or None, request.FILES or None, max_bytes=limits.max_bytes
        )
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            job = import_job_upload(
                by=request.user,
                file_name=upload.name,
                data=upload.read(),
                mode=form.cleaned_data["mode"],
            )
            return HttpResponseRedirect(self._url(job))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import HSDS data"),
            "form": form,
            "opts": self.model._meta,
            "max_records": limits.max_records,
        }
        return TemplateResponse(request, "interchange/import_upload.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_view_permission(request, job):
            raise PermissionDenied
        items = job.items.order_by("position")[:500]
        diffs = [step_diff(item) for item in items] or job.summary.get("diffs", [])
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import %(job)s") % {"job": job},
            "job": job,
            "opts": self.model._meta,
            "diffs": diffs,
            "item_count": job.items.count(),
            "can_review": job.status == ImportJob.Status.PENDING
            and may_review_import(request.user, job),
            "own_job": job.author_id == request.user.pk,
            "review_form": ImportReviewForm(),
            "refresh": not job.is_finished and job.status != ImportJob.Status.PENDING,
        }
        return TemplateResponse(request, "interchange/import_job.html", context)

    def review_view(self, request, pk):
        if request.method != "POST":
            raise PermissionDenied
        job = get_object_or_404(self.get_queryset(request), pk=pk)
        form = ImportReviewForm(request.POST)
        if not form.is_valid():
            self.message_user(request, _("Choose approve or reject."), messages.ERROR)
            return HttpResponseRedirect(self._url(job))
        try:
            if form.cleaned_data["decision"] == "approve":
                import_job_approve(job=job, by=request.user)
                self.message_user(request, _("The import is published."), messages.SUCCESS)
            else:
                import_job_reject(job=job, by=request.user)
                self.message_user(request, _("The import was rejected."), messages.SUCCESS)
        except ImportFailed as error:
            for issue in error.issues[:20]:
                self.message_user(request, str(issue), messages.ERROR)
        return HttpResponseRedirect(self._url(job))

    def start_view(self, request, pk):
        """Hand a job the broker never received to it again (its page offers this)."""
        if request.method != "POST":
            raise PermissionDenied
        job = get_object_or_404(self.get_queryset(request), pk=pk)
        if job.status == ImportJob.Status.QUEUED:
            enqueue_import(job.pk)
            self.message_user(request, _("The import was queued again."))
        return HttpResponseRedirect(self._url(job))
