"""The Waymark HSDS profile: JSON merge patches (RFC 7386) over the official HSDS 3.0 files.

As Open Referral defines profiles, each ``<name>.json`` here patches the official schema
file of the same name (``service.json``, ``location.json``, ..., ``openapi.json``): it adds
the survivor-specific fields (location visibility, hours and flags per contact channel,
verification record, content language) and documents how Waymark fills HSDS. The API
publishes the files under ``/api/hsds/profile/``; exports copy them beside the data.

The patches are also plain JSON Schemas of the added fields (``properties`` and an
``allOf`` of extra requirements), which is how the OpenAPI document refers to them.
"""

import json
from copy import deepcopy
from functools import lru_cache
from pathlib import Path

from django.conf import settings

HERE = Path(__file__).resolve().parent
API_PATH = "/api/hsds/"


@lru_cache(maxsize=1)
def _load() -> dict[str, dict]:
    return {path.name: json.loads(path.read_text()) for path in sorted(HERE.glob("*.json"))}


def patch_names() -> list[str]:
    return list(_load())


def patch(name: str) -> dict | None:
    """A copy of one profile file, or None if the profile does not patch that file."""
    found = _load().get(name)
    return deepcopy(found) if found is not None else None


def extension_fields(name: str) -> dict[str, dict]:
    """The fields the profile adds to an official schema file, by name, in file order."""
    return (patch(name) or {}).get("properties", {})


def merge_patch(target, patch_document):
    """RFC 7386: apply a JSON merge patch; ``null`` removes a member, arrays are replaced."""
    if not isinstance(patch_document, dict):
        return deepcopy(patch_document)
    result = deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch_document.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def profile_url(request=None) -> str:
    """Where the profile is published: HSDS_PROFILE_URL, else this site's API."""
    configured = getattr(settings, "HSDS_PROFILE_URL", None)
    if configured:
        return configured
    if request is not None:
        return request.build_absolute_uri(f"{API_PATH}profile/")
    return f"{getattr(settings, 'BASE_URL', 'http://127.0.0.1:8000').rstrip('/')}{API_PATH}profile/"
