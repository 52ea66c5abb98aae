"""Checks of a full-size export, for the 100 000-service measurements (docs/hsds.md).

Too large for the suite, so they read folders named in the environment and skip without:

    WAYMARK_HSDS_EXPORT=/tmp/export pytest tests/interchange/test_at_scale.py
    WAYMARK_HSDS_ROUND_TRIP=/tmp/export:/tmp/again pytest tests/interchange/test_at_scale.py

The JSON files are read one document at a time (the export writes each top-level item
from a line "  {" to a line "  }"), so 1.2 GB of services need little memory.
"""

import csv
import json
import os
import re
from itertools import zip_longest
from pathlib import Path

import pytest

from tests.interchange.importing import UUID
from tests.interchange.schemas import validator

DOCUMENTS = ("organizations", "services", "taxonomies", "taxonomy_terms")
ANY_UUID = re.compile(UUID.pattern.strip("^$"))


def _folders(name: str, count: int) -> list[Path]:
    value = os.environ.get(name)
    if not value:
        pytest.skip(f"set {name} to check a full export (see this file's docstring)")
    folders = [Path(part) for part in value.split(":")]
    assert len(folders) == count and all(f.is_dir() for f in folders), value
    return folders


def documents(path: Path):
    lines = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\n")
            if line == "  {" or lines:
                lines.append(line)
            if lines and line in ("  }", "  },"):
                yield json.loads("\n".join(lines).removesuffix(","))
                lines = []


class Ids:
    """Each UUID replaced by the order in which it first appears, across calls."""

    def __init__(self):
        self.seen = {}

    def label(self, match) -> str:
        return f"id-{self.seen.setdefault(match.group(), len(self.seen))}"

    def text(self, value: str) -> str:
        return ANY_UUID.sub(self.label, value)

    def document(self, node):
        if isinstance(node, dict):
            return {k: "-" if k == "last_modified" else self.document(v) for k, v in node.items()}
        if isinstance(node, list):
            return [self.document(v) for v in node]
        return self.text(node) if isinstance(node, str) else node


@pytest.mark.parametrize(
    ("name", "schema"),
    [("organizations", "compiled/organization.json"), ("services", "compiled/service.json")],
)
def test_every_exported_document_validates(hsds_schema, name, schema):
    [folder] = _folders("WAYMARK_HSDS_EXPORT", 1)
    check = validator(hsds_schema, schema)
    invalid, count = [], 0
    for count, document in enumerate(documents(folder / "hsds" / f"{name}.json"), 1):
        errors = [e.message for e in check.iter_errors(document)]
        if errors:
            invalid.append((count, errors[:3]))
    assert count and not invalid, invalid[:5]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_the_round_trip_gives_the_same_documents(name):
    first, second = _folders("WAYMARK_HSDS_ROUND_TRIP", 2)
    ids = Ids(), Ids()
    pairs = zip_longest(*(documents(f / "hsds" / f"{name}.json") for f in (first, second)))
    different = [
        n
        for n, (a, b) in enumerate(pairs, 1)
        if a is None or b is None or ids[0].document(a) != ids[1].document(b)
    ]
    assert not different, f"{len(different)} documents differ, the first: {different[:5]}"


def test_the_round_trip_gives_the_same_tables():
    first, second = _folders("WAYMARK_HSDS_ROUND_TRIP", 2)
    names = sorted(p.name for p in (first / "tabular").glob("*.csv"))
    assert names == sorted(p.name for p in (second / "tabular").glob("*.csv"))
    csv.field_size_limit(10**8)
    for name in names:
        ids = Ids(), Ids()
        with (
            (first / "tabular" / name).open(newline="", encoding="utf-8") as a,
            (second / "tabular" / name).open(newline="", encoding="utf-8") as b,
        ):
            readers = csv.reader(a), csv.reader(b)
            header = next(readers[0])
            assert next(readers[1]) == header, name
            stamps = {i for i, column in enumerate(header) if column == "last_modified"}
            for n, rows in enumerate(zip_longest(*readers), 1):
                same = [
                    None
                    if row is None
                    else ["-" if i in stamps else side.text(cell) for i, cell in enumerate(row)]
                    for side, row in zip(ids, rows, strict=True)
                ]
                assert same[0] == same[1], f"{name}, row {n}"
