"""The read-only HSDS API (X3): thin views over forms, selections and the HSDS documents.

Every list is one query for the matching ids, then one page of rows with a fixed number of
preloading queries, whatever the page size. Ids of unpublished or unknown records all get
the same 404 (SR-4). The views touch no session and set no cookie (QE-12).
"""

import json

from django.http import StreamingHttpResponse
from django.utils import translation

from apps.directory.models import ServiceAtLocation
from apps.interchange import profile
from apps.interchange.hsds import documents, queries, stored
from apps.interchange.openapi import openapi_document

from . import forms, selection
from .responses import ApiError, api_view, json_response, not_found, page_response, paginate


def _context(params) -> documents.Context:
    return documents.Context.load(params["lang"])


def _one(kind: str, value: str, allowed) -> int:
    """The pk of the HSDS id ``value`` among ``allowed`` (a queryset): one indexed lookup."""
    pk = stored.find(kind, value, allowed)
    if pk is None:
        raise not_found()
    return pk


@api_view
def root(request):
    forms.ApiQuery.parse(request)
    return json_response(
        {
            "version": documents.HSDS_VERSION,
            "profile": profile.profile_url(request),
            "openapi_url": request.build_absolute_uri(f"{profile.API_PATH}openapi.json"),
        }
    )


@api_view
def openapi(request):
    forms.ApiQuery.parse(request)
    return json_response(openapi_document(request.build_absolute_uri(profile.API_PATH)))


@api_view
def profile_index(request):
    forms.ApiQuery.parse(request)
    base = request.build_absolute_uri(f"{profile.API_PATH}profile/")
    return json_response(
        {
            "name": "Waymark HSDS profile",
            "description": "JSON merge patches (RFC 7386) over the official Open Referral HSDS "
            "3.0 schema files of the same name.",
            "base": "https://github.com/openreferral/specification/tree/3.0/schema",
            "files": {name: f"{base}{name}" for name in profile.patch_names()},
        }
    )


@api_view
def profile_file(request, name):
    forms.ApiQuery.parse(request)
    document = profile.patch(name) if name in profile.patch_names() else None
    if document is None:
        raise not_found()
    return json_response(document)


# --- lists: a page of JSON, or every record as NDJSON ------------------------------------
STREAM_CHUNK = 200  # records rendered per step of an NDJSON stream


def _list(params, pks, render, total=None):
    """One page (``render(pks, ctx)`` gives its documents) or, with ``format=ndjson``,
    every matching record streamed a chunk at a time, one JSON document per line.
    ``total``, when known, spares counting ``pks``."""
    ctx = _context(params)
    if params.get("format") == "ndjson":
        return _stream(list(pks), lambda chunk: render(chunk, ctx), ctx.language)
    pks, meta = paginate(pks, params["page"], params["per_page"], total=total)
    with translation.override(ctx.language):
        contents = render(pks, ctx)
    return page_response(meta, contents, ctx.language)


def _stream(pks: list[int], render, language: str) -> StreamingHttpResponse:
    def lines():
        for start in range(0, len(pks), STREAM_CHUNK):
            with translation.override(language):
                documents_ = render(pks[start : start + STREAM_CHUNK])
            yield "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in documents_)

    response = StreamingHttpResponse(lines(), content_type="application/x-ndjson; charset=utf-8")
    response["Content-Language"] = language
    return response


# --- services ----------------------------------------------------------------------------
@api_view
def services(request):
    params = forms.ServiceQuery.parse(request)
    shape = "minimal" if params["minimal"] else "full" if params["full"] else "list"
    current = stored.token()  # before choosing the services: see hsds/stored.py

    def render(pks, ctx):
        return stored.services(pks, ctx.language, shape, current=current)

    # Every published service: counted once per publication, not per request.
    total = stored.published_total(current) if selection.unfiltered(params) else None
    return _list(params, selection.service_pks(params), render, total=total)


@api_view
def service(request, id):
    params = forms.ApiQuery.parse(request)
    current = stored.token()
    pk = _one("service", id, queries.published_services())
    [document] = stored.services([pk], params["lang"], "full", current=current)
    return json_response(document, language=params["lang"])


