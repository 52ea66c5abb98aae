"""The tabular export against Open Referral's own descriptor, with Frictionless (issue 19,
item 1): times HH:MM:SS, required descriptions never empty, enums and foreign keys.
The project's own datapackage.json carries the official constraints plus the profile's."""

import csv
import importlib.util
import json
from collections import Counter

import pytest

from apps.directory.generate import generate_directory
from tests.conftest import need
from tests.interchange.importing import export

HAS_FRICTIONLESS = importlib.util.find_spec("frictionless") is not None


@pytest.fixture
def frictionless():
    need("frictionless", HAS_FRICTIONLESS, "needs frictionless (pip install frictionless)")
    import frictionless

    return frictionless


def errors(report) -> Counter:
    """Errors by (table, type, column), for a readable assertion message."""
    return Counter(
        (task.name, error.type, getattr(error, "field_name", ""))
        for task in report.tasks
        for error in task.errors
    )


@pytest.fixture
def tabular(demo, tmp_path):
    # The demo plus generated listings: the demo alone lacks variety (organisations and
    # terms without descriptions, overnight hours, exceptions, many regions).
    generate_directory(services=40, seed=19)
    return export(tmp_path / "export") / "tabular"


def test_a_full_export_is_valid_against_the_official_descriptor(
    frictionless, hsds_examples, tabular
):
    official = json.loads((hsds_examples / "csv/datapackage.json").read_text())
    # schema_sync: columns are matched by name, so the profile's extra columns are allowed.
    package = frictionless.Package(
        official, basepath=str(tabular), detector=frictionless.Detector(schema_sync=True)
    )
    report = package.validate()
    assert report.valid, errors(report)
    rows = {task.name: task.stats.get("rows", 0) for task in report.tasks}
    assert rows["service"] > 40 and rows["schedule"] > 100 and rows["taxonomy_term"] > 10


def test_a_full_export_is_valid_against_its_own_descriptor(frictionless, tabular):
    report = frictionless.Package(str(tabular / "datapackage.json")).validate()
    assert report.valid, errors(report)


def test_the_own_descriptor_carries_every_official_constraint(hsds_examples, tabular):
    official = json.loads((hsds_examples / "csv/datapackage.json").read_text())
    ours = {
        r["name"]: r["schema"]
        for r in json.loads((tabular / "datapackage.json").read_text())["resources"]
    }
    for resource in official["resources"]:
        schema = ours[resource["name"]]
        fields = {f["name"]: f for f in schema["fields"]}
        for field in resource["schema"]["fields"]:
            mine = fields[field["name"]]
            assert mine["type"] == field["type"], (resource["name"], field["name"])
            wanted = {k: v for k, v in field.get("constraints", {}).items() if v not in (False,)}
            assert mine.get("constraints", {}) == wanted, (resource["name"], field["name"])
        keys = [json.dumps(k, sort_keys=True) for k in schema.get("foreignKeys", [])]
        for key in resource["schema"].get("foreignKeys", []):
            assert json.dumps(key, sort_keys=True) in keys, (resource["name"], key)
        assert schema["primaryKey"] == resource["schema"]["primaryKey"]
    # The profile's columns are declared too, after the official ones.
    service_fields = [f["name"] for f in ours["service"]["fields"]]
    assert {"is_free", "time_zone", "holiday_region"} <= set(service_fields)


def test_an_organisation_without_a_description_round_trips_without_gaining_one(
    demo, coordinator, tmp_path
):
    from django.core.management import call_command

    from apps.directory.models import Organization

    org = Organization.objects.filter(services__isnull=False).first()
    Organization.objects.filter(pk=org.pk).update(description_en="", description_fr="")
    folder = export(tmp_path / "export")
    with (folder / "tabular/organizations.csv").open(encoding="utf-8", newline="") as stream:
        row = next(r for r in csv.DictReader(stream) if r["name"] == org.name_en)
    assert row["description"] == org.name_en  # HSDS requires one: the name stands in
    call_command("import_hsds", folder / "tabular", publish=True, username=coordinator.username)
    org.refresh_from_db()
    assert org.description_en == ""
