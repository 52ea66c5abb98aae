"""Content fields translated with django-modeltranslation (L2)."""

from functools import cache

from modeltranslation.fields import TranslationField
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


@cache
def _language_column_defaults(model) -> dict:
    return {
        f.attname: f.get_default()
        for f in model._meta.concrete_fields
        if isinstance(f, TranslationField) and not (f.has_default() and callable(f.default))
    }


def unsaved(model, **values):
    """``model(**values)``, with the language columns' defaults computed once per model.

    modeltranslation computes each column's default inside ``translation.override``; for
    a large import's hundreds of thousands of new rows, that was a third of the time.
    """
    return model(**(_language_column_defaults(model) | values))
