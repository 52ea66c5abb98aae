"""One-click space updates from the staff home, and the coordinators' priority lines (issue 21).

Both write through ``apps.curation.services`` (audited, cache purged); bad input is
refused with a message on the page it came from, and nothing changes.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from apps.directory.capacity import PLACE_TYPES, shown, version_of
from apps.directory.models import PriorityLine, Region, Service, Taxonomy
from apps.directory.models.organizations import CapacityStatus, PublicationStatus

from .models.people import visible_to_staff
from .services import (
    RefusedChange,
    is_coordinator,
    priority_line_add,
    priority_line_remove,
    profile_of,
)
from .services import capacity_set as capacity_set_service

# The most services the staff home offers the control for; an organisation with more
# shelters than this is not one the demo or the pilots know.
CAPACITY_SHOWN = 50
# The most candidates the priority page lists for a country.
CANDIDATES_SHOWN = 200


def capacity_services(user) -> list:
    """A partner's services that have places: those of a kind with places, or already
    saying how much space they have. Coordinators get none here (they see everything)."""
    profile = profile_of(user)
    if profile is None or not profile.is_partner:
        return []
    services = (
        visible_to_staff(Service.objects.exclude(status=PublicationStatus.ARCHIVED), user)
        .filter(
            ~Q(capacity_status="")
            | Q(terms__taxonomy__slug=Taxonomy.SERVICE_TYPE, terms__code__in=PLACE_TYPES)
        )
        .distinct()
        .order_by("name", "pk")[:CAPACITY_SHOWN]
    )
    return [
        {"service": service, "shown": shown(service), "version": version_of(service)}
        for service in services
    ]


class CapacityForm(forms.Form):
    service = forms.IntegerField(min_value=1)
    status = forms.ChoiceField(choices=CapacityStatus.choices)
    version = forms.CharField(max_length=80, required=False)


@require_POST
def capacity_update_view(request):
    """One click: the status button pressed, for the service and version the form shows."""
    form = CapacityForm(request.POST)
    home = HttpResponseRedirect(reverse("admin:index") + "#work-capacity")
    if not form.is_valid():
        messages.error(request, _("Choose one of the statuses shown."))
        return home
    data = form.cleaned_data
    try:
        capacity_set_service(
            by=request.user,
            service_id=data["service"],
            status=data["status"],
            shown_version=data["version"],
        )
    except RefusedChange as refusal:
        messages.error(request, str(refusal))
        return home
    service = Service.objects.get(pk=data["service"])
    messages.success(
        request,
        _("Saved: the public now sees “%(status)s” for %(service)s.")
        % {"status": CapacityStatus(data["status"]).label, "service": service.name},
    )
    return home


# --- priority lines --------------------------------------------------------------------


class CountryForm(forms.Form):
    country = forms.ModelChoiceField(
        label=gettext_lazy("Country"),
        queryset=Region.objects.countries(),
        to_field_name="code",
        empty_label=None,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["country"]
        field.label_from_instance = lambda region: region.display_name


class PriorityForm(forms.Form):
    country = forms.ModelChoiceField(queryset=Region.objects.countries(), to_field_name="code")
    service = forms.IntegerField(min_value=1)
    action = forms.ChoiceField(choices=[("add", "add"), ("remove", "remove")])


def _priority_url(country_code: str) -> str:
    return f"{reverse('admin:priority_lines')}?country={country_code}"


@require_http_methods(["GET", "HEAD", "POST"])
def priority_lines_view(request):
    """A country's priority lines and the services that could be one; coordinators only."""
    if not is_coordinator(request.user):
        raise PermissionDenied
    if request.method == "POST":
        return _priority_change(request)
    return _priority_page(request)


def _priority_page(request):
    form = CountryForm(request.GET or None)
    country = form.cleaned_data["country"] if form.is_bound and form.is_valid() else None
    status = 400 if form.is_bound and country is None else 200
    lines, candidates = [], []
    if country is not None:
        lines = list(
            PriorityLine.objects.filter(country=country)
            .select_related("service__organization")
            .order_by("position")
        )
        taken = [line.service_id for line in lines]
        candidates = list(
            Service.objects.published()
            .serving(country)
            .exclude(pk__in=taken)
            .select_related("organization")
            .order_by("name", "pk")[:CANDIDATES_SHOWN]
        )
    context = {
        **admin.site.each_context(request),
        "title": _("Priority lines"),
        "form": form if form.is_bound else CountryForm(),
        "country": country,
        "lines": lines,
        "candidates": candidates,
        "full": len(lines) >= PriorityLine.MAX_PER_COUNTRY,
    }
    return TemplateResponse(request, "curation/priority_lines.html", context, status=status)


def _priority_change(request):
    form = PriorityForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a country and a service from the list."))
        return HttpResponseRedirect(reverse("admin:priority_lines"))
    country, action = form.cleaned_data["country"], form.cleaned_data["action"]
    service = Service.objects.filter(pk=form.cleaned_data["service"]).first()
    if service is None:
        messages.error(request, _("Choose a country and a service from the list."))
        return HttpResponseRedirect(_priority_url(country.code))
    names = {"service": service.name, "country": country.display_name}
    try:
        if action == "add":
            priority_line_add(by=request.user, country=country, service=service)
            messages.success(
                request, _("%(service)s is now a priority line for %(country)s.") % names
            )
        else:
            priority_line_remove(by=request.user, country=country, service=service)
            messages.success(
                request, _("%(service)s is no longer a priority line for %(country)s.") % names
            )
    except RefusedChange as refusal:
        messages.error(request, str(refusal))
    return HttpResponseRedirect(_priority_url(country.code))
