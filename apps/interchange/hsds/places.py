"""Locations as the public may know them, through ``Location.public_view()`` only (SR-1).

A public location gives its address and coordinates; a region-only one its public area
name; a hidden one nothing but its id and region. No free text about a confidential
place (accessibility, transportation, the link's description) is published either: it
could describe the place.
"""

from django.utils import translation

from apps.directory.models import Location, Region

from .common import Context, compact, number
from .ids import hsds_id


def location_document(location: Location, ctx: Context) -> dict:
    view = location.public_view()
    location_id = hsds_id("location", location.pk)
    document = {
        "id": location_id,
        "location_type": "physical",
        "organization_id": hsds_id("organization", location.organization_id),
        "visibility": location.visibility,
        "region_code": view["region"].code,
    }
    if location.visibility == Location.Visibility.REGION:
        document["name"] = str(view["area"])
    elif location.is_public:
        document.update(
            name=view["name"],
            transportation=view["transportation"],
            latitude=number(view["latitude"]),
            longitude=number(view["longitude"]),
            addresses=[_address(location, view, location_id, ctx)],
        )
        if view["accessibility"]:
            document["accessibility"] = [
                {
                    "id": hsds_id("accessibility", location.pk),
                    "location_id": location_id,
                    "description": view["accessibility"],
                }
            ]
    return compact(document)


def _address(location: Location, view: dict, location_id: str, ctx: Context) -> dict:
    lineage = ctx.lineage(ctx.regions.get(location.region_id, view["region"]))
    country = lineage[-1]
    subdivision = next((r for r in lineage if r.kind == Region.Kind.SUBDIVISION), None)
    return {
        "id": hsds_id("address", location.pk),
        "location_id": location_id,
        "address_1": view["address_1"],
        "city": view["city"],
        # Required by HSDS: the nearest subdivision, else (Waymark knows no finer) the country.
        "state_province": (subdivision or country).display_name,
        "postal_code": view["postal_code"],
        "country": country.code if country.kind == Region.Kind.COUNTRY else "",
        "address_type": "physical",
    }


def service_at_location_document(link, ctx: Context, *, service=None) -> dict:
    """A service at a location; with ``service`` (a document), the nested form."""
    with translation.override(ctx.language):
        location = link.location
        document = {
            "id": hsds_id("service_at_location", link.pk),
            "service_id": hsds_id("service", link.service_id),
            "location_id": hsds_id("location", location.pk),
            "description": link.description if location.is_public else None,
            "location": location_document(location, ctx),
        }
        if service is not None:
            document["service"] = service
        return compact(document)
