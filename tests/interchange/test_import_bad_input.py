"""Bad input (issue 8, item 5; security.md's catalogue): clear errors naming file, row and
field, every error at once, and nothing half-written (RR-4)."""

import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command

from apps.directory.models import Location, Service
from tests.interchange.importing import counts, empty_directory, export, load, publish


def run(path, **options):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_hsds", path, stdout=out, stderr=err, **options)
    except CommandError as error:
        return False, out.getvalue(), err.getvalue() + str(error)
    return True, out.getvalue(), err.getvalue()


@pytest.fixture
def exported(demo, tmp_path):
    folder = export(tmp_path / "export")
    empty_directory()
    return folder


@pytest.fixture
def services(exported):
    return load(exported / "hsds/services.json")


def write(path, document):
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def refuses(path, coordinator, *fragments, **options):
    """The import fails, says each fragment, and the directory is as it was."""
    before = counts()
    ok, _out, err = run(path, publish=True, username=coordinator.username, **options)
    assert not ok, err
    for fragment in fragments:
        assert fragment in err, err
    assert "nothing was imported" in err
    assert counts() == before
    return err


def test_malformed_json_names_line_and_column(tmp_path, coordinator, db):
    path = tmp_path / "services.json"
    path.write_text('[{"id": "x", "name": "A"', encoding="utf-8")
    refuses(path, coordinator, "services.json, line 1, column", "not valid JSON")


@pytest.mark.parametrize("text", ["", "   ", "1e309", "[NaN]", "[" * 5000 + "]" * 5000])
def test_empty_huge_numbers_and_deep_nesting_are_refused(tmp_path, coordinator, db, text):
    path = tmp_path / "services.json"
    path.write_text(text, encoding="utf-8")
    refuses(path, coordinator, "services.json")


def test_a_bad_row_in_the_middle_leaves_the_directory_unchanged(exported, services, coordinator):
    services[4]["phones"][0]["number"] = "call us maybe"
    services[6]["contacts"] = [
        {"id": "c1b2c3d4-0000-4000-8000-000000000001", "url": "javascript:alert(1)"}
    ]
    write(exported / "hsds/services.json", services)
    err = refuses(
        exported / "hsds",
        coordinator,
        "services.json, /4/phones/0, number: This is not a phone number",
        "url: Only https:// web addresses are accepted.",
    )
    assert Service.objects.count() == 0 and "3 error(s)" in err, err


def test_duplicate_service_ids_are_refused(exported, services, coordinator):
    services.append(dict(services[0]))
    write(exported / "hsds/services.json", services)
    refuses(exported / "hsds", coordinator, "Duplicate id", "/11")


def test_unknown_fields_are_reported_not_dropped_silently(exported, services, coordinator):
    services[0]["favourite_colour"] = "teal"
    services[0]["wait_time"] = "two weeks"
    write(exported / "hsds/services.json", services)
    _out, err = publish(exported / "hsds", coordinator)
    assert "services.json, /0, favourite_colour: Unknown field: not imported." in err
    assert "services.json, /0, wait_time: HSDS field that Waymark does not keep" in err
    assert Service.objects.count() == 11


def test_bom_is_accepted(exported, coordinator):
    path = exported / "hsds/services.json"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    services = exported / "tabular/services.csv"
    services.write_bytes(b"\xef\xbb\xbf" + services.read_bytes())
    publish(exported / "hsds", coordinator)
    assert run(exported / "tabular", dry_run=True)[0]
    assert Service.objects.count() == 11


def test_latin1_is_refused_with_its_line(exported, coordinator):
    path = exported / "tabular/organizations.csv"
    text = path.read_text(encoding="utf-8") + "\r\n"
    lines = text.splitlines()
    lines[2] = lines[2].replace("Example", "Exémple")
    path.write_bytes("\r\n".join(lines).encode("latin-1", errors="replace"))
    refuses(exported / "tabular", coordinator, "organizations.csv, line 3", "not UTF-8")


def test_unterminated_quote_in_csv_is_refused(exported, coordinator):
    path = exported / "tabular/services.csv"
    path.write_text(path.read_text(encoding="utf-8") + '"unterminated,', encoding="utf-8")
    refuses(exported / "tabular", coordinator, "services.csv", "Malformed CSV")


def test_a_csv_row_with_too_many_cells_is_refused(exported, coordinator):
    path = exported / "tabular/phones.csv"
    path.write_text(path.read_text(encoding="utf-8") + "a,b\r\n", encoding="utf-8")
    refuses(exported / "tabular", coordinator, "phones.csv, line", "cells")


def test_size_and_record_limits_say_so(exported, coordinator):
    refuses(exported / "hsds", coordinator, "the limit is 100 bytes", max_bytes=100)
    refuses(exported / "hsds", coordinator, "more than 3 records", max_records=3)


def test_a_zip_datapackage_imports(exported, coordinator, tmp_path):
    archive = tmp_path / "package.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in (exported / "tabular").iterdir():
            out.write(path, f"tabular/{path.name}")
    publish(archive, coordinator)
    assert Service.objects.count() == 11


def test_a_broken_zip_is_refused(tmp_path, coordinator, db):
    archive = tmp_path / "package.zip"
    archive.write_bytes(b"PK\x03\x04 not really")
    refuses(archive, coordinator, "not a readable zip")


def test_an_address_marked_hidden_stays_hidden_and_out_of_the_export(
    exported, services, coordinator, tmp_path
):
    link = services[0].setdefault("service_at_locations", [])
    canary = "CANARY-7 Secret Lane"
    link.append(
        {
            "id": "5f0e3a3c-1111-4111-8111-000000000001",
            "location": {
                "id": "5f0e3a3c-1111-4111-8111-000000000002",
                "visibility": "hidden",
                "name": "Shelter",
                "region_code": "FR",
                "addresses": [{"address_1": canary, "city": "Lyon", "country": "FR"}],
            },
        }
    )
    write(exported / "hsds/services.json", services)
    publish(exported / "hsds", coordinator)
    location = Location.objects.get(address_1_en=canary)
    assert location.visibility == Location.Visibility.HIDDEN
    out = export(tmp_path / "again")
    for path in out.rglob("*.*"):
        assert canary not in path.read_text(encoding="utf-8"), path


def test_a_location_without_any_region_is_an_error(exported, services, coordinator):
    services[0]["service_at_locations"] = [
        {
            "id": "6a0e3a3c-1111-4111-8111-000000000001",
            "location": {"id": "6a0e3a3c-1111-4111-8111-000000000002", "name": "X"},
        }
    ]
    write(exported / "hsds/services.json", services)
    refuses(exported / "hsds", coordinator, "/0/service_at_locations/0/location, region_code")


def test_a_csv_alone_is_refused_with_advice(exported, coordinator):
    refuses(exported / "tabular/services.csv", coordinator, "datapackage")
