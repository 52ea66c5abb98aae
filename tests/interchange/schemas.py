"""Validate documents against the official HSDS 3.0 schemas in ../shared/hsds-3.0/.

The official files refer to each other by relative name (``"$ref": "phone.json"``) and the
official OpenAPI document by absolute URL, so every file is registered under its published
URL. ``profiled=True`` registers each file with the Waymark profile's merge patch applied,
and the profile files at their own URL, so the OpenAPI document's ``profile/*.json``
references resolve as well.
"""

import datetime as dt
import json
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from apps.interchange import profile

OFFICIAL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
SERVED = "http://testserver/api/hsds/"


def format_checker() -> FormatChecker:
    """jsonschema's checker, plus date-time and uri without optional dependencies."""
    checker = FormatChecker()

    @checker.checks("date-time", raises=ValueError)
    def is_datetime(value):
        if not isinstance(value, str):
            return True
        if "T" not in value or not (value.endswith("Z") or value[-6] in "+-"):
            return False
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        return True

    @checker.checks("uri")
    def is_uri(value):
        if not isinstance(value, str):
            return True
        parts = urlsplit(value)
        return bool(parts.scheme) and bool(parts.netloc or parts.path) and " " not in value

    @checker.checks("time", raises=ValueError)
    def is_time(value):
        if not isinstance(value, str):
            return True
        dt.time.fromisoformat(value)
        return True

    return checker


def _resource(contents):
    return Resource.from_contents(contents, default_specification=DRAFT202012)


@lru_cache(maxsize=4)
def registry(schema_dir: str, profiled: bool = False) -> Registry:
    root = Path(schema_dir)
    resources = []
    for path in sorted(root.glob("*.json")) + sorted(root.glob("compiled/*.json")):
        contents = json.loads(path.read_text())
        relative = path.relative_to(root).as_posix()
        if profiled and "/" not in relative:
            patch = profile.patch(relative)
            if patch is not None:
                contents = profile.merge_patch(contents, patch)
        resources.append((OFFICIAL + relative, _resource(contents)))
    for name in profile.patch_names():
        resources.append((f"{SERVED}profile/{name}", _resource(profile.patch(name))))
    return Registry().with_resources(resources)


def validator(schema_dir: Path, target: str, *, profiled=False) -> Draft202012Validator:
    """A validator for one official file, e.g. ``compiled/service.json``."""
    return Draft202012Validator(
        {"$ref": OFFICIAL + target},
        registry=registry(str(schema_dir), profiled),
        format_checker=format_checker(),
    )


def errors(schema_dir: Path, target: str, document, *, profiled=False) -> list[str]:
    found = validator(schema_dir, target, profiled=profiled).iter_errors(document)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in found][:20]


def openapi_errors(schema_dir: Path, openapi: dict, pointer: str, document) -> list[str]:
    """Errors of a document against a schema inside the served OpenAPI document.

    ``pointer`` is a JSON pointer into it, e.g. ``/paths/~1services/get/responses/200/...``;
    its ``profile/*.json`` and ``#/components/...`` references resolve like a client's would.
    """
    url = f"{SERVED}openapi.json"
    check = Draft202012Validator(
        {"$ref": f"{url}#{pointer}"},
        registry=registry(str(schema_dir), True).with_resource(url, _resource(openapi)),
        format_checker=format_checker(),
    )
    found = check.iter_errors(document)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in found][:20]


def api_pointer(path: str, status: str = "200") -> str:
    """JSON pointer to a response schema of the served OpenAPI document."""
    escaped = path.replace("~", "~0").replace("/", "~1")
    return f"/paths/{escaped}/get/responses/{status}/content/application~1json/schema"
