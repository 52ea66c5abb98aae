"""HSDS 3.0 documents built from directory rows: the one mapping, for the API and the export.

Every builder takes rows preloaded by ``apps.interchange.hsds.queries`` and a ``Context``
(content language, regions) and returns plain dicts that validate against the official
schemas and the Waymark profile (``apps/interchange/profile/``). Channels and their hours
are in ``channels.py``, places in ``places.py``. The mapping, field by field, is in
docs/hsds.md; the import will read the same shapes back.
"""

from operator import attrgetter

from django.utils import translation

from apps.core.i18n import translated_value
from apps.directory.models import Channel, Service, ServiceArea, ServiceLanguage
from apps.directory.models.organizations import PublicationStatus

from . import channels
from .common import HSDS_VERSION, Context, compact, number, timestamp
from .ids import hsds_id
from .places import location_document, service_at_location_document

__all__ = [
    "HSDS_VERSION",
    "Context",
    "location_document",
    "organization_document",
    "service_at_location_document",
    "service_document",
    "service_list_item",
    "service_minimal",
    "taxonomy_document",
    "taxonomy_term_document",
]

SERVICE_TEXTS = (
    "name",
    "alternate_name",
    "description",
    "interpretation_services",
    "application_process",
    "fees_description",
    "eligibility_description",
)
ORGANIZATION_TEXTS = ("name", "alternate_name", "description")


def _texts(obj, fields, ctx: Context) -> tuple[dict, dict]:
    """The fields' text in the content language (or its fallback) and where it fell back."""
    values, fallbacks = {}, {}
    for name in fields:
        value, code, _status = translated_value(obj, name, ctx.language)
        if value:
            values[name] = value
            if code != ctx.language:
                fallbacks[name] = code
    return values, fallbacks


def _content(obj, fallbacks: dict, ctx: Context) -> dict:
    extension = {"content_language": ctx.language, "field_languages": fallbacks}
    status = (obj.translation_status or {}).get(ctx.language)
    if status in ("machine", "human"):
        extension["translation_status"] = status
    return extension


# --- organizations ---------------------------------------------------------------------
def organization_document(org, ctx: Context, *, services=None, full_services=False) -> dict:
    """An organization; with ``services`` (preloaded), the fully nested form."""
    with translation.override(ctx.language):
        texts, fallbacks = _texts(org, ORGANIZATION_TEXTS, ctx)
        document = compact(
            {
                "id": hsds_id("organization", org.pk),
                "name": texts.get("name", ""),
                "alternate_name": texts.get("alternate_name"),
                "description": texts.get("description", ""),
                "email": org.email,
                "website": org.website,
                "is_demo": org.is_demo,
                **_content(org, fallbacks, ctx),
            },
            keep=("name", "description"),
        )
        if services is not None:
            build = service_document if full_services else service_list_item
            document["services"] = [build(service, ctx, organization=False) for service in services]
        return document


# --- services --------------------------------------------------------------------------
def _service_fields(service: Service, ctx: Context) -> dict:
    texts, fallbacks = _texts(service, SERVICE_TEXTS, ctx)
    rows = list(service.channels.all())
    web = next((c.url for c in rows if c.kind == Channel.Kind.WEB and c.url), None)
    email = next((c.email for c in rows if c.kind == Channel.Kind.EMAIL and c.email), None)
    # The page reads "last verified on DATE by ORGANISATION" with the provider as default.
    assurer = (service.assurer or service.organization) if service.assured_date else None
    accessibility, written_in, _status = translated_value(service, "accessibility", ctx.language)
    if accessibility and written_in != ctx.language:
        fallbacks["accessibility"] = written_in
    return compact(
        {
            "id": hsds_id("service", service.pk),
            "organization_id": hsds_id("organization", service.organization_id),
            "name": texts.get("name", ""),
            "alternate_name": texts.get("alternate_name"),
            "description": texts.get("description"),
            "url": web,
            "email": email,
            # Only published services ever leave the staff side.
            "status": "active",
            "interpretation_services": texts.get("interpretation_services"),
            "application_process": texts.get("application_process"),
            "fees_description": texts.get("fees_description"),
            "eligibility_description": texts.get("eligibility_description"),
            "assured_date": service.assured_date.isoformat() if service.assured_date else None,
            # An unpublished assurer's address is not public; its name is (on the page).
            "assurer_email": assurer.email if assurer and _is_published(assurer) else None,
            "last_modified": timestamp(service.last_modified, service.organization.last_modified),
            "is_free": service.is_free,
            "accessibility": accessibility,
            "time_zone": service.time_zone,
            "holiday_region": service.holiday_region.code if service.holiday_region_id else None,
            "assurer_organization_id": hsds_id("organization", assurer.pk) if assurer else None,
            "assurer_name": assurer.name if assurer else None,
            "capacity_status": service.capacity_status or None,
            "capacity_updated": timestamp(service.capacity_updated)
            if service.capacity_status
            else None,
            **_content(service, fallbacks, ctx),
        },
        keep=("name",),
    )


