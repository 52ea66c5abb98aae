"""Content fields translated with django-modeltranslation (L2)."""

import copy
from functools import cache

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
def _blank(model):
    return model()


@cache
def _callable_defaults(model) -> list:
    return [f for f in model._meta.concrete_fields if f.has_default() and callable(f.default)]


def unsaved(model, **values):
    """What ``model(**values)`` gives, copied from a blank record built once per model.

    modeltranslation makes ``Model()`` slow: each language column's default is computed
    inside ``translation.override`` and each keyword is rewritten. A 100 000-service
    import builds about a million new rows, and that was most of its time. Callable
    defaults (a fresh ``dict``, today's date) are called again for each record.
    """
    instance = copy.copy(_blank(model))
    for field in _callable_defaults(model):
        setattr(instance, field.attname, field.get_default())
    for name, value in values.items():
        setattr(instance, name, value)
    return instance
