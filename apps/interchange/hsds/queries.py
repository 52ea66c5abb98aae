"""What HSDS may show, preloaded: published services and what hangs off them.

Visibility comes from ``Service.objects.published()`` alone; these functions only add the
preloading the HSDS documents need on top of ``for_listing()``, so a page of any size
costs the same fixed number of queries.
"""

from django.db.models import Prefetch

from apps.directory.models import (
    Organization,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    Taxonomy,
    TaxonomyTerm,
)


def published_services():
    return Service.objects.published()


def with_documents(services):
    """Services with everything ``service_document`` reads, in a fixed number of queries."""
    return (
        services.for_listing()
        .select_related("organization", "assurer", "holiday_region")
        .prefetch_related(
            Prefetch(
                "service_languages",
                queryset=ServiceLanguage.objects.select_related("language").order_by(
                    "language__code", "pk"
                ),
            ),
            Prefetch(
                "service_at_locations",
                queryset=ServiceAtLocation.objects.select_related("location__region").order_by(
                    "pk"
                ),
            ),
        )
    )


def published_organizations():
    """Organizations the public sees: those with at least one published service."""
    return Organization.objects.filter(pk__in=published_services().values("organization_id"))


def published_services_at_locations():
    return ServiceAtLocation.objects.filter(service__in=published_services().values("pk"))


def taxonomies():
    return Taxonomy.objects.all()


def taxonomy_terms():
    return TaxonomyTerm.objects.select_related("taxonomy")


def in_order(queryset, pks: list[int]) -> list:
    """The rows of ``pks``, loaded in one go, in the order of ``pks``."""
    by_pk = {row.pk: row for row in queryset.filter(pk__in=pks)}
    return [by_pk[pk] for pk in pks if pk in by_pk]
