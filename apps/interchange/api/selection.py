"""Which records a list endpoint returns, in which order, from cleaned parameters.

Filters are the directory's named queryset methods (``published()``, ``serving()``,
``speaking()``, ``open_at()``) and free-text search (``search_service_ids``); HSDS ids are
turned into primary keys by ``stored.find`` among what the public may see, so no request value
ever reaches the ORM as a keyword (SR-22). Unknown ids match nothing.
"""

from functools import reduce
from operator import or_

from django.db.models import Q
from django.utils import timezone

from apps.directory.models import ServiceAtLocation, Taxonomy, TaxonomyTerm
from apps.directory.search import language_codes, search_service_ids
from apps.interchange.hsds import queries
from apps.interchange.hsds.stored import find

from .forms import UNKNOWN_REGION

NOTHING = object()


def _resolved(kind: str, value, allowed):
    """The pk for a requested id, None when not requested, NOTHING when unknown."""
    if value is None:
        return None
    pk = find(kind, str(value), allowed)
    return NOTHING if pk is None else pk


# The parameters of ServiceQuery that narrow the list.
FILTERS = (
    "taxonomy_term_id",
    "taxonomy_id",
    "organization_id",
    "modified_after",
    "region",
    "language",
    "open_now",
    "search",
)


def unfiltered(params: dict) -> bool:
    """True when the list is every published service."""
    return not any(params.get(name) for name in FILTERS)


def _name_contains(queryset, text: str, prefix: str = ""):
    """Rows whose name contains ``text`` in any content language."""
    columns = [f"{prefix}name_{code}" for code in language_codes()]
    return queryset.filter(reduce(or_, (Q(**{f"{c}__icontains": text}) for c in columns)))


def service_pks(params: dict):
    """Published services matching the cleaned parameters: best match first when searching,
    else by id (a stable order across pages)."""
    services = base = queries.published_services()
    term = _resolved(
        "taxonomy_term",
        params.get("taxonomy_term_id"),
        TaxonomyTerm.objects.all(),
    )
    taxonomy = _resolved("taxonomy", params.get("taxonomy_id"), Taxonomy.objects.all())
    organization = _resolved(
        "organization",
        params.get("organization_id"),
        queries.published_organizations(),
    )
    if NOTHING in (term, taxonomy, organization):
        return []
    if term is not None:
        services = services.filter(terms=term)
    if taxonomy is not None:
        services = services.filter(terms__taxonomy=taxonomy)
    if organization is not None:
        services = services.filter(organization=organization)
    if params.get("modified_after"):
        moment = params["modified_after"]
        services = services.filter(
            Q(last_modified__gte=moment) | Q(organization__last_modified__gte=moment)
        )
    if params.get("region") is UNKNOWN_REGION:
        return []
    if params.get("region"):
        services = services.serving(params["region"])
    if params.get("language"):
        services = services.speaking([params["language"]])
    if params.get("open_now"):
        services = services.open_at(timezone.now())
    if params.get("search"):
        # Machines get exactly the words they sent: no places, synonyms or corrections.
        return search_service_ids(
            params["search"], params["lang"], among=services, read_meaning=False
        )
    if services is base:
        # No filter: count and page the published services directly.
        return services.order_by("pk").values_list("pk", flat=True)
    # Filters join (a service can match twice); paging runs over the distinct matches.
    matches = queries.published_services().filter(pk__in=services.values("pk"))
    return matches.order_by("pk").values_list("pk", flat=True)


def service_at_location_pks(params: dict) -> list[int]:
    """Services at locations of the matching services, in the services' order."""
    ranked = {pk: rank for rank, pk in enumerate(service_pks(params))}
    links = ServiceAtLocation.objects.filter(service__in=list(ranked)).values_list(
        "pk", "service_id"
    )
    return [pk for pk, service in sorted(links, key=lambda link: (ranked[link[1]], link[0]))]


def organization_pks(params: dict) -> list[int]:
    organizations = queries.published_organizations()
    if params.get("search"):
        organizations = _name_contains(organizations, params["search"])
    return list(organizations.order_by("pk").values_list("pk", flat=True))


def taxonomy_pks(params: dict) -> list[int]:
    taxonomies = queries.taxonomies()
    if params.get("search"):
        taxonomies = _name_contains(taxonomies, params["search"])
    return list(taxonomies.order_by("pk").values_list("pk", flat=True))


def taxonomy_term_pks(params: dict) -> list[int]:
    terms = queries.taxonomy_terms()
    all_terms = TaxonomyTerm.objects.all()
    taxonomy = _resolved("taxonomy", params.get("taxonomy_id"), Taxonomy.objects.all())
    parent = _resolved("taxonomy_term", params.get("parent_id"), all_terms)
    if NOTHING in (taxonomy, parent):
        return []
    if taxonomy is not None:
        terms = terms.filter(taxonomy=taxonomy)
    if parent is not None:
        terms = terms.filter(parent=parent)
    if params.get("top_only"):
        terms = terms.filter(parent__isnull=True)
    if params.get("search"):
        terms = _name_contains(terms, params["search"])
    return list(terms.order_by("pk").values_list("pk", flat=True))
