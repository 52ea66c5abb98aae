"""What a file holds is read from its content, not its name (issue 19, F2), and a
datapackage's descriptor is held to what it names (F3): nothing is lost silently."""

import json
import shutil

import pytest

from apps.directory.models import Organization, Service
from apps.interchange.importing.reading import IMPORTED, TELLING_KEYS
from apps.interchange.profile import extension_fields
from tests.interchange.importing import empty_directory, export, load, publish
from tests.interchange.test_import_bad_input import refuses, write


@pytest.fixture
def exported(demo, tmp_path):
    folder = export(tmp_path / "export")
    empty_directory()
    return folder


def imports(path, coordinator):
    """Import with "publish now"; a second coordinator approves new contact data (SR-6)."""
    out, _warnings = publish(path, coordinator)
    return out


# --- JSON: the content decides ----------------------------------------------------------
def test_a_full_service_under_an_organisation_file_name_imports_the_service(
    db, coordinator, hsds_examples, tmp_path
):
    # F2: service_full.json saved as organization_service.json gave one organisation and
    # no service, with exit code 0.
    path = tmp_path / "organization_service.json"
    shutil.copy(hsds_examples / "service_full.json", path)
    imports(path, coordinator)
    service = Service.objects.get()
    assert service.name == load(path)["name"]
    assert Organization.objects.count() == 1


@pytest.mark.parametrize(
    "example", ["organization_full.json", "service_list.json", "organization_list.json"]
)
def test_official_documents_import_whatever_their_name(
    db, coordinator, hsds_examples, tmp_path, example
):
    path = tmp_path / "download.json"
    shutil.copy(hsds_examples / example, path)
    imports(path, coordinator)
    assert Organization.objects.exists()
    if example != "organization_list.json":
        assert Service.objects.exists()


def test_services_and_their_organisation_in_one_list_under_any_name(exported, coordinator):
    services = load(exported / "hsds/services.json")
    organizations = {o["id"]: o for o in load(exported / "hsds/organizations.json")}
    service = services[0]
    path = write(
        exported / "organizations.json", [organizations[service["organization_id"]], service]
    )
    imports(path, coordinator)
    assert list(Service.objects.values_list("name_en", flat=True)) == [service["name"]]
    assert Organization.objects.count() == 1


def test_a_document_that_cannot_be_classified_is_refused(db, coordinator, tmp_path):
    path = write(
        tmp_path / "data.json",
        {"contents": [{"id": "1a0e3a3c-1111-4111-8111-000000000001", "name": "Something"}]},
    )
    refuses(path, coordinator, "data.json, /contents/0: What this object is cannot be told")


def test_a_location_document_is_refused_with_advice(db, coordinator, hsds_examples, tmp_path):
    path = tmp_path / "services.json"
    shutil.copy(hsds_examples / "location.json", path)
    refuses(
        path,
        coordinator,
        "This is an HSDS location or service-at-location record: import the services",
    )


def test_an_empty_page_is_an_error_not_nothing_to_change(db, coordinator, tmp_path):
    path = write(tmp_path / "services.json", {"contents": [], "total_items": 0})
    refuses(path, coordinator, "The file holds no HSDS records")


def test_the_telling_keys_tell_one_kind_in_the_official_schema_and_profile(hsds_schema):
    def fields(kind):
        official = json.loads((hsds_schema / f"{kind}.json").read_text())["properties"]
        return set(official) | set(extension_fields(f"{kind}.json"))

    nested = {"organization": {"services"}, "service_at_location": {"service"}}
    kinds = list(TELLING_KEYS)
    assert set(IMPORTED) <= set(kinds)
    for kind in kinds:
        own = fields(kind) | nested.get(kind, set())
        assert TELLING_KEYS[kind] <= own, kind
        for other in kinds:
            if other != kind:
                assert not TELLING_KEYS[kind] & fields(other), (kind, other)
    # Every required field set of an official example tells its kind.
    assert "status" in TELLING_KEYS["service"]


# --- tabular: the descriptor is held to what it names -------------------------------------
def test_files_named_by_the_descriptor_must_be_there_and_readable(exported, coordinator):
    # F3: a descriptor naming absent files imported nothing, exit 0, "Nothing to change".
    tabular = exported / "tabular"
    (tabular / "phones.csv").unlink()
    (tabular / "organizations.csv").write_bytes("id,name\n1,Caf\xe9\n".encode("latin-1"))
    package = load(tabular / "datapackage.json")
    for resource in package["resources"]:
        if resource["name"] == "service":
            resource["path"] = "services-2026.csv"
    write(tabular / "datapackage.json", package)
    err = refuses(
        tabular,
        coordinator,
        "names phones.csv, which is not in the package",
        "names services-2026.csv, which is not in the package",
        "organizations.csv, line 2: This file is not UTF-8 text",
    )
    assert "3 error(s)" in err, err


def test_a_descriptor_that_is_not_json_stops_the_import(exported, coordinator):
    (exported / "tabular/datapackage.json").write_text("{not json", encoding="utf-8")
    refuses(exported / "tabular", coordinator, "datapackage.json, line 1, column 2")


def test_a_package_with_no_records_is_an_error(exported, coordinator):
    tabular = exported / "tabular"
    for path in tabular.glob("*.csv"):
        path.unlink()
    write(tabular / "datapackage.json", {"name": "empty", "resources": []})
    refuses(tabular, coordinator, "The package holds no services or organisations")
