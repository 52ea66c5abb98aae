"""The Waymark HSDS profile and the OpenAPI document built from it."""

import json

import pytest
from jsonschema import Draft202012Validator

from apps.interchange import profile
from apps.interchange.hsds.ids import hsds_id
from apps.interchange.openapi import OFFICIAL_SKELETON

API = "/api/hsds"


def official(hsds_schema, name):
    return json.loads((hsds_schema / name).read_text())


def test_merge_patch_follows_rfc_7386():
    target = {"a": "b", "c": {"d": "e", "f": "g"}, "list": [1, 2]}
    patch = {"a": "z", "c": {"f": None}, "list": [3], "new": {"x": 1}}
    assert profile.merge_patch(target, patch) == {
        "a": "z",
        "c": {"d": "e"},
        "list": [3],
        "new": {"x": 1},
    }
    assert target["c"] == {"d": "e", "f": "g"}, "the target is not changed"
    assert profile.merge_patch({"a": 1}, None) is None


def test_every_patch_names_an_official_file_and_yields_a_valid_schema(hsds_schema):
    assert "openapi.json" in profile.patch_names()
    for name in profile.patch_names():
        base = official(hsds_schema, name)
        if name == "openapi.json":
            continue
        patched = profile.merge_patch(base, profile.patch(name))
        Draft202012Validator.check_schema(patched)
        for field, spec in profile.extension_fields(name).items():
            assert field not in base["properties"], f"{name}: {field} is not an extension"
            assert spec["name"] == field and spec["type"] and spec["title"]
            assert spec["description"].startswith("Waymark profile."), (name, field)


def test_served_openapi_is_the_official_api_patched_by_the_profile(client, db, hsds_schema):
    core = official(hsds_schema, "openapi.json")
    patch = profile.patch("openapi.json")
    expected = profile.merge_patch(core, patch)
    served = client.get(f"{API}/openapi.json").json()
    assert served["openapi"] == core["openapi"] == "3.1.0"
    assert served["paths"] == expected["paths"]
    assert set(served["paths"]) == set(core["paths"]), "every official endpoint is served"
    assert served["info"] == expected["info"]
    assert served["components"]["schemas"]["Page"] == core["components"]["schemas"]["Page"]
    for name, parameter in served["components"]["parameters"].items():
        assert parameter == expected["components"]["parameters"][name], name
    for name, parameter in OFFICIAL_SKELETON["components"]["parameters"].items():
        assert parameter == core["components"]["parameters"][name], name
    assert served["servers"] == [{"url": "http://testserver/api/hsds"}]


def test_openapi_documents_the_survivor_specific_fields(client, db):
    served = client.get(f"{API}/openapi.json").json()
    parameters = served["components"]["parameters"]
    assert {"lang", "region", "language", "open_now"} <= set(parameters)
    assert parameters["lang"]["schema"]["enum"] == [
        "en",
        "es",
        "fr",
        "pt",
        "ro",
        "uk",
        "ru",
        "ar",
        "fa",
        "vi",
        "zh-hans",
        "tl",
    ]
    schemas = served["components"]["schemas"]
    assert schemas["waymark_service"]["allOf"] == [{"$ref": "profile/service.json"}]
    location = client.get(f"{API}/profile/location.json").json()
    assert location["properties"]["visibility"]["enum"] == ["public", "region", "hidden"]
    phone = client.get(f"{API}/profile/phone.json").json()
    assert {"is_24_7", "closed_on_public_holidays", "get_help_now"} <= set(phone["properties"])
    assert "channel_id" in client.get(f"{API}/profile/schedule.json").json()["properties"]


def test_lang_enum_lists_the_configured_languages(settings):
    codes = [code for code, _name in settings.LANGUAGES]
    assert (
        profile.patch("openapi.json")["components"]["parameters"]["lang"]["schema"]["enum"] == codes
    )


def parameter_names(document, path) -> set[str]:
    operation = document["paths"][path]["get"]
    names = set()
    for parameter in operation.get("parameters", []):
        if "$ref" in parameter:
            parameter = document["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
        if parameter["in"] == "query":
            names.add(parameter["name"])
    return names


SAMPLES = {
    "search": "help",
    "page": "1",
    "per_page": "5",
    "format": "json",
    "lang": "fr",
    "minimal": "false",
    "full": "true",
    "full_service": "true",
    "modified_after": "2020-01-01",
    "region": "FR",
    "language": "fra",
    "open_now": "false",
    "top_only": "false",
}


def test_every_documented_parameter_is_accepted_and_no_other(client, demo):
    served = client.get(f"{API}/openapi.json").json()
    ids = {
        "taxonomy_term_id": hsds_id("taxonomy_term", 1),
        "taxonomy_id": hsds_id("taxonomy", 1),
        "organization_id": hsds_id("organization", 1),
        "parent_id": hsds_id("taxonomy_term", 1),
    }
    first = {
        path: client.get(f"{API}{path}").json()["contents"][0]["id"]
        for path in (
            "/services",
            "/organizations",
            "/taxonomies",
            "/taxonomy_terms",
            "/service_at_locations",
        )
    }
    for path in served["paths"]:
        url = path
        if "{id}" in path:
            url = path.replace("{id}", first["/" + path.split("/")[1]])
        names = parameter_names(served, path)
        for name in names:
            value = ids.get(name) or SAMPLES[name]
            response = client.get(f"{API}{url}", {name: value})
            assert response.status_code == 200, (path, name, response.content[:200])
        if path != "/":
            assert client.get(f"{API}{url}", {"postcode": "75011"}).status_code == 400, path


@pytest.mark.parametrize("name", ["../settings.py", "secret_key", "service.json.bak", "openapi"])
def test_only_profile_files_are_served(client, db, name):
    assert client.get(f"{API}/profile/{name}").status_code == 404


def test_profile_index_lists_every_file(client, db):
    index = client.get(f"{API}/profile/").json()
    assert sorted(index["files"]) == profile.patch_names()
    for name, url in index["files"].items():
        assert client.get(url).json() == profile.patch(name)
