"""The staff home: the work waiting for this person, and the coordinators' export (C4, X1).

Each list is scoped as the person's other pages are (SR-15): partners see their own
organisation's proposals, listings and notes; coordinators see everything, and imports.
"""

import datetime as dt
import tempfile
import zipfile
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.directory.models import Service
from apps.directory.models.organizations import CapacityStatus

from .capacity_views import CountryForm, capacity_services
from .models import ProblemReport, Proposal
from .models.people import visible_to_staff
from .services import is_coordinator, may_review, profile_of

# How many of each kind of work the home lists; the counts are always complete.
SHOWN = 10
DUE_SOON_DAYS = 30


def _listed(queryset):
    return {"count": queryset.count(), "items": list(queryset[:SHOWN])}


def work_for(request) -> dict:
    """What the staff home shows this person; empty for someone with no staff role."""
    user = request.user
    if not (user.is_superuser or profile_of(user)):
        return {}
    coordinator = is_coordinator(user)
    pending = (
        Proposal.objects.pending()
        .visible_to(user)
        .select_related("organization", "author")
        .order_by("created_at")
    )
    # An application is decided on its organisation's page: its services and channels
    # are not listed as work of their own.
    decidable = pending.exclude(author=user).exclude(
        Q(application__isnull=False) & ~Q(target_model="organization")
    )
    to_review = [p for p in decidable[:500] if may_review(user, p)]
    today = timezone.localdate()
    listings = (
        visible_to_staff(Service.objects.published(), user)
        .select_related("organization")
        .order_by("verify_by", "pk")
    )
    work = {
        "home": True,
        "is_coordinator": coordinator,
        "to_review": {"count": len(to_review), "items": to_review[:SHOWN]},
        "mine": _listed(pending.filter(author=user)),
        "overdue": _listed(listings.filter(verify_by__lt=today)),
        "due_soon": _listed(
            listings.filter(
                verify_by__gte=today, verify_by__lte=today + dt.timedelta(days=DUE_SOON_DAYS)
            )
        ),
        "capacity": capacity_services(user),
        "capacity_statuses": CapacityStatus.choices,
        "reports": _listed(
            ProblemReport.objects.open()
            .visible_to(user)
            .select_related("service")
            .order_by("created_at")
        ),
    }
    if coordinator:
        from apps.interchange.models import ImportJob

        imports = ImportJob.objects.filter(status=ImportJob.Status.PENDING).defer("content")
        work["imports"] = _listed(imports.select_related("author").order_by("created_at"))
        work["export_form"] = ExportForm()
        work["country_form"] = CountryForm()
    return work


# --- Export -----------------------------------------------------------------------------


class ExportForm(forms.Form):
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the texts"), choices=settings.LANGUAGES, initial="en"
    )
    format = forms.ChoiceField(choices=[("json", "JSON"), ("csv", "CSV")])


def export_view(request):
    """The published directory as HSDS 3.0, zipped: nested JSON, or the CSV tables with
    their datapackage. Coordinators only; written to temporary files and streamed."""
    from apps.interchange import export

    if not is_coordinator(request.user):
        raise PermissionDenied
    form = ExportForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("Choose a language and a format for the export."))
        return HttpResponseRedirect(reverse("admin:index"))
    language, kind = form.cleaned_data["language"], form.cleaned_data["format"]
    folder_name = "hsds" if kind == "json" else "tabular"
    archive = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it, then it is gone
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        export.write_language(folder, language)
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
            for path in sorted((folder / folder_name).iterdir()):
                bundle.write(path, f"{folder_name}/{path.name}")
    archive.seek(0)
    stamp = timezone.localdate().isoformat()
    return FileResponse(
        archive,
        as_attachment=True,
        filename=f"waymark-hsds-{kind}-{language}-{stamp}.zip",
        content_type="application/zip",
    )
