"""The read-only HSDS API at /api/hsds/ (X3): valid, paginated, private, and robust."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.directory.models import Organization, Service, TaxonomyTerm
from apps.interchange.hsds.ids import hsds_id
from tests.interchange.schemas import api_pointer, errors, openapi_errors

API = "/api/hsds"
LISTS = {
    "/services": "compiled/service_list.json",
    "/organizations": "compiled/organization_list.json",
    "/taxonomies": "taxonomy.json",
    "/taxonomy_terms": "taxonomy_term.json",
    "/service_at_locations": "compiled/service_at_location_list.json",
}
DETAILS = {
    "/services": ("/services/{id}", "compiled/service.json"),
    "/organizations": ("/organizations/{id}", "compiled/organization.json"),
    "/taxonomies": ("/taxonomies/{id}", "taxonomy.json"),
    "/taxonomy_terms": ("/taxonomy_terms/{id}", "taxonomy_term.json"),
    "/service_at_locations": ("/service_at_locations/{id}", "compiled/service_at_location.json"),
}
PAGE_FIELDS = {
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
}


def get(client, path, **params):
    return client.get(f"{API}{path}", params)


def assert_json_and_private(response):
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert not response.cookies, f"cookie set: {list(response.cookies)}"


def ids(client, path, **params):
    return [item["id"] for item in get(client, path, per_page=100, **params).json()["contents"]]


def test_root_names_version_profile_and_openapi(client, db, hsds_schema):
    response = get(client, "/")
    assert_json_and_private(response)
    document = response.json()
    assert document == {
        "version": "3.0",
        "profile": "http://testserver/api/hsds/profile/",
        "openapi_url": "http://testserver/api/hsds/openapi.json",
    }
    openapi = get(client, "/openapi.json").json()
    assert not openapi_errors(hsds_schema, openapi, api_pointer("/"), document)


def test_profile_url_can_point_elsewhere(client, db, settings):
    settings.HSDS_PROFILE_URL = "https://profiles.example.org/waymark/"
    assert get(client, "/").json()["profile"] == "https://profiles.example.org/waymark/"


@pytest.mark.parametrize("language", ["en", "fr", "ar", "zh-hans"])
def test_every_list_and_detail_validates_against_the_official_schemas(
    client, demo, hsds_schema, language
):
    openapi = get(client, "/openapi.json").json()
    for path, item_schema in LISTS.items():
        for params in (
            {},
            {"full": "true"} if path in ("/services", "/service_at_locations") else {},
        ):
            response = get(client, path, lang=language, **params)
            assert response.status_code == 200, path
            assert_json_and_private(response)
            assert response["Content-Language"] == language
            page = response.json()
            assert set(page) >= PAGE_FIELDS and page["contents"], path
            for item in page["contents"]:
                assert not errors(hsds_schema, item_schema, item), (path, item["id"])
            assert not openapi_errors(hsds_schema, openapi, api_pointer(path), page), path
        detail, detail_schema = DETAILS[path]
        for item in page["contents"]:
            url = detail.replace("{id}", item["id"])
            response = get(client, url, lang=language)
            assert response.status_code == 200, url
            document = response.json()
            assert not errors(hsds_schema, detail_schema, document), url
            assert not openapi_errors(hsds_schema, openapi, api_pointer(detail), document), url


def test_minimal_services_validate_and_carry_last_modified(client, demo, hsds_schema):
    page = get(client, "/services", minimal="true").json()
    assert page["total_items"] == Service.objects.published().count() == 11
    for item in page["contents"]:
        assert set(item) == {"id", "name", "status", "last_modified"}
        assert not errors(hsds_schema, "compiled/service_list.json", item)


def test_organization_with_full_services_validates(client, demo, hsds_schema):
    org = Organization.objects.get(name_en="Example Safe Homes Network (fictional)")
    response = get(client, f"/organizations/{hsds_id('organization', org.pk)}", full_service="true")
    document = response.json()
    assert len(document["services"]) == 2 and "phones" in document["services"][0]
    assert not errors(hsds_schema, "compiled/organization.json", document)
    short = get(client, f"/organizations/{hsds_id('organization', org.pk)}").json()
    assert "phones" not in short["services"][0]


def test_pages_walk_every_service_once_in_a_stable_order(client, demo):
    seen, page = [], 1
    while True:
        response = get(client, "/services", per_page=3, page=page).json()
        assert response["page_number"] == page and response["total_pages"] == 4  # 11 services
        assert response["size"] == len(response["contents"]) <= 3
        assert response["first_page"] is (page == 1)
        seen += [item["id"] for item in response["contents"]]
        if response["last_page"]:
            break
        page += 1
    assert len(seen) == len(set(seen)) == 11
    assert seen == ids(client, "/services")


def test_an_empty_result_is_a_valid_empty_page(client, demo):
    page = get(client, "/services", modified_after="2999-01-01").json()
    assert page == {
        "total_items": 0,
        "total_pages": 0,
        "page_number": 1,
        "size": 0,
        "first_page": True,
        "last_page": True,
        "empty": True,
        "contents": [],
    }


@pytest.mark.parametrize(
    "params",
    [
        {"per_page": "0"},
        {"per_page": "101"},
        {"per_page": "abc"},
        {"per_page": "1e309"},
        {"page": "0"},
        {"page": "-1"},
        {"page": "99999999999999999999999"},
        {"minimal": "maybe"},
        {"open_now": "yes please"},
        {"format": "xml"},
        {"lang": "xx"},
        {"lang": "en-GB"},
        {"lang": ""},
        {"taxonomy_id": ""},
        {"modified_after": ""},
        {"full": ""},
        {"language": "uk"},
        {"language": "ENG"},
        {"taxonomy_term_id": "not-a-uuid"},
        {"organization_id": "1"},
        {"modified_after": "yesterday"},
        {"modified_after": "2026-13-45T99:00:00"},
        {"search": "x" * 201},
        {"search": "x" * 10_001},
        {"search": "nul\x00byte"},
        {"id__gt": "0"},
        {"_connector": "OR"},
        {"status": "draft"},
        {"organization__status": "draft"},
    ],
)
def test_bad_parameters_get_a_clear_400_that_echoes_nothing(client, db, params):
    response = get(client, "/services", **params)
    assert response.status_code == 400, params
    assert_json_and_private(response)
    body = response.json()
    assert body["status"] == 400 and body["message"]
    text = response.content.decode()
    for value in params.values():
        if len(value) > 3:
            assert value not in text, "the error repeats submitted data"


def test_error_answers_match_the_documented_error_schema(client, db, hsds_schema, settings):
    openapi = get(client, "/openapi.json").json()
    pointer = "/components/responses/{}/content/application~1json/schema"
    settings.HSDS_API_RATE_LIMIT = 3
    answers = {
        "BadRequest": get(client, "/services", per_page="0"),
        "NotFound": get(client, f"/services/{hsds_id('service', 1)}"),
    }
    get(client, "/")
    answers["TooManyRequests"] = get(client, "/")
    for name, response in answers.items():
        assert not openapi_errors(hsds_schema, openapi, pointer.format(name), response.json())


def test_a_repeated_parameter_is_refused(client, demo):
    response = client.get(f"{API}/services?page=1&page=2")
    assert response.status_code == 400
    assert "once" in response.json()["message"]


HOSTILE_SEARCHES = [
    "' OR '1'='1",
    "%",
    "_",
    "<script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "{{ 7*7 }}",
    "{% debug %}",
    "\u202eenilpleh",
    "\u2066x\u2069",
    "zero\u200bwidth",
    "\U0001f600" * 50,
    "e\u0301" * 90,
    "\u0661\u0662\u0663",
    "\uff48\uff45\uff4c\uff50",
    "line\r\nbreak",
]


def test_hostile_search_text_is_just_text(client, demo):
    for text in HOSTILE_SEARCHES:
        for path in ("/services", "/organizations", "/taxonomy_terms", "/service_at_locations"):
            response = get(client, path, search=text)
            assert response.status_code == 200, (path, text)
            assert response.json()["total_items"] <= 25
            if len(text) > 1:
                assert text not in response.content.decode(), "search words are echoed"
    # A lone surrogate and invalid UTF-8, as raw bytes in the query string.
    for raw in ("%ED%A0%80", "%FF%FE", "%C0%AF", "%00"):
        response = client.get(f"{API}/services?search={raw}")
        assert response.status_code in (200, 400), raw
        assert response["Content-Type"] == "application/json"


def test_unknown_and_unpublished_ids_get_the_same_404(client, demo):
    draft, archived, hidden_org = Service.objects.order_by("pk")[:3]
    draft.status = "draft"
    draft.save()
    archived.status = "archived"
    archived.save()
    hidden_org.organization.status = "draft"
    hidden_org.organization.save()
    paths = [f"/services/{hsds_id('service', s.pk)}" for s in (draft, archived, hidden_org)]
    paths += [
        f"/services/{hsds_id('service', 999999)}",
        "/services/not-a-uuid",
        "/services/' OR '1'='1",
        f"/services/{hsds_id('organization', draft.organization_id)}",
        f"/organizations/{hsds_id('organization', hidden_org.organization_id)}",
        f"/taxonomy_terms/{hsds_id('taxonomy_term', 999999)}",
        f"/service_at_locations/{hsds_id('service_at_location', 999999)}",
    ]
    bodies = set()
    for path in paths:
        response = get(client, path)
        assert response.status_code == 404, path
        assert_json_and_private(response)
        bodies.add(response.content)
    assert len(bodies) == 1
    listed = ids(client, "/services")
    # Eleven demo services (three online-harms ones, issue #21) less the three made private.
    assert hsds_id("service", draft.pk) not in listed and len(listed) == 8


def test_unknown_endpoints_and_writes_answer_in_json(client, db):
    response = get(client, "/shelters")
    assert response.status_code == 404 and response.json()["status"] == 404
    assert_json_and_private(response)
    for method in ("post", "put", "delete", "patch"):
        response = getattr(client, method)(f"{API}/services")
        assert response.status_code == 405, method
        assert response["Allow"] == "GET, HEAD"
        assert_json_and_private(response)


def test_writes_get_the_json_405_even_with_csrf_checks(db):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(f"{API}/services", {"name": "x"})
    assert response.status_code == 405
    assert_json_and_private(response)
    assert strict.head(f"{API}/services").status_code == 200


def test_trailing_slashes_are_tolerated(client, demo):
    assert client.get(f"{API}/services/").status_code == 200
    assert client.get(f"{API}/taxonomies/").json()["total_items"] == 4


def test_filter_by_taxonomy_term_organization_and_taxonomy(client, demo):
    no_police = TaxonomyTerm.objects.get(code="no-police")
    found = ids(client, "/services", taxonomy_term_id=hsds_id("taxonomy_term", no_police.pk))
    expected = no_police.services.values_list("pk", flat=True)
    assert sorted(found) == sorted(hsds_id("service", pk) for pk in expected) and len(found) == 2
    org = Organization.objects.get(name_en="Example Health Collective (fictional)")
    found = ids(client, "/services", organization_id=hsds_id("organization", org.pk))
    assert len(found) == 2
    trust = no_police.taxonomy
    assert len(ids(client, "/services", taxonomy_id=hsds_id("taxonomy", trust.pk))) == 11
    assert ids(client, "/services", taxonomy_term_id=hsds_id("taxonomy_term", 999999)) == []
    terms = ids(client, "/taxonomy_terms", taxonomy_id=hsds_id("taxonomy", trust.pk))
    assert len(terms) == 6
    assert len(ids(client, "/taxonomy_terms", top_only="true")) == 31  # 8 forms (issue #21)


def test_filter_by_region_language_and_modification(client, demo):
    lyon = {
        item["name"] for item in get(client, "/services", region="FR-ARA-LYON").json()["contents"]
    }
    assert lyon == {
        "Example Emergency Shelter Lyon",
        "Example National Helpline",
        "Example Worldwide Chat Support",
        "Example Illegal Content Reporting Point (France)",
    }
    ukrainian = {i["name"] for i in get(client, "/services", language="ukr").json()["contents"]}
    assert ukrainian == {"Example Emergency Shelter Lyon", "Example Worldwide Chat Support"}
    assert get(client, "/services", modified_after="2000-01-01").json()["total_items"] == 11
    assert (
        get(client, "/services", modified_after="2000-01-01T00:00:00Z").json()["total_items"] == 11
    )
    assert get(client, "/services", modified_after="2999-01-01T00:00:00+02:00").json()["empty"]
    # An organisation's change counts as its services' change.
    later = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    org = Organization.objects.get(name_en="Example Global Chat Line (fictional)")
    with time_machine.travel(later):
        org.save()
    changed = get(client, "/services", modified_after="2029-12-31").json()
    assert [item["name"] for item in changed["contents"]] == ["Example Worldwide Chat Support"]


def test_filter_open_now_follows_each_services_hours(client, demo):
    # Saturday 2026-11-28 23:30 in Paris: only the 24/7 lines and the worldwide chat.
    with time_machine.travel(dt.datetime(2026, 11, 28, 22, 30, tzinfo=dt.UTC), tick=False):
        names = {i["name"] for i in get(client, "/services", open_now="true").json()["contents"]}
    assert names == {
        "Example National Helpline",
        "Example Modern Slavery Helpline",
        "Example Worldwide Chat Support",
    }
    everything = get(client, "/services", open_now="false").json()
    assert everything["total_items"] == 11


def test_search_finds_text_in_any_language_and_ranks_first(client, demo):
    found = [i["name"] for i in get(client, "/services", search="Helpline").json()["contents"]]
    assert "Example National Helpline" in found and "Example Modern Slavery Helpline" in found
    spanish = get(client, "/services", search="Refugio", lang="es").json()["contents"]
    assert [i["name"] for i in spanish] == ["Refugio de emergencia de ejemplo (Lyon)"]
    orgs = get(client, "/organizations", search="Rights").json()
    assert [o["name"] for o in orgs["contents"]] == ["Example Rights Centre (fictional)"]


def test_content_language_changes_text_not_ids(client, demo):
    english = get(client, "/services").json()["contents"]
    arabic = get(client, "/services", lang="ar").json()["contents"]
    assert [s["id"] for s in english] == [s["id"] for s in arabic]
    assert english[0]["name"] != arabic[0]["name"] and arabic[0]["content_language"] == "ar"
    assert get(client, "/services", lang="ZH-HANS").json()["contents"][0]["content_language"] == (
        "zh-hans"
    )


@pytest.mark.parametrize("path", list(LISTS))
def test_a_page_costs_the_same_queries_whatever_its_size(
    client, demo, path, django_assert_max_num_queries
):
    # Both pages build their documents (the second one reads one stored); the second
    # may count fewer queries: the total of every published service is counted once.
    params = {"full": "true"} if path in ("/services", "/service_at_locations") else {}
    with CaptureQueriesContext(connection) as small:
        assert get(client, path, per_page=1, **params).status_code == 200
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = get(client, path, per_page=100, **params)
    assert response.json()["size"] > 1


def test_service_list_query_count_is_pinned(client, demo, django_assert_num_queries):
    # Built: the publication token, the count and the page of matching ids; the stored
    # documents (none yet); the region tree, the page of services and 10 preloads (terms,
    # languages, channels and their languages, periods and exceptions, costs, areas,
    # service languages, places); storing them; the organizations: stored, read, stored.
    with django_assert_num_queries(20):
        get(client, "/services", full="true", per_page=100)
    # Stored: the token, the page of ids, the documents and their organizations (the
    # count is kept per publication).
    with django_assert_num_queries(4):
        get(client, "/services", full="true", per_page=100)


def test_rate_limit_answers_429_with_retry_after(client, db, settings):
    settings.HSDS_API_RATE_LIMIT = 3
    for _ in range(3):
        assert get(client, "/").status_code == 200
    response = get(client, "/")
    assert response.status_code == 429
    assert_json_and_private(response)
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["status"] == 429
    other = client.get(f"{API}/", REMOTE_ADDR="192.0.2.77")
    assert other.status_code == 200


def test_api_keeps_answering_when_the_rate_limit_store_is_down(client, demo, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "apps.core.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    settings.HSDS_API_RATE_LIMIT = 1
    for _ in range(3):
        assert get(client, "/services").status_code == 200
