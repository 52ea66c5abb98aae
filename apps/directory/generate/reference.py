"""Regions, taxonomies and languages: added where missing, reused where present.

Generating into a database with the demo loaded extends its reference data instead of
duplicating it; the codes in ``places`` match the demo's.
"""

from dataclasses import dataclass, field

from django.conf import settings

from apps.directory import demo
from apps.directory import reference as shared
from apps.directory.models import (
    Language,
    Region,
    Taxonomy,
    TaxonomyTerm,
)

from .places import COUNTRIES, PLACES, SPOKEN_LANGUAGES, country_of
from .vocabulary import EXPLOITATION_CODES, POPULATION_CODES, TYPE_CODES, VOCABULARIES

INTERFACE = tuple(code for code, _name in settings.LANGUAGES)


def column(field_name: str, language: str) -> str:
    return f"{field_name}_{language.replace('-', '_')}"


def _capitalise(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:]


@dataclass
class RegionInfo:
    pk: int
    code: str
    kind: str
    country: str
    time_zone: str
    centre: tuple[float, float]
    city: str
    area_codes: tuple[str, ...]
    holiday_pk: int | None = None
    localities: list = field(default_factory=list)


class ReferenceData:
    """Mixin: loads or creates the reference rows the generated listings point to."""

    def reference_data(self):
        self.languages = self._languages()
        self.terms = self._taxonomies()
        self.regions = self._regions()
        self.spoken = list(SPOKEN_LANGUAGES)
        self.spoken_weights = list(SPOKEN_LANGUAGES.values())

    def _languages(self):
        codes = list(dict.fromkeys([*demo.LANGUAGES, *SPOKEN_LANGUAGES]))
        existing = set(Language.objects.filter(code__in=codes).values_list("code", flat=True))
        Language.objects.bulk_create([Language(code=c) for c in codes if c not in existing])
        return dict(Language.objects.filter(code__in=codes).values_list("code", "pk"))

    def _taxonomies(self):
        vocabulary_names = {
            Taxonomy.SERVICE_TYPE: (TYPE_CODES, "types"),
            Taxonomy.POPULATION: (POPULATION_CODES, "populations"),
            Taxonomy.TRAFFICKING_TYPE: (EXPLOITATION_CODES, "exploitation"),
        }
        terms = {}
        for slug, codes_in_order in demo.TAXONOMIES.items():
            taxonomy, _created = Taxonomy.objects.get_or_create(
                slug=slug, defaults=shared.columns(shared.taxonomy_names(slug))
            )
            existing = dict(taxonomy.terms.values_list("code", "pk"))
            codes, attribute = vocabulary_names.get(slug, ((), ""))
            for position, code in enumerate(codes_in_order):
                if code not in existing:
                    fields = shared.columns(shared.term_names(slug, code))
                    if code in codes:
                        for language, vocabulary in VOCABULARIES.items():
                            phrase = getattr(vocabulary, attribute)[codes.index(code)]
                            fields.setdefault(column("name", language), _capitalise(phrase))
                    term = TaxonomyTerm.objects.create(
                        taxonomy=taxonomy, code=code, position=position, **fields
                    )
                    existing[code] = term.pk
            terms[slug] = existing
        return terms

    def _regions(self):
        codes = {c.code for c in self.countries}
        wanted = [
            (c.code, Region.Kind.COUNTRY, None, c.time_zone, c.centre, "") for c in self.countries
        ]
        places = [p for p in PLACES if country_of(p.code) in codes]
        for p in places:
            kind = Region.Kind.LOCALITY if p.name else Region.Kind.SUBDIVISION
            wanted.append((p.code, kind, p.parent, p.time_zone, p.centre, p.name))
        rows = {r.code: r for r in Region.objects.filter(code__in=[w[0] for w in wanted])}
        for code, kind, parent, zone, (lat, lon), name in wanted:
            if code not in rows:
                rows[code] = Region.objects.create(
                    code=code,
                    kind=kind,
                    parent=rows[parent] if parent else None,
                    time_zone=zone,
                    centroid_latitude=lat,
                    centroid_longitude=lon,
                    name=name,
                )
        by_code = {p.code: p for p in places}
        regions = {}
        for code, kind, _parent, zone, centre, name in wanted:
            row, place = rows[code], by_code.get(code)
            regions[code] = RegionInfo(
                pk=row.pk,
                code=code,
                kind=kind,
                country=country_of(code),
                time_zone=row.time_zone or zone,
                centre=(
                    (float(row.centroid_latitude), float(row.centroid_longitude))
                    if row.centroid_latitude is not None
                    else centre
                ),
                city=name or (place.city if place else ""),
                area_codes=place.area_codes if place else (),
            )
        for code, _kind, parent, *_rest in wanted:
            region = regions[code]
            if parent:
                parent_region = regions[parent]
                region.area_codes = region.area_codes or parent_region.area_codes
                if region.kind == Region.Kind.LOCALITY:
                    parent_region.localities.append(region)
        parent_of = {code: parent for code, _kind, parent, *_rest in wanted}
        self.homes = {c: [] for c in codes}
        self.localities = {c: [] for c in codes}
        for region in regions.values():
            # Holidays are those of the country's first-level subdivision (England, a US
            # state), or of the whole country where `holidays` knows no subdivisions.
            top = region.code
            while parent_of[top] and parent_of[top] not in codes:
                top = parent_of[top]
            if COUNTRIES[region.country].holidays_by_subdivision:
                region.holiday_pk = regions[top].pk
            else:
                region.holiday_pk = regions[region.country].pk
            if region.kind == Region.Kind.SUBDIVISION:
                self.homes[region.country].append(region)
            elif region.kind == Region.Kind.LOCALITY:
                self.localities[region.country].append(region)
        for code in codes:
            regions[code].area_codes = tuple(
                sorted({a for r in self.homes[code] for a in r.area_codes})
            )
        return regions

    # --- organisations ------------------------------------------------------------------
