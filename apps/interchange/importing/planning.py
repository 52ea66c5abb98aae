"""Planned records → what the import would change: match, resolve, diff, validate.

Ids are matched, in order, through ``ImportedRecord`` (outside ids seen before), then as
Waymark's own ids (``hsds_id`` of every row of the kind), then by natural key where one
exists (a region's code, a taxonomy's slug, a term's code). A step is a record to create
or the fields to change on one; an unchanged record is only counted.
"""

import hashlib
import json
from dataclasses import dataclass, field

import pycountry
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from apps.curation.registry import SPECS, spec_for
from apps.curation.services import _same
from apps.directory.models import (
    Channel,
    Location,
    Organization,
    Region,
    Service,
    Taxonomy,
    TaxonomyTerm,
)
from apps.directory.translation import unsaved

from ..hsds.ids import hsds_id
from ..models import ImportedRecord
from .issues import Report
from .mapping import MIXED, ORDER, Planned, Ref

MODELS = {
    "region": Region,
    "organization": Organization,
    "taxonomy": Taxonomy,
    "taxonomy_term": TaxonomyTerm,
    "location": Location,
    "service": Service,
    "channel": Channel,
}
KINDS = {model: kind for kind, model in MODELS.items()}
# Outside the curation registry: reference data, written as it is (coordinators only).
REFERENCE_FIELDS = {
    "region": ["code", "kind", "parent_id"],
    "taxonomy": ["slug", "uri", "version"],
    "taxonomy_term": ["code", "taxonomy_id", "parent_id"],
}
TRANSLATED_REFERENCE = {
    "taxonomy": ["name", "description"],
    "taxonomy_term": ["name", "description"],
}
# Extra fields kept on the record but outside the proposal registry.
EXTRA_FIELDS = ("is_demo", "translation_status", "assured_date", "assurer_id")


def ref_json(value):
    """Values as stored in a plan: a Ref becomes {"$ref": [kind, id]}."""
    if isinstance(value, Ref):
        return {"$ref": [value.kind, value.source_id]}
    if isinstance(value, list):
        return [ref_json(v) for v in value]
    if isinstance(value, dict):
        return {k: ref_json(v) for k, v in value.items()}
    return value


@dataclass
class Step:
    kind: str
    source_id: str
    action: str  # "create" or "edit"
    target_id: int | None
    values: dict
    base: dict
    where: str


