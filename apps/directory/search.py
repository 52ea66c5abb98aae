"""Free-text search (D3) over every language of a listing's public text.

PostgreSQL: full-text search, each language's columns with its own text-search
configuration plus ``simple`` (so a word matches in any language), ranked with names
above descriptions, and trigram word similarity on names for misspellings. Elsewhere
(the SQLite demo): case-insensitive containment of each word.

Only public fields of services and organisations are searched: never location
addresses, names of hidden places or anything confidential (SR-2).
"""

from functools import reduce
from operator import or_

from django.conf import settings
from django.db import connection
from django.db.models import F, Q, Value
from django.db.models.functions import Greatest

# PostgreSQL's text-search configurations by interface language; the rest use "simple".
TEXT_SEARCH_CONFIG = {
    "en": "english",
    "es": "spanish",
    "fr": "french",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "ar": "arabic",
}
NAME_FIELDS = ("name", "alternate_name")
TEXT_FIELDS = ("description", "eligibility_description", "application_process")
MAX_QUERY_LENGTH = 200


def config_for(language_code: str) -> str:
    return TEXT_SEARCH_CONFIG.get(language_code, "simple")


def language_codes() -> list[str]:
    return [code.replace("-", "_") for code, _name in settings.LANGUAGES]


def _columns(fields, prefix=""):
    return [f"{prefix}{field}_{code}" for field in fields for code in language_codes()]


def search_services(queryset, query: str, language: str):
    """Services matching the query, best first."""
    if connection.vendor == "postgresql":
        return _postgres_search(queryset, query, language)
    return _simple_search(queryset, query)


def _simple_search(queryset, query):
    columns = _columns(NAME_FIELDS + TEXT_FIELDS) + _columns(("name",), "organization__")
    for word in query.split()[:10]:
        queryset = queryset.filter(reduce(or_, (Q(**{f"{c}__icontains": word}) for c in columns)))
    return queryset.order_by("name")


def _postgres_search(queryset, query, language):
    from django.contrib.postgres.search import (
        SearchQuery,
        SearchRank,
        SearchVector,
        TrigramWordSimilarity,
    )

    vector = None
    for code in language_codes():
        for config in {config_for(code.replace("_", "-")), "simple"}:
            names = SearchVector(
                *[f"{f}_{code}" for f in NAME_FIELDS],
                f"organization__name_{code}",
                config=config,
                weight="A",
            )
            texts = SearchVector(*[f"{f}_{code}" for f in TEXT_FIELDS], config=config, weight="B")
            vector = names + texts if vector is None else vector + names + texts
    search_query = SearchQuery(query, config=config_for(language), search_type="websearch") | (
        SearchQuery(query, config="simple", search_type="websearch")
    )
    similarity = Greatest(*[TrigramWordSimilarity(Value(query), F(c)) for c in _columns(("name",))])
    return (
        queryset.annotate(
            document=vector,
            rank=SearchRank(vector, search_query),
            similarity=similarity,
        )
        .filter(Q(document=search_query) | Q(similarity__gte=0.5))
        .order_by("-rank", "-similarity", "name")
    )