# --- organizations -----------------------------------------------------------------------
def _listing(request, query_form, select, rows, render):
    """One page of documents: parse, select ids, load those rows in order, render."""
    params = query_form.parse(request)
    return _list(
        params,
        select(params),
        lambda pks, ctx: [render(row, ctx) for row in queries.in_order(rows, pks)],
    )


@api_view
def organizations(request):
    params = forms.OrganizationListQuery.parse(request)
    nested = params["full"] or params["full_service"]

    shape = "full" if params["full_service"] else "list"

    def render(pks, ctx):
        organizations = queries.in_order(queries.published_organizations(), pks)
        if not nested:
            return [documents.organization_document(org, ctx) for org in organizations]
        published = queries.published_services().filter(organization__in=pks).order_by("pk")
        owners = dict(published.values_list("pk", "organization_id"))
        services = stored.services_by_pk(owners, ctx.language, shape, organization=False)
        nested_services = {}
        for pk, owner in owners.items():
            if pk in services:
                nested_services.setdefault(owner, []).append(services[pk])
        return [
            {
                **documents.organization_document(org, ctx),
                "services": nested_services.get(org.pk, []),
            }
            for org in organizations
        ]

    return _list(params, selection.organization_pks(params), render)


@api_view
def organization(request, id):
    params = forms.OrganizationQuery.parse(request)
    published = queries.published_organizations()
    pk = _one("organization", id, published)
    services = queries.published_services().filter(organization=pk).order_by("pk")
    ctx = _context(params)
    document = documents.organization_document(published.get(pk=pk), ctx)
    document["services"] = stored.services(
        list(services.values_list("pk", flat=True)),
        ctx.language,
        "full" if params["full_service"] else "list",
        organization=False,
    )
    return json_response(document, language=ctx.language)


# --- taxonomies --------------------------------------------------------------------------
@api_view
def taxonomies(request):
    return _listing(
        request,
        forms.PageQuery,
        selection.taxonomy_pks,
        queries.taxonomies(),
        documents.taxonomy_document,
    )


def _detail(request, kind, id, rows, render):
    """One document by its HSDS id; unknown ids get the same 404 as any other."""
    params = forms.ApiQuery.parse(request)
    pk = _one(kind, id, rows)
    ctx = _context(params)
    return json_response(render(rows.get(pk=pk), ctx), language=ctx.language)


@api_view
def taxonomy(request, id):
    return _detail(request, "taxonomy", id, queries.taxonomies(), documents.taxonomy_document)


@api_view
def taxonomy_terms(request):
    return _listing(
        request,
        forms.TaxonomyTermQuery,
        selection.taxonomy_term_pks,
        queries.taxonomy_terms(),
        documents.taxonomy_term_document,
    )


@api_view
def taxonomy_term(request, id):
    return _detail(
        request,
        "taxonomy_term",
        id,
        queries.taxonomy_terms(),
        documents.taxonomy_term_document,
    )


# --- services at locations ---------------------------------------------------------------
def _links_with_services(pks: list[int], *, full: bool, ctx) -> list[dict]:
    links = queries.in_order(
        ServiceAtLocation.objects.select_related("location__region"),
        pks,
    )
    services = stored.services_by_pk(
        {link.service_id for link in links}, ctx.language, "full" if full else "list", ctx=ctx
    )
    with translation.override(ctx.language):
        return [
            documents.service_at_location_document(link, ctx, service=services[link.service_id])
            for link in links
            if link.service_id in services
        ]


@api_view
def service_at_locations(request):
    params = forms.ServiceAtLocationQuery.parse(request)
    return _list(
        params,
        selection.service_at_location_pks(params),
        lambda pks, ctx: _links_with_services(pks, full=bool(params["full"]), ctx=ctx),
    )


@api_view
def service_at_location(request, id):
    params = forms.ApiQuery.parse(request)
    pk = _one("service_at_location", id, queries.published_services_at_locations())
    ctx = _context(params)
    [document] = _links_with_services([pk], full=True, ctx=ctx)
    return json_response(document, language=ctx.language)


@api_view
def unknown(request, rest=""):
    raise ApiError(404, "No such endpoint; see openapi.json.")
