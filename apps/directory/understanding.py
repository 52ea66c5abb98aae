"""What a search means besides its words (issue #16, item 5).

People search the way they speak: "Paris", "France", "فرنسا", "New York"; "forced
labour", "trata", "торгівля людьми"; "helplne". Before the words are matched against
listings (``search.py``), the query is read for:

- a place: a country's name in any interface language (CLDR, through Babel), a
  subdivision's ISO 3166-2 name, a locality's name, or the town of a *public* address
  (never a hidden or region-only one, SR-2). The search then covers the services that
  serve that place, national and worldwide ones included;
- kinds of help: a taxonomy term's name in any language, or a phrase from
  ``synonyms.py``. Services with those terms are found even when their text does not
  use the words;
- misspellings: when the words find nothing, each word of five letters or more that
  is not a known word is replaced by the known word one edit away (a letter added,
  dropped, changed, or two swapped), and the search is tried again.

Names are compared without case or accents. Nothing here reads a confidential field.
"""

import re
import time
import unicodedata
from dataclasses import dataclass, field

import pycountry
from django.conf import settings

from apps.core.i18n import babel_locale

from .synonyms import SYNONYMS

MIN_TYPO_LENGTH = 5
# Names and vocabularies are read again after this many seconds (or a new generation).
REFRESH_SECONDS = 300
_NOT_WORD = re.compile(r"[^\w'’-]+")
_CJK = re.compile(r"[\u3400-\u9fff]")


def normalise(text: str) -> str:
    """Lower case, no accents, apostrophes unified, one space between words."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("’", "'"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.sub(" ", plain).split())


def _contains(query: str, phrase: str) -> bool:
    if not phrase:
        return False
    if _CJK.search(phrase):
        return phrase in query
    return f" {phrase} " in f" {query} "


@dataclass
class Meaning:
    words: str  # the query without the place's name
    place: object = None  # a Region
    term_ids: set[int] = field(default_factory=set)


@dataclass
class _Index:
    made: float
    generation: object
    places: list  # (normalised name, region id), longest first
    terms: list  # (normalised phrase, term ids)
    vocabulary: dict  # normalised word -> how often it appears


_index: _Index | None = None


def _interface_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _place_names() -> list[tuple[str, int]]:
    from .models import Location, Region

    names = []
    for region in Region.objects.all():
        candidates = {region.name} if region.name else set()
        if region.kind == Region.Kind.COUNTRY:
            code = region.code.upper()
            for language in _interface_languages():
                candidates.add(babel_locale(language).territories.get(code, ""))
            country = pycountry.countries.get(alpha_2=code)
            if country is not None:
                candidates.update(
                    getattr(country, attr, "") for attr in ("name", "common_name", "official_name")
                )
        elif region.kind == Region.Kind.SUBDIVISION:
            subdivision = pycountry.subdivisions.get(code=region.code.upper())
            if subdivision is not None:
                candidates.add(subdivision.name)
        names += [(normalise(name), region.pk) for name in candidates if name]
    # Towns of public addresses only: a hidden or region-only place is never named (SR-2).
    city_fields = [f"city_{code.replace('-', '_')}" for code in _interface_languages()]
    public = Location.objects.filter(visibility=Location.Visibility.PUBLIC)
    for row in public.values("region_id", *city_fields):
        names += [(normalise(row[f]), row["region_id"]) for f in city_fields if row[f]]
    unique = {name: pk for name, pk in names if len(name) >= 2}
    return sorted(unique.items(), key=lambda item: -len(item[0]))


def _term_phrases() -> list[tuple[str, set[int]]]:
    from .models import TaxonomyTerm

    name_fields = [f"name_{code.replace('-', '_')}" for code in _interface_languages()]
    by_key, phrases = {}, {}
    for row in TaxonomyTerm.objects.values("pk", "taxonomy__slug", "code", *name_fields):
        by_key[(row["taxonomy__slug"], row["code"])] = row["pk"]
        for name_field in name_fields:
            if row[name_field]:
                phrases.setdefault(normalise(row[name_field]), set()).add(row["pk"])
    for entry in SYNONYMS:
        ids = {by_key[key] for key in entry["terms"] if key in by_key}
        for language_phrases in entry["phrases"].values():
            for phrase in language_phrases:
                if ids:
                    phrases.setdefault(normalise(phrase), set()).update(ids)
    return sorted(phrases.items(), key=lambda item: -len(item[0]))


def _vocabulary(places, terms) -> dict[str, int]:
    from .models import Organization, Service

    counts: dict[str, int] = {}

    def add(text):
        for word in normalise(text or "").split():
            counts[word] = counts.get(word, 0) + 1

    codes = [code.replace("-", "_") for code in _interface_languages()]
    service_fields = [f"{f}_{c}" for f in ("name", "alternate_name") for c in codes]
    for row in Service.objects.published().values_list(*service_fields):
        for text in row:
            add(text)
    for row in Organization.objects.values_list(*[f"name_{c}" for c in codes]):
        for text in row:
            add(text)
    for phrase, _ids in terms:
        add(phrase)
    for name, _pk in places:
        add(name)
    return counts


def _current_index() -> _Index:
    """Read again whenever anything was published (the page cache's generation, which
    every write to the directory replaces), or after ``REFRESH_SECONDS``."""
    from apps.core.pagecache import current_generation

    global _index
    generation = current_generation()
    stale = (
        _index is None
        or _index.generation != generation
        or time.monotonic() - _index.made > REFRESH_SECONDS
    )
    if stale:
        places, terms = _place_names(), _term_phrases()
        vocabulary = _vocabulary(places, terms)
        _index = _Index(time.monotonic(), generation, places, terms, vocabulary)
    return _index


def forget() -> None:
    """Read names again on the next search (after a publication)."""
    global _index
    _index = None


def understand(query: str) -> Meaning:
    from .models import Region

    index = _current_index()
    text = normalise(query)
    meaning = Meaning(words=query)
    for name, region_id in index.places:
        if _contains(text, name):
            place = Region.objects.select_related("parent__parent").filter(pk=region_id).first()
            if place is not None:
                meaning.place = place
                meaning.words = _without(query, name)
                break
    for phrase, ids in index.terms:
        if _contains(text, phrase):
            meaning.term_ids |= ids
    return meaning


def _without(query: str, name: str) -> str:
    """The query as typed, less the words that spell the place's name."""
    if _CJK.search(name):
        return " ".join(normalise(query).replace(name, " ").split())
    tokens = query.split()
    size = len(name.split())
    for start in range(len(tokens)):
        if normalise(" ".join(tokens[start : start + size])) == name:
            return " ".join(tokens[:start] + tokens[start + size :])
    return query


def corrected(words: str) -> str | None:
    """The words with each unknown long word replaced by a known one an edit away, or
    None when nothing changed."""
    vocabulary = _current_index().vocabulary
    changed, out = False, []
    for word in normalise(words).split():
        if len(word) >= MIN_TYPO_LENGTH and word not in vocabulary:
            near = [w for w in vocabulary if abs(len(w) - len(word)) <= 1 and _one_edit(word, w)]
            if near:
                word = max(near, key=lambda w: (vocabulary[w], w))
                changed = True
        out.append(word)
    return " ".join(out) if changed else None


def _one_edit(a: str, b: str) -> bool:
    """True when b is a at most one insertion, deletion, substitution or swap away."""
    if a == b:
        return True
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    if len(a) > len(b):
        a, b = b, a
    return any(b[:i] + b[i + 1 :] == a for i in range(len(b)))
