"""Schemathesis against the running API (issue 19, item 5): every answer matches the served
OpenAPI document, and every request it allows is accepted (and every one it forbids
refused). Seeded and bounded: a few examples per endpoint. Runs in CI on PostgreSQL.

The official schemas the document refers to (raw.githubusercontent.com) are read from
``../shared/hsds-3.0`` and inlined, so the run needs no network; the profile's files are
fetched from the live server, as a consumer would.
"""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.conftest import need

pytestmark = [pytest.mark.postgres, pytest.mark.shared, pytest.mark.django_db(transaction=True)]

OFFICIAL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
SEED = 19
EXAMPLES = 4


def _inline(schema, folder: Path):
    """A schema file with its relative file references replaced by their contents."""
    if isinstance(schema, list):
        return [_inline(item, folder) for item in schema]
    if not isinstance(schema, dict):
        return schema
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.endswith(".json") and "/" not in ref:
        inner = json.loads((folder / ref).read_text(encoding="utf-8"))
        return _inline({k: v for k, v in inner.items() if k not in ("$id", "$schema")}, folder)
    return {k: _inline(v, folder) for k, v in schema.items() if k not in ("$id", "$schema")}


def offline_document(document: dict, schema_dir: Path, api_url: str) -> dict:
    """The served document with official references inlined and the profile's absolute."""
    schemas = document["components"]["schemas"]

    def walk(node):
        if isinstance(node, list):
            return [walk(item) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(OFFICIAL):
            relative = ref[len(OFFICIAL) :]
            name = "official_" + relative.replace("/", "_").removesuffix(".json")
            if name not in schemas:
                schemas[name] = _inline(
                    json.loads((schema_dir / relative).read_text(encoding="utf-8")),
                    (schema_dir / relative).parent,
                )
            return {**node, "$ref": f"#/components/schemas/{name}"}
        if isinstance(ref, str) and ref.startswith("profile/"):
            return {**node, "$ref": f"{api_url}{ref}"}
        return {key: walk(value) for key, value in node.items()}

    document["paths"] = walk(document["paths"])
    document["components"] = walk(document["components"])
    return document


def test_every_answer_matches_the_openapi_document(
    require_postgres, demo, live_server, settings, hsds_schema, tmp_path
):
    need(
        "schemathesis",
        importlib.util.find_spec("schemathesis") is not None,
        "needs schemathesis (pip install schemathesis)",
    )
    settings.HSDS_API_RATE_LIMIT = 1_000_000  # the limiter has its own tests
    api_url = f"{live_server.url}/api/hsds/"
    document = requests.get(f"{api_url}openapi.json", timeout=10).json()
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(offline_document(document, hsds_schema, api_url)))
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "run",
        str(path),
        "--url",
        api_url.rstrip("/"),
        "--checks",
        "all",
        "--seed",
        str(SEED),
        "--max-examples",
        str(EXAMPLES),
        "--phases",
        "examples,coverage,fuzzing",
        "--generation-database",
        "none",
        "--workers",
        "1",
        "--no-color",
        "--warnings",
        "off",
        "--report-dir",
        str(tmp_path / "reports"),
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=tmp_path)
    summary = run.stdout[run.stdout.find("SUMMARY") :]
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "11/11" in summary and "Tested: 11" in summary, summary
