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
import json
import re
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

from apps.interchange import profile

from .tables import ENUMS, FOREIGN_KEYS, OFFICIAL_FOREIGN_KEYS, REQUIRED, TABLES, UNIQUE

# Arrays of a service document that become tables of their own.
NESTED = {
    "schedules": "schedule",
    "service_areas": "service_area",
    "languages": "language",
    "cost_options": "cost_option",
    "attributes": "attribute",
}

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# HSDS requires a description of these; where Waymark has none, the row repeats its name
# (an empty cell is a missing value in a Tabular Data Package). ``reading.nest`` drops a
# description equal to the name again.
NAMED_DESCRIPTION = ("organization", "program", "taxonomy", "taxonomy_term")
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


def service_rows(service: dict, seen_locations: set) -> Iterator[tuple[str, dict]]:
    """(table, row) for one nested service document; each location once per export."""
    yield "service", service
    for phone in service["phones"]:
        yield "phone", phone
        for language in phone["languages"]:
            yield "language", language
    for contact in service["contacts"]:
        yield "contact", contact
        for language in contact["languages"]:
            yield "language", language
    for key, table in NESTED.items():
        for row in service[key]:
            yield table, row
    for link in service["service_at_locations"]:
        yield "service_at_location", link
        location = link["location"]
        if location["id"] not in seen_locations:
            seen_locations.add(location["id"])
            yield "location", location
            for address in location.get("addresses", []):
                yield "address", address
            for feature in location.get("accessibility", []):
                yield "accessibility", feature


class TableWriter:
    """The CSV files of one export, written row by row as the documents arrive, so an
    export of any size holds one batch of services in memory, not the directory."""

    def __init__(self, folder: Path):
        self._stack = ExitStack()
        self._writers = {}
        self._seen_locations = set()
        for table, (file_name, *_rest) in TABLES.items():
            handle = self._stack.enter_context(
                (folder / file_name).open("w", encoding="utf-8", newline="")
            )
            writer = csv.writer(handle, lineterminator="\r\n")
            spec = columns(table)
            writer.writerow([name for name, _kind, _format in spec])
            self._writers[table] = (writer, spec)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._stack.close()

    def add(self, table: str, row: dict) -> None:
        writer, spec = self._writers[table]
        if table in NAMED_DESCRIPTION and not row.get("description"):
            row = {**row, "description": row.get("name")}
        writer.writerow([_cell(row.get(name), kind) for name, kind, _format in spec])

    def add_service(self, service: dict) -> None:
        for table, row in service_rows(service, self._seen_locations):
            self.add(table, row)


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


def _field(table: str, name: str, kind: str, fmt: str | None) -> dict:
    field = {"name": name, "type": kind}
    if fmt:
        field["format"] = fmt
    constraints = {}
    if name == "id" or name in REQUIRED.get(table, ()):
        constraints["required"] = True
    if name == "id" or name in UNIQUE.get(table, ()):
        constraints["unique"] = True
    if name in ENUMS.get(table, {}):
        constraints["enum"] = ENUMS[table][name]
    if constraints:
        field["constraints"] = constraints
    return field


def foreign_keys(table: str) -> dict[str, str]:
    """The official links of a table and those the export keeps by construction."""
    return {**OFFICIAL_FOREIGN_KEYS.get(table, {}), **FOREIGN_KEYS.get(table, {})}


def datapackage(*, language: str, profile_url: str) -> dict:
    """The Frictionless Tabular Data Package descriptor of the export."""
    resources = []
    for table, (path, _schema_file, _official) in TABLES.items():
        schema = {
            "fields": [_field(table, *column) for column in columns(table)],
            "primaryKey": "id",
        }
        links = foreign_keys(table)
        if links:
            schema["foreignKeys"] = [
                {"fields": name, "reference": {"resource": target, "fields": "id"}}
                for name, target in sorted(links.items())
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
