"""The API as other people's HSDS tools use it (issue 19, item 5): NDJSON streams, the
official full/full_service on /organizations, answers the OpenAPI document allows, and
CORS for anonymous reads without credentials or cookies."""

import json

import pytest

from apps.directory.models import Service
from tests.interchange.test_api import API, get, ids

LISTS = ["/services", "/organizations", "/taxonomies", "/taxonomy_terms", "/service_at_locations"]


@pytest.mark.parametrize("path", LISTS)
def test_ndjson_streams_every_record_one_document_per_line(client, demo, path):
    response = get(client, path, format="ndjson")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/x-ndjson")
    lines = b"".join(response.streaming_content).decode().splitlines()
    documents = [json.loads(line) for line in lines]
    assert [d["id"] for d in documents] == ids(client, path)
    assert documents and all("contents" not in d for d in documents)


def test_ndjson_ignores_pages_and_keeps_the_filters(client, demo):
    everything = get(client, "/services", format="ndjson", per_page="1", page="1")
    lines = b"".join(everything.streaming_content).decode().splitlines()
    assert len(lines) == Service.objects.published().count() > 1
    french = get(client, "/services", format="ndjson", region="FR")
    names = [json.loads(line)["name"] for line in b"".join(french.streaming_content).splitlines()]
    assert names and len(names) < len(lines)


def test_organizations_take_the_official_full_and_full_service(client, demo):
    plain = get(client, "/organizations").json()["contents"]
    assert all("services" not in org for org in plain)
    listed = get(client, "/organizations", full="true").json()["contents"]
    full = get(client, "/organizations", full_service="true").json()["contents"]
    assert sum(len(org["services"]) for org in listed) == Service.objects.published().count()
    assert "phones" not in listed[0]["services"][0] and "phones" in full[0]["services"][0]


def test_minimal_wins_over_full_and_an_unknown_region_is_an_empty_page(client, demo):
    both = get(client, "/services", minimal="true", full="true").json()["contents"][0]
    assert set(both) <= {"id", "name", "status", "last_modified"}
    unknown = get(client, "/services", region="zz")
    assert unknown.status_code == 200 and unknown.json()["total_items"] == 0


@pytest.mark.parametrize(
    ("path", "params"),
    [("/taxonomy_terms", {"parent_id": ""}), ("/services", {"organization_id": ""})],
)
def test_an_empty_id_parameter_is_refused(client, demo, path, params):
    assert get(client, path, **params).status_code == 400


def test_a_page_past_the_last_is_a_documented_404(client, demo):
    response = get(client, "/taxonomies", page="2")
    assert response.status_code == 404
    document = get(client, "/openapi.json").json()
    for path in LISTS:
        assert "404" in document["paths"][path]["get"]["responses"], path
    page = document["components"]["parameters"]["per_page"]["schema"]
    assert (page["minimum"], page["maximum"]) == (1, 100)
    for name in ("taxonomy_term_id", "taxonomy_id", "organization_id"):
        assert document["components"]["parameters"][name]["schema"]["format"] == "uuid"


@pytest.mark.parametrize("path", ["/", "/services", "/services/nope", "/openapi.json"])
def test_any_page_may_read_the_api_but_never_with_credentials(client, demo, path):
    response = client.get(f"{API}{path}", HTTP_ORIGIN="https://partner.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert not response.cookies


def test_writes_get_no_cors_header(client, demo):
    response = client.post(f"{API}/services", HTTP_ORIGIN="https://partner.example")
    assert response.status_code == 405
    assert "Access-Control-Allow-Origin" not in response
