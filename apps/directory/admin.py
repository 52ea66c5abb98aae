"""The directory in the staff area. Every save is a proposal (apps.curation)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from apps.curation.admin_mixins import CuratedAdmin

from .hours import OpeningHoursField
from .models import (
    Channel,
    Language,
    Location,
    Organization,
    Region,
    Service,
    ServiceArea,
    Taxonomy,
    TaxonomyTerm,
)


class ServiceForm(forms.ModelForm):
    spoken = forms.ModelMultipleChoiceField(
        label=_("Languages"),
        queryset=Language.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    interpreted = forms.ModelMultipleChoiceField(
        label=_("Languages through an interpreter"),
        queryset=Language.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    worldwide = forms.BooleanField(label=_("Available anywhere"), required=False)
    regions = forms.ModelMultipleChoiceField(
        label=_("Regions served"), queryset=Region.objects.all(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            rows = self.instance.service_languages.all()
            self.initial["spoken"] = [r.language_id for r in rows if not r.through_interpreter]
            self.initial["interpreted"] = [r.language_id for r in rows if r.through_interpreter]
            areas = list(self.instance.areas.all())
            self.initial["worldwide"] = any(a.region_id is None for a in areas)
            self.initial["regions"] = [a.region_id for a in areas if a.region_id]


@admin.register(Service)
class ServiceAdmin(CuratedAdmin, TranslationAdmin):
    form = ServiceForm
    list_display = ("name", "organization", "status", "verify_by")
    list_filter = ("status", "is_free")
    search_fields = ("name", "organization__name")
    filter_horizontal = ("terms",)
    exclude = ("status", "assured_date", "assurer", "verify_by")
    actions = ["propose_archive", "confirm_still_correct"]

    @admin.action(description=_("Confirm the selected listings are still correct"))
    def confirm_still_correct(self, request, queryset):
        from apps.curation.services import service_confirm

        for service in queryset:
            service_confirm(service=service, by=request.user)
        self.message_user(request, _("Thank you: marked as verified today."))

    def collection_values(self, form):
        data = form.cleaned_data
        interpreted = {lang.code for lang in data.get("interpreted") or []}
        spoken = {lang.code for lang in data.get("spoken") or []} | interpreted
        areas = [ServiceArea.ANYWHERE] if data.get("worldwide") else []
        return {
            "terms": sorted(t.pk for t in data.get("terms") or []),
            "languages": [[code, code in interpreted] for code in sorted(spoken)],
            "areas": sorted(areas + [r.code for r in data.get("regions") or []]),
        }


@admin.register(Organization)
class OrganizationAdmin(CuratedAdmin, TranslationAdmin):
    organization_lookup = "pk"
    list_display = ("name", "status", "is_demo")
    list_filter = ("status",)
    search_fields = ("name",)
    exclude = ("status", "is_demo")


@admin.register(Location)
class LocationAdmin(CuratedAdmin, TranslationAdmin):
    list_display = ("name", "organization", "visibility", "region")
    list_filter = ("visibility",)


class ChannelForm(forms.ModelForm):
    hours = OpeningHoursField(
        label=_("Opening hours"),
        required=False,
        help_text=_(
            "One row per period. Empty rows are ignored; to add more rows than shown, save "
            "and edit again."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "number" in self.fields:
            # A number may be typed in the national format of the service's country.
            self.fields["number"].region = self._service_country()
        if self.instance.pk:
            self.initial["hours"] = [
                [p.weekday, p.opens.isoformat(), p.closes.isoformat()]
                for p in self.instance.periods.order_by("weekday", "opens")
            ]

    def _service_country(self) -> str | None:
        service = self.instance.service if self.instance.service_id else None
        chosen = self.data.get(self.add_prefix("service")) if self.is_bound else None
        if chosen and str(chosen).isdigit():
            service = Service.objects.filter(pk=int(chosen)).first() or service
        return service.phone_country() if service else None


@admin.register(Channel)
class ChannelAdmin(CuratedAdmin, TranslationAdmin):
    form = ChannelForm
    organization_lookup = "service__organization"
    list_display = ("__str__", "service", "kind", "is_24_7")
    list_filter = ("kind",)

    def collection_values(self, form):
        data = form.cleaned_data
        return {
            "languages": sorted(lang.code for lang in data.get("languages") or []),
            "periods": data.get("hours") or [],
        }


class ReferenceDataAdmin(TranslationAdmin):
    """Regions and vocabularies: coordinators only."""

    def has_module_permission(self, request):
        from apps.curation.services import is_coordinator

        return is_coordinator(request.user)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    has_change_permission = has_view_permission

    def has_add_permission(self, request):
        return self.has_module_permission(request)


@admin.register(Region)
class RegionAdmin(ReferenceDataAdmin):
    list_display = ("code", "kind", "parent")
    list_filter = ("kind",)


@admin.register(TaxonomyTerm)
class TaxonomyTermAdmin(ReferenceDataAdmin):
    list_display = ("name", "code", "taxonomy", "position")
    list_filter = ("taxonomy",)


admin.site.register(Taxonomy, ReferenceDataAdmin)


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    has_module_permission = ReferenceDataAdmin.has_module_permission
    has_view_permission = ReferenceDataAdmin.has_view_permission
    has_change_permission = ReferenceDataAdmin.has_change_permission
    has_add_permission = ReferenceDataAdmin.has_add_permission
