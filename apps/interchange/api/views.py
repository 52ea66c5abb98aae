"""The read-only HSDS API (X3): thin views over forms, selections and the HSDS documents.

Every list is one query for the matching ids, then one page of rows with a fixed number of
preloading queries, whatever the page size. Ids of unpublished or unknown records all get
the same 404 (SR-4). The views touch no session and set no cookie (QE-12).
"""

import json

from django.http import StreamingHttpResponse
from django.utils import translation

from apps.directory.models import Service, ServiceAtLocation, Taxonomy, TaxonomyTerm
from apps.interchange import profile
from apps.interchange.hsds import documents, queries
from apps.interchange.hsds.ids import resolve
from apps.interchange.openapi import openapi_document

from . import forms, selection
from .responses import ApiError, api_view, json_response, not_found, page_response, paginate


def _context(params) -> documents.Context:
    return documents.Context.load(params["lang"])


def _one(kind: str, value: str, pks) -> int:
    pk = resolve(kind, value, pks)
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


def _list(params, pks, render):
    """One page (``render(pks, ctx)`` gives its documents) or, with ``format=ndjson``,
    every matching record streamed a chunk at a time, one JSON document per line."""
    ctx = _context(params)
    if params.get("format") == "ndjson":
        return _stream(list(pks), lambda chunk: render(chunk, ctx), ctx.language)
    pks, meta = paginate(pks, params["page"], params["per_page"])
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
    if params["minimal"]:
        build = documents.service_minimal
    elif params["full"]:
        build = documents.service_document
    else:
        build = documents.service_list_item

    def render(pks, ctx):
        rows = queries.in_order(queries.with_documents(Service.objects.all()), pks)
        return [build(service, ctx) for service in rows]

    return _list(params, selection.service_pks(params), render)


@api_view
def service(request, id):
    params = forms.ApiQuery.parse(request)
    pk = _one("service", id, queries.published_services().values_list("pk", flat=True))
    row = queries.with_documents(Service.objects.filter(pk=pk)).get()
    ctx = _context(params)
    return json_response(documents.service_document(row, ctx), language=ctx.language)


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

    def render(pks, ctx):
        services = {}
        if nested:
            published = queries.published_services().filter(organization__in=pks)
            for service in queries.with_documents(published).order_by("pk"):
                services.setdefault(service.organization_id, []).append(service)
        return [
            documents.organization_document(
                org,
                ctx,
                services=services.get(org.pk, []) if nested else None,
                full_services=bool(params["full_service"]),
            )
            for org in queries.in_order(queries.published_organizations(), pks)
        ]

    return _list(params, selection.organization_pks(params), render)


@api_view
def organization(request, id):
    params = forms.OrganizationQuery.parse(request)
    published = queries.published_organizations()
    pk = _one("organization", id, published.values_list("pk", flat=True))
    services = queries.with_documents(queries.published_services().filter(organization=pk))
    ctx = _context(params)
    document = documents.organization_document(
        published.get(pk=pk),
        ctx,
        services=services.order_by("pk"),
        full_services=bool(params["full_service"]),
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


def _detail(request, kind, id, model, rows, render):
    """One document by its HSDS id; unknown ids get the same 404 as any other."""
    params = forms.ApiQuery.parse(request)
    pk = _one(kind, id, model.objects.values_list("pk", flat=True))
    ctx = _context(params)
    return json_response(render(rows.get(pk=pk), ctx), language=ctx.language)


@api_view
def taxonomy(request, id):
    return _detail(
        request, "taxonomy", id, Taxonomy, queries.taxonomies(), documents.taxonomy_document
    )


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
        TaxonomyTerm,
        queries.taxonomy_terms(),
        documents.taxonomy_term_document,
    )


# --- services at locations ---------------------------------------------------------------
def _links_with_services(pks: list[int], *, full: bool, ctx) -> list[dict]:
    links = queries.in_order(
        ServiceAtLocation.objects.select_related("location__region"),
        pks,
    )
    services = queries.with_documents(
        Service.objects.filter(pk__in={link.service_id for link in links})
    )
    by_pk = {row.pk: row for row in services}
    build = documents.service_document if full else documents.service_list_item
    with translation.override(ctx.language):
        return [
            documents.service_at_location_document(
                link, ctx, service=build(by_pk[link.service_id], ctx)
            )
            for link in links
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
    pks = queries.published_services_at_locations().values_list("pk", flat=True)
    pk = _one("service_at_location", id, pks)
    ctx = _context(params)
    [document] = _links_with_services([pk], full=True, ctx=ctx)
    return json_response(document, language=ctx.language)


@api_view
def unknown(request, rest=""):
    raise ApiError(404, "No such endpoint; see openapi.json.")