def _is_published(org) -> bool:
    return org.status == PublicationStatus.PUBLISHED


def service_minimal(service: Service, ctx: Context) -> dict:
    """The smallest service the official list schema accepts, for sync clients."""
    with translation.override(ctx.language):
        name, _language, _status = translated_value(service, "name", ctx.language)
        return {
            "id": hsds_id("service", service.pk),
            "name": name,
            "status": "active",
            "last_modified": timestamp(service.last_modified, service.organization.last_modified),
        }


def service_list_item(service: Service, ctx: Context, *, organization=True) -> dict:
    """One-to-one fields only, as in a page of ``GET /services``."""
    with translation.override(ctx.language):
        document = _service_fields(service, ctx)
        if organization:
            document["organization"] = organization_document(service.organization, ctx)
        return document


def service_document(service: Service, ctx: Context, *, organization=True) -> dict:
    """A fully nested service, as ``GET /services/{id}`` and ``services.json``."""
    with translation.override(ctx.language):
        document = _service_fields(service, ctx)
        service_id = document["id"]
        rows = list(service.channels.all())
        phones = [c for c in rows if channels.is_phone(c)]
        others = [c for c in rows if not channels.is_phone(c)]
        document["phones"] = [channels.phone_document(c, service_id) for c in phones]
        document["contacts"] = [channels.contact_document(c, service_id) for c in others]
        # In the order of the channels above: an import creates phones, then contacts, so
        # its export lists the schedules in the same order (the round trip).
        document["schedules"] = [
            s for c in phones + others for s in channels.schedules(c, service, service_id)
        ]
        document["service_areas"] = [
            # By code, the order an import writes them in, so a round trip keeps it.
            _service_area(a, service_id)
            for a in sorted(service.areas.all(), key=attrgetter("code"))
        ]
        document["languages"] = [
            _service_language(sl, service_id) for sl in service.service_languages.all()
        ]
        document["service_at_locations"] = [
            service_at_location_document(sal, ctx)
            for sal in sorted(service.service_at_locations.all(), key=_pk)
        ]
        document["cost_options"] = [
            _cost_option(c, service_id) for c in sorted(service.cost_options.all(), key=_pk)
        ]
        document["attributes"] = [
            _attribute(service_id, service.pk, term, ctx) for term in service.terms.all()
        ]
        if organization:
            document["organization"] = organization_document(service.organization, ctx)
        return document


def _pk(obj):
    return obj.pk


def _service_area(area: ServiceArea, service_id: str) -> dict:
    region = area.region
    return compact(
        {
            "id": hsds_id("service_area", area.pk),
            "service_id": service_id,
            "name": str(area),
            "scope": area.scope,
            "region_code": region.code if region else None,
            "region_kind": region.kind if region else None,
        }
    )


def _service_language(link: ServiceLanguage, service_id: str) -> dict:
    interpreter = ServiceLanguage._meta.get_field("through_interpreter").verbose_name
    return compact(
        {
            "id": hsds_id("service_language", link.pk),
            "service_id": service_id,
            "name": link.language.display_name,
            "code": link.language.code,
            "note": str(interpreter) if link.through_interpreter else None,
            "through_interpreter": link.through_interpreter,
        }
    )


def _cost_option(cost, service_id: str) -> dict:
    return compact(
        {
            "id": hsds_id("cost_option", cost.pk),
            "service_id": service_id,
            "option": cost.option,
            "amount": number(cost.amount),
            "currency": cost.currency,
        }
    )


def _attribute(service_id: str, service_pk: int, term, ctx: Context) -> dict:
    term_id = hsds_id("taxonomy_term", term.pk)
    return {
        "id": hsds_id("attribute", service_pk, term.pk),
        "link_id": service_id,
        "link_entity": "service",
        "taxonomy_term_id": term_id,
        "taxonomy_term": taxonomy_term_document(term, ctx),
    }


# --- taxonomies ------------------------------------------------------------------------
def taxonomy_document(taxonomy, ctx: Context) -> dict:
    with translation.override(ctx.language):
        return compact(
            {
                "id": hsds_id("taxonomy", taxonomy.pk),
                "name": taxonomy.name,
                "description": taxonomy.description,
                "uri": taxonomy.uri,
                "version": taxonomy.version,
                "code": taxonomy.slug,
            },
            keep=("name", "description"),
        )


def taxonomy_term_document(term, ctx: Context) -> dict:
    with translation.override(ctx.language):
        name, language, _status = translated_value(term, "name", ctx.language)
        return compact(
            {
                "id": hsds_id("taxonomy_term", term.pk),
                "code": term.code,
                "name": name,
                "description": term.description,
                "parent_id": hsds_id("taxonomy_term", term.parent_id) if term.parent_id else None,
                "taxonomy": term.taxonomy.slug,
                "taxonomy_id": hsds_id("taxonomy", term.taxonomy_id),
                "language": language,
                "taxonomy_detail": taxonomy_document(term.taxonomy, ctx),
            },
            keep=("name", "description"),
        )
