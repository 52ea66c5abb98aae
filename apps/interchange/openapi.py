"""The OpenAPI document of the HSDS API: the official API with the Waymark profile applied.

Open Referral publishes the API as ``schema/openapi.json``; a profile patches it
(``profile/openapi.json``). The project does not ship the official files, so the parts of
the official document this API uses (the page fields and the query parameters) are
restated below; the tests check that this skeleton patched with the profile equals the
official document patched with the profile, path by path and parameter by parameter.
"""

from . import profile

OFFICIAL_SKELETON = {
    "openapi": "3.1.0",
    "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
    "components": {
        "schemas": {
            "Page": {
                "type": "object",
                "properties": {
                    "total_items": {
                        "type": "integer",
                        "description": "The total number of entities (e.g. services, "
                        "organizations) returned",
                    },
                    "total_pages": {"type": "integer", "description": "Count of total pages."},
                    "page_number": {
                        "type": "integer",
                        "description": "The number of the current page",
                    },
                    "size": {
                        "type": "integer",
                        "description": "The number of entities in the current page.",
                    },
                    "first_page": {
                        "type": "boolean",
                        "description": "A Boolean value indicating if this is the first page",
                    },
                    "last_page": {
                        "type": "boolean",
                        "description": "A Boolean value indicating if this is the last page",
                    },
                    "empty": {
                        "type": "boolean",
                        "description": "A Boolean value indicating if there is an empty result set",
                    },
                },
            }
        },
        "parameters": {
            "search": {
                "name": "search",
                "in": "query",
                "required": False,
                "description": "Full text search.",
                "schema": {"type": "string"},
            },
            "page": {
                "name": "page",
                "in": "query",
                "required": False,
                "description": "Page number of paginated result.",
                "schema": {"type": "integer"},
            },
            "per_page": {
                "name": "per_page",
                "in": "query",
                "required": False,
                "description": "Number of results requested in a single page.",
                "schema": {"type": "integer"},
            },
            "minimal": {
                "name": "minimal",
                "in": "query",
                "required": False,
                "description": "Return array of just service 'id' and 'modified_date'.  When "
                "using this parameter aim to return all services within one call.",
                "schema": {"type": "boolean"},
            },
            "full": {
                "name": "full",
                "in": "query",
                "required": False,
                "description": "Return a fully nested service, service_at_location, or "
                "organization based on the request.",
                "schema": {"type": "boolean"},
            },
            "modified_after": {
                "name": "modified_after",
                "in": "query",
                "required": False,
                "description": "Return all results modified on or after this datetime.",
                "schema": {"type": "string", "format": "datetime"},
            },
            "taxonomy_term_id": {
                "name": "taxonomy_term_id",
                "in": "query",
                "required": False,
                "description": "Search for services with particular taxonomy_term.",
                "schema": {"type": "string"},
            },
            "taxonomy_id": {
                "name": "taxonomy_id",
                "in": "query",
                "required": False,
                "description": "Search for services which contain any term with this taxonomy.",
                "schema": {"type": "string"},
            },
            "organization_id": {
                "name": "organization_id",
                "in": "query",
                "required": False,
                "description": "Search for services which contain services that that this "
                "organization provides.",
                "schema": {"type": "string"},
            },
            "full_service": {
                "name": "full_service",
                "in": "query",
                "required": False,
                "description": "Fully nested organization with service array that contains "
                "full service information.",
                "schema": {"type": "boolean"},
            },
            "format": {
                "name": "format",
                "in": "query",
                "required": False,
                "description": "Return results in the specified format. Default is `json`. "
                "Could be `ndjson` which should stream all the results without pagination.",
                "schema": {"type": "string"},
            },
        },
    },
}


def openapi_document(api_url: str) -> dict:
    """The API description served at ``openapi.json``, for an API living at ``api_url``."""
    document = profile.merge_patch(OFFICIAL_SKELETON, profile.patch("openapi.json"))
    document["servers"] = [{"url": api_url.rstrip("/")}]
    return document
