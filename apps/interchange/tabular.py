"""The HSDS 3.0 tabular form: one CSV file per table and a Frictionless ``datapackage.json``.

Rows come from the nested HSDS documents (``apps.interchange.hsds.documents``), so the CSV
files say exactly what the JSON says. Each table has the official columns, in the official
order (checked against ``../shared/hsds-3.0`` by the tests), followed by the columns the
Waymark profile adds to that table.

Spreadsheets run a cell that starts with ``= + - @`` (or a tab or carriage return) as a
formula; such text cells are written with a leading apostrophe (``neutralise``), which the
import removes again (``unneutralise``). Numbers, booleans and E.164 numbers cannot carry a
formula and are written as they are.
"""

import csv
import io
import json
import re

from apps.interchange import profile

from .tables import FOREIGN_KEYS, TABLES

# Arrays of a service document that become tables of their own.
NESTED = {
    "schedules": "schedule",
    "service_areas": "service_area",
    "languages": "language",
    "cost_options": "cost_option",
    "attributes": "attribute",
}

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
E164 = re.compile(r"\+[1-9][0-9]{1,14}")


def neutralise(text: str) -> str:
    """A text cell a spreadsheet will show as text, never run as a formula."""
    if text.startswith(FORMULA_STARTS) and not E164.fullmatch(text):
        return "'" + text
    return text


def unneutralise(text: str) -> str:
    """The text ``neutralise`` was given (for the import)."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def columns(table: str) -> list[tuple[str, str, str | None]]:
    """Official columns, then the profile's, as (name, type, format)."""
    _path, schema_file, official = TABLES[table]
    added = []
    for name, spec in profile.extension_fields(schema_file).items():
        if spec.get("type") in ("array", None):
            continue
        kind = {"boolean": "boolean", "object": "object", "number": "number"}.get(
            spec["type"], "string"
        )
        added.append((name, kind, spec.get("format")))
    return official + added


def tabulate(bundle) -> dict[str, list[dict]]:
    """Rows per table from nested documents (a ``Bundle`` of the export)."""
    rows = {table: [] for table in TABLES}
    seen_locations = set()
    rows["organization"] = list(bundle.organizations)
    for service in bundle.services:
        rows["service"].append(service)
        for phone in service["phones"]:
            rows["phone"].append(phone)
            rows["language"].extend(phone["languages"])
        for contact in service["contacts"]:
            rows["contact"].append(contact)
            rows["language"].extend(contact["languages"])
        for key, table in NESTED.items():
            rows[table].extend(service[key])
        for link in service["service_at_locations"]:
            rows["service_at_location"].append(link)
            location = link["location"]
            if location["id"] not in seen_locations:
                seen_locations.add(location["id"])
                rows["location"].append(location)
                rows["address"].extend(location.get("addresses", []))
                rows["accessibility"].extend(location.get("accessibility", []))
    rows["taxonomy"] = list(bundle.taxonomies)
    rows["taxonomy_term"] = list(bundle.taxonomy_terms)
    rows["meta_table_description"] = bundle.table_descriptions(list(TABLES))
    return rows


def _cell(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "object":
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if kind == "number":
        return str(value)
    return neutralise(str(value))


def csv_text(table: str, rows: list[dict]) -> str:
    spec = columns(table)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([name for name, _kind, _format in spec])
    for row in rows:
        writer.writerow([_cell(row.get(name), kind) for name, kind, _format in spec])
    return buffer.getvalue()


def _field(name: str, kind: str, fmt: str | None) -> dict:
    field = {"name": name, "type": kind}
    if fmt:
        field["format"] = fmt
    if name == "id":
        field["constraints"] = {"required": True, "unique": True}
    return field


def datapackage(*, language: str, profile_url: str) -> dict:
    """The Frictionless Tabular Data Package descriptor of the export."""
    resources = []
    for table, (path, _schema_file, _official) in TABLES.items():
        schema = {
            "fields": [_field(*column) for column in columns(table)],
            "primaryKey": "id",
        }
        links = FOREIGN_KEYS.get(table, {})
        if links:
            schema["foreignKeys"] = [
                {"fields": name, "reference": {"resource": target, "fields": "id"}}
                for name, target in links.items()
            ]
        resources.append(
            {
                "name": table,
                "path": path,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": schema,
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": f"waymark-hsds-{language}",
        "title": "Waymark directory, Open Referral HSDS 3.0",
        "hsds_version": "3.0",
        "hsds_profile": profile_url,
        "language": language,
        "resources": resources,
    }
