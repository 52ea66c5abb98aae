"""The staff side of the directory, until curation puts proposals in front of every write."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from .models import (
    Channel,
    Language,
    Location,
    OpeningPeriod,
    Organization,
    Region,
    ScheduleException,
    Service,
    ServiceArea,
    Taxonomy,
    TaxonomyTerm,
)


class ChannelInline(TranslationTabularInline):
    model = Channel
    extra = 0
    fields = ("kind", "number", "url", "email", "label", "is_24_7", "get_help_now", "position")


class ServiceAreaInline(admin.TabularInline):
    model = ServiceArea
    extra = 0


@admin.register(Service)
class ServiceAdmin(TranslationAdmin):
    list_display = ("name", "organization", "status", "assured_date")
    list_filter = ("status", "is_free")
    search_fields = ("name", "organization__name")
    filter_horizontal = ("terms",)
    inlines = [ChannelInline, ServiceAreaInline]


@admin.register(Organization)
class OrganizationAdmin(TranslationAdmin):
    list_display = ("name", "status", "is_demo")
    list_filter = ("status",)
    search_fields = ("name",)


@admin.register(Location)
class LocationAdmin(TranslationAdmin):
    list_display = ("name", "organization", "visibility", "region")
    list_filter = ("visibility",)


class OpeningPeriodInline(admin.TabularInline):
    model = OpeningPeriod
    extra = 0


class ScheduleExceptionInline(TranslationTabularInline):
    model = ScheduleException
    extra = 0


@admin.register(Channel)
class ChannelAdmin(TranslationAdmin):
    list_display = ("__str__", "service", "kind", "is_24_7")
    list_filter = ("kind",)
    inlines = [OpeningPeriodInline, ScheduleExceptionInline]


@admin.register(Region)
class RegionAdmin(TranslationAdmin):
    list_display = ("code", "kind", "parent")
    list_filter = ("kind",)


@admin.register(TaxonomyTerm)
class TaxonomyTermAdmin(TranslationAdmin):
    list_display = ("name", "code", "taxonomy", "position")
    list_filter = ("taxonomy",)


admin.site.register(Taxonomy, TranslationAdmin)
admin.site.register(Language)
