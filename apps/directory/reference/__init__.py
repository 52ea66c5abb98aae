"""The shared vocabulary: reviewed translations of the words every listing uses (issue #17).

Kinds of help, who a service is for, kinds of exploitation, trust attributes ("No ID
needed") and cost words are data (taxonomy terms, cost options), not interface strings,
so gettext cannot translate them. ``vocabulary.json`` carries their names in every
interface language, reviewed like a catalog (docs/languages.md, "Shared vocabulary").

``apply_vocabulary()`` writes those names into the empty translation columns of the
matching records: a taxonomy by its slug, a term by its taxonomy and code, a cost option
by its text in any language. It never overwrites a name someone wrote, unless asked. The
demo and the generator create their terms from the file; the demo and every import then
apply it (the demo also to cost words), and ``manage.py load_vocabulary`` runs it by
hand, for example after a new language is added to ``LANGUAGES`` and to the file.
Channel kinds ("Phone", "Online chat") are model choices and are translated in the
catalogs.
"""

import json
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q

VOCABULARY_FILE = Path(__file__).with_name("vocabulary.json")


@cache
def vocabulary() -> dict:
    with VOCABULARY_FILE.open(encoding="utf-8") as source:
        return json.load(source)


def column(field: str, language: str) -> str:
    return f"{field}_{language.replace('-', '_')}"


def columns(names: dict[str, str], field: str = "name") -> dict[str, str]:
    """``{"name_en": …, "name_fr": …}`` for the interface languages the entry has."""
    return {column(field, code): names[code] for code, _name in settings.LANGUAGES if code in names}


def taxonomy_names(slug: str) -> dict[str, str]:
    return vocabulary()["taxonomies"].get(slug, {})


def term_names(taxonomy_slug: str, code: str) -> dict[str, str]:
    return vocabulary()["terms"].get(taxonomy_slug, {}).get(code, {})


def term_codes(taxonomy_slug: str) -> list[str]:
    """The vocabulary's terms of a taxonomy, in their display order."""
    return list(vocabulary()["terms"].get(taxonomy_slug, {}))


def cost_names(text: str) -> dict[str, str]:
    """The cost word this text is, in any language, with all its names; else {}."""
    wanted = " ".join(text.split()).casefold()
    for names in vocabulary()["costs"].values():
        if any(name.casefold() == wanted for name in names.values()):
            return names
    return {}


def _fill(record, names: dict[str, str], field: str, overwrite: bool) -> bool:
    changed = False
    for name, value in columns(names, field).items():
        current = getattr(record, name, "") or ""
        if (overwrite or not current) and current != value:
            setattr(record, name, value)
            changed = True
    return changed


@transaction.atomic
def apply_vocabulary(*, overwrite: bool = False, costs: bool = False) -> int:
    """Fill the translation columns the vocabulary covers; returns how many records changed.

    Taxonomies and terms are reference data. Cost options are part of a listing, whose
    every change is versioned and reviewed (apps/curation), so they are filled only when
    asked (``costs=True``): by the demo, which loads before any version exists, or by hand.
    """
    from apps.directory.models import CostOption, Taxonomy, TaxonomyTerm

    changed = 0
    for taxonomy in Taxonomy.objects.filter(slug__in=list(vocabulary()["taxonomies"])):
        if _fill(taxonomy, taxonomy_names(taxonomy.slug), "name", overwrite):
            taxonomy.save()
            changed += 1
    terms = TaxonomyTerm.objects.filter(taxonomy__slug__in=list(vocabulary()["terms"]))
    for term in terms.select_related("taxonomy"):
        names = term_names(term.taxonomy.slug, term.code)
        if names and _fill(term, names, "name", overwrite):
            term.save()
            changed += 1
    if not costs:
        return changed
    # Only the options whose text is a cost word in some language: one query, not a walk
    # through every listing's costs.
    words = Q()
    for names in vocabulary()["costs"].values():
        for code, name in names.items():
            words |= Q(**{f"{column('option', code)}__iexact": name})
    for option in CostOption.objects.filter(words):
        texts = (getattr(option, column("option", code), "") for code, _n in settings.LANGUAGES)
        names = next(filter(None, (cost_names(text or "") for text in texts)), {})
        if names and _fill(option, names, "option", overwrite):
            option.save()
            changed += 1
    return changed
