"""Export the published directory as HSDS 3.0: nested JSON and the tabular datapackage.

Layout of one language (``export_language``)::

    hsds/base.json               version, profile and language of the export
    hsds/services.json           every published service, fully nested
    hsds/organizations.json      their organizations
    hsds/taxonomies.json         the vocabularies
    hsds/taxonomy_terms.json     their terms
    tabular/*.csv                the 21 HSDS tables (+ the profile's columns)
    tabular/datapackage.json     the Frictionless descriptor

``export_directory`` writes one language at the root of the output folder, or every
language in ``<code>/`` sub-folders with the same ids, and the profile in ``profile/``.
Each folder is written beside its target and then moved into place, so a reader never
sees half an export.
"""

import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.utils import translation

from . import profile, tabular
from .hsds import documents, queries, stored
from .hsds.ids import hsds_id

# Services are read and written this many at a time: memory stays flat at any size.
BATCH = 500


def table_descriptions(language: str, tables: list[str]) -> list[dict]:
    return [
        {
            "id": hsds_id("meta_table_description", language, table),
            "name": table,
            "language": language,
            "character_set": "UTF-8",
        }
        for table in tables
    ]


def service_documents(ctx) -> Iterator[dict]:
    """Every published service as a nested document, in id order, a batch at a time: the
    documents stored for the API where they are current, the others built (not stored: an
    export in every language would store twelve copies of the directory)."""
    ids = list(queries.published_services().order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        found = stored.services_by_pk(batch, ctx.language, "full", organization=False, store=False)
        for pk in batch:
            if pk in found:
                yield found[pk]


def base_document(language: str) -> dict:
    base_url = getattr(settings, "BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    return {
        "version": documents.HSDS_VERSION,
        "profile": profile.profile_url(),
        "openapi_url": f"{base_url}{profile.API_PATH}openapi.json",
        "language": language,
    }


def _write_json(path: Path, document) -> None:
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


class _JsonList:
    """A JSON array written one item at a time, formatted as ``_write_json`` would."""

    def __init__(self, path: Path):
        self._handle = path.open("w", encoding="utf-8")
        self._count = 0

    def __enter__(self):
        return self

    def append(self, item) -> None:
        text = json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        self._handle.write(("[\n  " if self._count == 0 else ",\n  ") + text)
        self._count += 1

    def __exit__(self, *exc):
        self._handle.write("\n]\n" if self._count else "[]\n")
        self._handle.close()


def write_language(folder: Path, language: str) -> None:
    """Write ``hsds/`` and ``tabular/`` of one content language into ``folder``."""
    json_dir, table_dir = folder / "hsds", folder / "tabular"
    json_dir.mkdir(parents=True)
    table_dir.mkdir(parents=True)
    with translation.override(language):
        ctx = documents.Context.load(language)
        organizations = [
            documents.organization_document(o, ctx)
            for o in queries.published_organizations().order_by("pk")
        ]
        taxonomies = [
            documents.taxonomy_document(t, ctx) for t in queries.taxonomies().order_by("pk")
        ]
        terms = [
            documents.taxonomy_term_document(t, ctx)
            for t in queries.taxonomy_terms().order_by("pk")
        ]
        _write_json(json_dir / "base.json", base_document(language))
        with tabular.TableWriter(table_dir) as tables:
            with _JsonList(json_dir / "services.json") as services:
                for service in service_documents(ctx):
                    services.append(service)
                    tables.add_service(service)
            for table, rows in (
                ("organization", organizations),
                ("taxonomy", taxonomies),
                ("taxonomy_term", terms),
                ("meta_table_description", table_descriptions(language, list(tabular.TABLES))),
            ):
                for row in rows:
                    tables.add(table, row)
    _write_json(json_dir / "organizations.json", organizations)
    _write_json(json_dir / "taxonomies.json", taxonomies)
    _write_json(json_dir / "taxonomy_terms.json", terms)
    _write_json(
        table_dir / "datapackage.json",
        tabular.datapackage(language=language, profile_url=profile.profile_url()),
    )


def write_profile(folder: Path) -> None:
    folder.mkdir(parents=True)
    for name in profile.patch_names():
        _write_json(folder / name, profile.patch(name))


def _replace(staging: Path, output: Path, names: list[str]) -> None:
    """Move each finished entry of ``staging`` over the same name in ``output``."""
    for name in names:
        target = output / name
        if target.exists():
            retired = output / f".{name}.old"
            shutil.rmtree(retired, ignore_errors=True)
            target.rename(retired)
            (staging / name).rename(target)
            shutil.rmtree(retired)
        else:
            (staging / name).rename(target)


def export_directory(output: Path, languages: list[str], *, per_language: bool) -> list[Path]:
    """Write the export; returns the folders written. Only our own sub-folders are replaced."""
    output.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(dir=output, prefix=".export-") as tmp:
        staging = Path(tmp)
        write_profile(staging / "profile")
        names = ["profile"]
        for language in languages:
            if per_language:
                write_language(staging / language, language)
                names.append(language)
            else:
                write_language(staging, language)
                names += ["hsds", "tabular"]
        _replace(staging, output, names)
        written = [output / name for name in names]
    return written