@dataclass
class Plan:
    language: str = ""
    steps: list[Step] = field(default_factory=list)
    counts: dict = field(default_factory=dict)

    def count(self, kind: str, what: str) -> None:
        row = self.counts.setdefault(kind, {"created": 0, "changed": 0, "unchanged": 0})
        row[what] += 1

    @property
    def changes(self) -> int:
        return len(self.steps)

    def fingerprint(self) -> str:
        payload = [[s.kind, s.source_id, s.action, s.target_id, s.values] for s in self.steps]
        text = json.dumps(payload, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


class Matcher:
    """Finds the directory row an HSDS id names."""

    def __init__(self, records: dict):
        self._own: dict[str, dict[str, int]] = {}
        wanted = {}
        for kind, source_id in records:
            wanted.setdefault(kind, set()).add(source_id)
        self.imported = {}
        for kind, ids in wanted.items():
            ids = list(ids)
            for start in range(0, len(ids), 500):
                rows = ImportedRecord.objects.filter(
                    kind=kind, source_id__in=ids[start : start + 500]
                ).values_list("source_id", "target_id")
                for source_id, target_id in rows:
                    self.imported[(kind, source_id)] = target_id
        self.regions, self.region_codes = {}, {}
        for code, pk in Region.objects.values_list("code", "pk"):
            self.regions[code.lower()] = pk
            self.region_codes[code.lower()] = code
        self.taxonomies = dict(Taxonomy.objects.values_list("slug", "pk"))
        self.terms = {
            (taxonomy_id, code): pk
            for pk, taxonomy_id, code in TaxonomyTerm.objects.values_list(
                "pk", "taxonomy_id", "code"
            )
        }
        self.existing = {}

    def own(self, kind: str) -> dict[str, int]:
        if kind not in self._own:
            model = MODELS[kind]
            pks = model._default_manager.values_list("pk", flat=True)
            self._own[kind] = {hsds_id(kind, pk): pk for pk in pks.iterator()}
        return self._own[kind]

    def match(self, kind: str, source_id: str) -> int | None:
        if kind == "region":
            return self.regions.get(source_id.lower())
        pk = self.imported.get((kind, source_id))
        if pk is not None and self.exists(kind, pk):
            return pk
        return self.own(kind).get(source_id)

    def exists(self, kind: str, pk: int) -> bool:
        if kind not in self.existing:
            self.existing[kind] = set(MODELS[kind]._default_manager.values_list("pk", flat=True))
        return pk in self.existing[kind]


def _region_record(code: str) -> Planned | None:
    """A country or ISO 3166-2 subdivision Waymark does not know yet; localities must exist."""
    upper = code.upper()
    if len(upper) == 2 and pycountry.countries.get(alpha_2=upper):
        return Planned("region", upper, ("", ""), values={"code": upper, "kind": "country"})
    subdivision = pycountry.subdivisions.get(code=upper)
    if subdivision is not None:
        parent = subdivision.parent_code or subdivision.country_code
        return Planned(
            "region",
            upper,
            ("", ""),
            values={"code": upper, "kind": "subdivision", "parent_id": Ref("region", parent)},
        )
    return None


class Planner:
    def __init__(self, records: dict, report: Report):
        # Localities the file describes (mapping's ``locality``): created only when named.
        self.localities = {
            key[1].lower(): records.pop(key)
            for key in [k for k, p in records.items() if p.extra.get("locality")]
        }
        self.records = records
        self.report = report
        self.matcher = Matcher(records)
        self.targets: dict[tuple[str, str], int | None] = {}
        self.regions: dict[int, Region | None] = {}  # by id, for locations' labels
        self.snapshots: dict[tuple[str, int], dict] = {}  # loaded in chunks by _load

    # --- references ---------------------------------------------------------------
    def target(self, kind: str, source_id: str) -> int | None:
        key = (kind, source_id)
        if key not in self.targets:
            self.targets[key] = self.matcher.match(kind, source_id) or self._natural(key)
        return self.targets[key]

    def _natural(self, key) -> int | None:
        """A vocabulary Waymark has already, found by its slug or its term's code."""
        planned = self.records.get(key)
        if planned is None:
            return None
        if planned.kind == "taxonomy":
            return self.matcher.taxonomies.get(planned.create_only.get("slug"))
        if planned.kind == "taxonomy_term":
            taxonomy = planned.values.get("taxonomy_id")
            if isinstance(taxonomy, Ref):
                taxonomy = self.target("taxonomy", taxonomy.source_id)
            return self.matcher.terms.get((taxonomy, planned.values.get("code")))
        return None

    def add_region(self, code: str) -> bool:
        planned = _region_record(code) or self._locality(code)
        if planned is None:
            return False
        self.records[("region", code)] = planned
        parent = planned.values.get("parent_id")
        if (
            parent is not None
            and self.target("region", parent.source_id) is None
            and ("region", parent.source_id) not in self.records
        ):
            self.add_region(parent.source_id)
        return True

    def _locality(self, code: str) -> Planned | None:
        """A locality the file describes, inside the longest leading part of its code that
        is a region this directory has or can create (``fr-ara-lyon`` is in ``FR-ARA``)."""
        described = self.localities.get(code.lower())
        if described is None:
            return None
        parts = code.split("-")
        for end in range(len(parts) - 1, 0, -1):
            prefix = "-".join(parts[:end])
            parent = self.matcher.region_codes.get(prefix.lower())
            if parent is None and (iso := _region_record(prefix)) is not None:
                parent = iso.source_id
            if parent is not None:
                break
        else:
            return None
        values = {"code": code, "kind": Region.Kind.LOCALITY, "parent_id": Ref("region", parent)}
        names = {k: v for k, v in described.create_only.items() if k.startswith("name_")}
        return Planned("region", code, described.origin, values=values, create_only=names)

    def resolve(self, value, planned: Planned, name: str):
        if isinstance(value, list):
            return [self.resolve(v, planned, name) for v in value]
        if isinstance(value, dict):
            return {k: self.resolve(v, planned, name) for k, v in value.items()}
        if not isinstance(value, Ref):
            return value
        if value.kind == "region_code":
            # Collections name regions by code (the areas of a service).
            code = self.matcher.region_codes.get(value.source_id.lower())
            if code is None and self.resolve(Ref("region", value.source_id), planned, name):
                code = self.records[("region", value.source_id)].values["code"]
            return code
        pk = self.target(value.kind, value.source_id)
        if pk is not None:
            return pk
        if (value.kind, value.source_id) in self.records:
            return value
        if value.kind == "region" and self.add_region(value.source_id):
            return value
        if planned.kind == "taxonomy_term" and value.kind == "taxonomy_term":
            self.report.warn(planned.origin, name, _("Unknown broader term: not imported."))
            return None
        if planned.kind == "taxonomy_term" and value.kind == "taxonomy":
            label = planned.extra.get("taxonomy_slug") or "imported"
            slug = slugify(label)[:50] or "imported"
            key = ("taxonomy", f"taxonomy:{slug}")
            if key not in self.records:
                self.records[key] = Planned(
                    "taxonomy",
                    key[1],
                    planned.origin,
                    values={"name_en": label},
                    create_only={"slug": slug},
                )
            self.report.warn(
                planned.origin, name, _("Unknown taxonomy: the term's taxonomy name is used.")
            )
            return self.resolve(Ref("taxonomy", key[1]), planned, name)
        fallback = planned.extra.get("organization_fallback")
        if value.kind == "organization" and fallback and fallback != value.source_id:
            self.report.warn(
                planned.origin, name, _("Unknown organization: the service's is used instead.")
            )
            return self.resolve(Ref("organization", fallback), planned, name)
        self.report.error(
            planned.origin,
            name,
            _("%(kind)s %(id)s is neither in this import nor in the directory.")
            % {"kind": value.kind.replace("_", " ").capitalize(), "id": value.source_id},
        )
        return None

    # --- the plan -------------------------------------------------------------------
    def plan(self) -> Plan:
        plan = Plan()
        # Resolving may add regions, so resolve everything before ordering.
        resolved = {}
        while len(resolved) < len(self.records):
            for key, planned in list(self.records.items()):
                if key in resolved:
                    continue
                resolved[key] = {
                    "values": {n: self.resolve(v, planned, n) for n, v in planned.values.items()},
                    "extra": {
                        n: self.resolve(v, planned, n)
                        for n, v in planned.extra.items()
                        if n in EXTRA_FIELDS
                    },
                }
        keys = sorted(self.records, key=self._order)
        instances = self._load(keys)
        for key in keys:
            planned = self.records[key]
            step = self.step(planned, resolved[key], instances.get(key))
            if step is None:
                plan.count(planned.kind, "unchanged")
            else:
                plan.count(planned.kind, "created" if step.action == "create" else "changed")
                plan.steps.append(step)
        return plan

    def _order(self, key):
        kind, source_id = key
        depth = 0
        if kind in ("taxonomy_term", "region"):
            seen, current = set(), self.records[key]
            while depth < 20:
                parent = current.values.get("parent_id")
                if not isinstance(parent, Ref) or (kind, parent.source_id) not in self.records:
                    break
                if parent.source_id in seen:
                    break
                seen.add(parent.source_id)
                current = self.records[(kind, parent.source_id)]
                depth += 1
        return (ORDER.index(kind), depth)

    def _load(self, keys) -> dict:
        by_kind = {}
        for kind, source_id in keys:
            pk = self.target(kind, source_id)
            if pk is not None:
                by_kind.setdefault(kind, {})[pk] = (kind, source_id)
        instances = {}
        for kind, wanted in by_kind.items():
            manager = MODELS[kind]._default_manager
            pks = list(wanted)
            for start in range(0, len(pks), 500):
                chunk = manager.in_bulk(pks[start : start + 500])
                for pk, instance in chunk.items():
                    instances[wanted[pk]] = instance
                if kind in SPECS:
                    # Their current values, each collection read once for the chunk.
                    records = list(chunk.values())
                    snapshots = spec_for(kind).snapshots(records)
                    for instance, values in zip(records, snapshots, strict=True):
                        self.snapshots[(kind, instance.pk)] = values
        return instances

    def current_values(self, kind: str, instance) -> dict:
        if kind in SPECS:
            values = self.snapshots.pop((kind, instance.pk), None)
            if values is None:
                values = spec_for(kind).snapshot(instance)
        else:
            values = {name: getattr(instance, name) for name in REFERENCE_FIELDS[kind]}
            for base in TRANSLATED_REFERENCE.get(kind, []):
                for column in _columns(base):
                    values[column] = getattr(instance, column)
        for name in EXTRA_FIELDS:
            if hasattr(instance, name):
                value = getattr(instance, name)
                values[name] = value.isoformat() if hasattr(value, "isoformat") else value
        return values

    def step(self, planned: Planned, resolved: dict, instance) -> Step | None:
        values = dict(resolved["values"])
        extra = dict(resolved["extra"])
        if planned.kind == "location":
            self._region_label(values, planned)
        current = self.current_values(planned.kind, instance) if instance is not None else {}
        if "translation_status" in extra:
            marks = dict(current.get("translation_status") or {})
            for language, status in extra["translation_status"].items():
                if status:
                    marks[language] = status
                else:
                    marks.pop(language, None)
            extra["translation_status"] = marks
        for name in MIXED & set(values):
            values[name] = _keep_other_languages(
                current.get(name) or [], values[name], planned.languages
            )
        if planned.kind in ("taxonomy", "taxonomy_term") and instance is None:
            values.update(planned.create_only)
        if isinstance(values.get("terms"), list) and all(
            isinstance(t, int) for t in values["terms"]
        ):
            values["terms"] = sorted(values["terms"])
        wanted = {**values, **extra}
        if planned.kind == "service" and instance is not None and "assurer_id" in wanted:
            # No assurer means the provider: both read "verified by" the organisation.
            provider = wanted.get("organization_id", current.get("organization_id"))
            if {wanted["assurer_id"], current.get("assurer_id")} <= {None, provider}:
                wanted["assurer_id"] = current.get("assurer_id")
        if instance is None:
            wanted.update(planned.create_only)
            self.validate(planned, None, wanted)
            return Step(
                planned.kind,
                planned.source_id,
                "create",
                None,
                ref_json(wanted),
                {},
                " ".join(planned.origin).strip(),
            )
        changes = {k: v for k, v in wanted.items() if not _same(current.get(k), v)}
        if not changes:
            return None
        self.validate(planned, instance, changes)
        return Step(
            planned.kind,
            planned.source_id,
            "edit",
            instance.pk,
            ref_json(changes),
            {k: current.get(k) for k in changes},
            " ".join(planned.origin).strip(),
        )

    def _region_label(self, values: dict, planned: Planned) -> None:
        """The export shows the region's name when no public area is described."""
        region = values.get("region_id")
        for language in planned.languages:
            column = f"region_label_{language.replace('-', '_')}"
            if column not in values:
                continue
            if isinstance(region, int):
                obj = self._region(region)
                name = _display(obj, language) if obj else None
            else:
                name = _display(Region(code=region.source_id.upper(), kind="country"), language)
                if "-" in region.source_id:
                    name = _display(
                        Region(code=region.source_id.upper(), kind="subdivision"), language
                    )
            if values[column] == name:
                values[column] = ""

    def _region(self, pk: int) -> Region | None:
        if pk not in self.regions:
            self.regions[pk] = Region.objects.filter(pk=pk).first()
        return self.regions[pk]

    def validate(self, planned: Planned, instance, values: dict) -> None:
        model = MODELS[planned.kind]
        instance = instance if instance is not None else unsaved(model)
        skip = set()
        for name, value in values.items():
            try:
                django_field = model._meta.get_field(name.removesuffix("_id"))
            except FieldDoesNotExist:
                continue  # a collection or an extra, not a column
            if not django_field.concrete:
                continue  # a collection named like a relation (languages, cost_options)
            if _has_ref(value) or django_field.many_to_many:
                skip.add(django_field.name)
                continue
            if django_field.is_relation:
                setattr(instance, django_field.attname, value)
                if self._exists(django_field.related_model, value):
                    skip.add(django_field.name)  # known to exist: no query per record
            else:
                try:
                    setattr(instance, django_field.attname, django_field.to_python(value))
                except ValidationError as error:
                    self._errors(planned, {django_field.name: error.messages})
                    skip.add(django_field.name)
        skip |= {
            f.name
            for f in model._meta.fields
            if f.is_relation and getattr(instance, f.attname, None) is None
        }
        try:
            instance.full_clean(
                exclude=sorted(skip), validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            self._errors(planned, error.message_dict)

    def _exists(self, model, pk) -> bool:
        kind = KINDS.get(model)
        return kind is not None and isinstance(pk, int) and self.matcher.exists(kind, pk)

    def _errors(self, planned: Planned, messages: dict) -> None:
        for name, texts in messages.items():
            for text in texts:
                self.report.error(planned.origin, name, text)


def _display(region, language):
    with translation.override(language):
        return region.display_name


def _has_ref(value) -> bool:
    if isinstance(value, Ref):
        return True
    if isinstance(value, list):
        return any(_has_ref(v) for v in value)
    return False


def _columns(base: str) -> list[str]:
    from apps.curation.registry import LANGUAGE_SUFFIXES

    return [f"{base}_{suffix}" for suffix in LANGUAGE_SUFFIXES]


def _keep_other_languages(current: list, rows: list, languages: set) -> list:
    """A collection read in some languages keeps the other languages' text, by position."""
    mine = {language.replace("-", "_") for language in languages}
    merged = []
    for index, row in enumerate(rows):
        old = current[index] if index < len(current) else None
        out = []
        for position, part in enumerate(row):
            if isinstance(part, dict) and old is not None and isinstance(old[position], dict):
                kept = {
                    k: v
                    for k, v in old[position].items()
                    if not any(k.endswith(f"_{suffix}") for suffix in mine)
                }
                out.append({**kept, **part})
            else:
                out.append(part)
        merged.append(out)
    return merged


def plan_records(records: dict, report: Report) -> Plan:
    return Planner(records, report).plan()
