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
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import translation

from . import profile, tabular
from .hsds import documents, queries
from .hsds.ids import hsds_id


@dataclass
class Bundle:
    """Every document of one language, in a stable order."""

    language: str
    services: list[dict] = field(default_factory=list)
    organizations: list[dict] = field(default_factory=list)
    taxonomies: list[dict] = field(default_factory=list)
    taxonomy_terms: list[dict] = field(default_factory=list)

    def table_descriptions(self, tables: list[str]) -> list[dict]:
        return [
            {
                "id": hsds_id("meta_table_description", self.language, table),
                "name": table,
                "language": self.language,
                "character_set": "UTF-8",
            }
            for table in tables
        ]


def build_bundle(language: str) -> Bundle:
    """The published directory as HSDS documents in one content language."""
    with translation.override(language):
        ctx = documents.Context.load(language)
        services = queries.with_documents(queries.published_services()).order_by("pk")
        organizations = queries.published_organizations().order_by("pk")
        return Bundle(
            language=language,
            services=[documents.service_document(s, ctx, organization=False) for s in services],
            organizations=[documents.organization_document(o, ctx) for o in organizations],
            taxonomies=[
                documents.taxonomy_document(t, ctx) for t in queries.taxonomies().order_by("pk")
            ],
            taxonomy_terms=[
                documents.taxonomy_term_document(t, ctx)
                for t in queries.taxonomy_terms().order_by("pk")
            ],
        )


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


def write_language(folder: Path, bundle: Bundle) -> None:
    """Write ``hsds/`` and ``tabular/`` of one language into ``folder``."""
    json_dir, table_dir = folder / "hsds", folder / "tabular"
    json_dir.mkdir(parents=True)
    table_dir.mkdir(parents=True)
    _write_json(json_dir / "base.json", base_document(bundle.language))
    _write_json(json_dir / "services.json", bundle.services)
    _write_json(json_dir / "organizations.json", bundle.organizations)
    _write_json(json_dir / "taxonomies.json", bundle.taxonomies)
    _write_json(json_dir / "taxonomy_terms.json", bundle.taxonomy_terms)
    for table, rows in tabular.tabulate(bundle).items():
        path = table_dir / tabular.TABLES[table][0]
        path.write_text(tabular.csv_text(table, rows), encoding="utf-8", newline="")
    _write_json(
        table_dir / "datapackage.json",
        tabular.datapackage(language=bundle.language, profile_url=profile.profile_url()),
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
            bundle = build_bundle(language)
            if per_language:
                write_language(staging / language, bundle)
                names.append(language)
            else:
                write_language(staging, bundle)
                names += ["hsds", "tabular"]
        _replace(staging, output, names)
        written = [output / name for name in names]
    return written
