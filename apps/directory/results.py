"""Result addresses: where a search's answer lives for a while (decision 0011).

A search is a POST (QE-14); its answer is a 303 to ``/find/r/<token>/``, so Back and
reload fetch that address again instead of asking to resend a form. The token is random
(72 bits), says nothing, and names a cache entry holding only what the page needs: the
ids found, best first, the area searched and the filter choices (neutral numbers). No
words: the results page does not show them, and nothing the server keeps can give them
back. An entry lives ``LIFETIME`` seconds; after that the address answers "search again".
"""

import re
import secrets
from dataclasses import dataclass

from django.core.cache import cache

LIFETIME = 30 * 60
# Ten pages of results are more than anyone reads; "More results" pages through them.
MAX_IDS = 200  # = search.MAX_RESULTS
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{12}$")


@dataclass(frozen=True)
class ResultEntry:
    ids: list[int]
    region: str
    filters: dict[str, list[str]]


def _key(token: str) -> str:
    return f"search-result:{token}"


def create(ids: list[int], *, region: str, filters: dict) -> str | None:
    """A new result address for these ids, or None when there is no cache to hold it."""
    token = secrets.token_urlsafe(9)
    entry = {"ids": [int(pk) for pk in ids[:MAX_IDS]], "region": region, "filters": filters}
    return token if cache.add(_key(token), entry, LIFETIME) else None


def get(token: str) -> ResultEntry | None:
    if not TOKEN_PATTERN.match(token):
        return None
    entry = cache.get(_key(token))
    if not isinstance(entry, dict):
        return None
    return ResultEntry(ids=entry["ids"], region=entry["region"], filters=entry["filters"])
