"""Content fields translated with django-modeltranslation (L2)."""

from modeltranslation.translator import TranslationOptions, register

from .models import (
    Channel,
    CostOption,
    Location,
    Organization,
    Region,
    ScheduleException,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)


@register(Organization)
class OrganizationTranslation(TranslationOptions):
    fields = ("name", "alternate_name", "description")


@register(Service)
class ServiceTranslation(TranslationOptions):
    fields = (
        "name",
        "alternate_name",
        "description",
        "eligibility_description",
        "application_process",
        "fees_description",
        "accessibility",
        "interpretation_services",
    )


@register(Location)
class LocationTranslation(TranslationOptions):
    # Address fields are translated too, so confidentiality must hold in every column (SR-1).
    fields = (
        "name",
        "description",
        "region_label",
        "address_1",
        "city",
        "accessibility",
        "transportation",
    )


@register(ServiceAtLocation)
class ServiceAtLocationTranslation(TranslationOptions):
    fields = ("description",)


@register(Channel)
class ChannelTranslation(TranslationOptions):
    fields = ("label", "description")


@register(ScheduleException)
class ScheduleExceptionTranslation(TranslationOptions):
    fields = ("note",)


@register(CostOption)
class CostOptionTranslation(TranslationOptions):
    fields = ("option",)


@register(Region)
class RegionTranslation(TranslationOptions):
    fields = ("name",)


@register(Taxonomy)
class TaxonomyTranslation(TranslationOptions):
    fields = ("name", "description")


@register(TaxonomyTerm)
class TaxonomyTermTranslation(TranslationOptions):
    fields = ("name", "description")
