"""Which records are curated, and how each is turned into plain values and back.

A proposal carries field name → value for every concrete editable field (each language
column separately) plus a few collections (hours, languages, areas, attributes) that
belong to the record. ``snapshot`` and ``apply`` are the two directions.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import prefetch_related_objects

from apps.directory.models import (
    Channel,
    CostOption,
    Language,
    Location,
    OpeningPeriod,
    Organization,
    Region,
    ScheduleException,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceLanguage,
)
from apps.directory.translation import unsaved

LANGUAGE_SUFFIXES = [code.replace("-", "_") for code, _name in settings.LANGUAGES]
# Never proposed directly: status moves through create/archive/restore proposals, and
# verification through service_confirm.
NOT_PROPOSED = {
    "id",
    "status",
    "last_modified",
    "is_demo",
    "assured_date",
    "assurer",
    "verify_by",
    "translation_status",
}


def to_plain(value):
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


class Lookups:
    """Languages and regions by code, each looked up once per write (an import writes
    thousands of rows naming the same few)."""

    def __init__(self):
        self._languages: dict[str, int] = {}
        self._regions: dict[str, int] = {}

    def language(self, code: str) -> int:
        if code not in self._languages:
            self._languages[code] = Language.objects.get_or_create(code=code)[0].pk
        return self._languages[code]

    def region(self, code: str) -> int:
        if code not in self._regions:
            self._regions[code] = Region.objects.values_list("pk", flat=True).get(code=code)
        return self._regions[code]


@dataclass(frozen=True)
class Collection:
    """Rows that belong to a record (its hours, its languages, ...), replaced as a whole.

    ``read`` turns the record's rows into plain values and reads them through ``prefetch``
    (so a batch of records is read in one query per collection); ``rows`` builds the
    unsaved rows for plain values. ``model`` is the rows' model (the through model of a
    many-to-many) and ``parent`` its foreign key to the record.
    """

    model: type[models.Model]
    parent: str
    prefetch: str
    read: Callable
    rows: Callable

    def write(self, instance, value, lookups: Lookups) -> None:
        self.model._default_manager.filter(**{self.parent: instance}).delete()
        self.model._default_manager.bulk_create(self.rows(instance, value, lookups))


@dataclass
class Spec:
    model: type[models.Model]
    organization_field: str
    # Changing any of these needs a coordinator (SR-6); language columns included.
    contact_fields: set[str] = field(default_factory=set)
    collections: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.model._meta.model_name

    def fields(self) -> list[models.Field]:
        return [
            f
            for f in self.model._meta.concrete_fields
            if f.name not in NOT_PROPOSED
            and f.editable
            and not f.primary_key
            # modeltranslation's virtual "name" field proxies the language columns.
            and f.name not in self.translated_base_names()
        ]

    def translated_base_names(self) -> set[str]:
        from modeltranslation.translator import NotRegistered, translator

        try:
            return set(translator.get_options_for_model(self.model).fields)
        except NotRegistered:
            return set()

    def field_names(self) -> list[str]:
        return [f.attname for f in self.fields()] + list(self.collections)

    def organization_of(self, instance) -> Organization:
        if self.organization_field == "self":
            return instance
        for step in self.organization_field.split("."):
            instance = getattr(instance, step)
        return instance

    def organization_id_from(self, changes: dict, instance=None) -> int | None:
        if instance is not None:
            return self.organization_of(instance).pk
        if self.organization_field == "self":
            return None
        path = self.organization_field
        if path == "organization":
            return changes.get("organization_id")
        if path == "service.organization":
            service = Service.objects.filter(pk=changes.get("service_id")).first()
            return service.organization_id if service else None
        return None

    def is_contact_field(self, name: str) -> bool:
        base = name.removesuffix("_id")
        for suffix in LANGUAGE_SUFFIXES:
            base = base.removesuffix(f"_{suffix}")
        return base in self.contact_fields

    def snapshot(self, instance) -> dict:
        return self.snapshots([instance])[0]

    def snapshots(self, instances: list) -> list[dict]:
        """Each record's plain values, collections included; a batch of records is read
        in one query per collection. Read afresh: whatever was loaded before is dropped."""
        for instance in instances:
            instance.__dict__.pop("_prefetched_objects_cache", None)
        prefetch_related_objects(instances, *(c.prefetch for c in self.collections.values()))
        fields = self.fields()
        snapshots = []
        for instance in instances:
            values = {f.attname: to_plain(getattr(instance, f.attname)) for f in fields}
            for name, collection in self.collections.items():
                values[name] = collection.read(instance)
            instance.__dict__.pop("_prefetched_objects_cache", None)
            snapshots.append(values)
        return snapshots

    def assign(self, instance, changes: dict, *, exclude=()) -> None:
        """Write changes onto the instance, unsaved, and validate it."""
        by_attname = {f.attname: f for f in self.fields()}
        for name, value in changes.items():
            if name in by_attname:
                setattr(instance, name, by_attname[name].to_python(value))
        instance.full_clean(exclude=exclude)

    def apply(self, instance, changes: dict, lookups: Lookups | None = None) -> None:
        """Write changes onto the instance and save it, collections last."""
        self.assign(instance, changes)
        instance.save()
        lookups = lookups or Lookups()
        for name, collection in self.collections.items():
            if name in changes:
                collection.write(instance, changes[name], lookups)


# --- collections ----------------------------------------------------------------------


def _terms_read(service):
    return sorted(term.pk for term in service.terms.all())


def _terms_rows(service, ids, lookups):
    return [Service.terms.through(service=service, taxonomyterm_id=pk) for pk in dict.fromkeys(ids)]


def _languages_read(service):
    return sorted(
        [row.language.code, row.through_interpreter] for row in service.service_languages.all()
    )


def _languages_rows(service, rows, lookups):
    return [
        ServiceLanguage(
            service=service,
            language_id=lookups.language(code),
            through_interpreter=bool(interpreter),
        )
        for code, interpreter in rows
    ]


def _areas_read(service):
    return sorted(area.code for area in service.areas.all())


def _areas_rows(service, codes, lookups):
    return [
        ServiceArea(service=service, scope=ServiceArea.Scope.INTERNATIONAL)
        if code == ServiceArea.ANYWHERE
        else ServiceArea(
            service=service, scope=ServiceArea.Scope.REGION, region_id=lookups.region(code)
        )
        for code in codes
    ]


def _channel_languages_read(channel):
    return sorted(language.code for language in channel.languages.all())


def _channel_languages_rows(channel, codes, lookups):
    return [
        Channel.languages.through(channel=channel, language_id=lookups.language(code))
        for code in dict.fromkeys(codes)
    ]


def _periods_read(channel):
    periods = sorted(channel.periods.all(), key=lambda p: (p.weekday, p.opens))
    return [[p.weekday, p.opens.isoformat(), p.closes.isoformat()] for p in periods]


def _periods_rows(channel, rows, lookups):
    periods = []
    for weekday, opens, closes in rows:
        period = OpeningPeriod(
            channel=channel,
            weekday=weekday,
            opens=dt.time.fromisoformat(opens),
            closes=dt.time.fromisoformat(closes),
        )
        # The channel is the record being written; clean() states the constraint's rule.
        period.full_clean(exclude=["channel"], validate_constraints=False)
        periods.append(period)
    return periods


def _texts(instance, field: str) -> dict:
    """A translated field's non-empty language columns, e.g. {"note_en": "..."}."""
    columns = (f"{field}_{suffix}" for suffix in LANGUAGE_SUFFIXES)
    return {c: getattr(instance, c) for c in columns if getattr(instance, c, None)}


def _exceptions_read(channel):
    return [
        [
            e.date.isoformat(),
            e.closed,
            e.opens and e.opens.isoformat(),
            e.closes and e.closes.isoformat(),
            _texts(e, "note"),
        ]
        for e in sorted(channel.exceptions.all(), key=lambda e: e.date)
    ]


def _exceptions_rows(channel, rows, lookups):
    # Rows recorded before notes travelled have four items.
    return [
        unsaved(
            ScheduleException,
            channel=channel,
            date=dt.date.fromisoformat(day),
            closed=closed,
            opens=opens and dt.time.fromisoformat(opens),
            closes=closes and dt.time.fromisoformat(closes),
            **(notes[0] if notes else {}),
        )
        for day, closed, opens, closes, *notes in rows
    ]


def _locations_read(service):
    return [
        [link.location_id, _texts(link, "description")]
        for link in sorted(service.service_at_locations.all(), key=lambda link: link.pk)
    ]


def _locations_rows(service, rows, lookups):
    return [
        unsaved(ServiceAtLocation, service=service, location_id=location_id, **descriptions)
        for location_id, descriptions in rows
    ]


def _cost_options_read(service):
    return [
        [_texts(cost, "option"), to_plain(cost.amount), cost.currency]
        for cost in sorted(service.cost_options.all(), key=lambda cost: cost.pk)
    ]


def _cost_options_rows(service, rows, lookups):
    costs = []
    for options, amount, currency in rows:
        cost = unsaved(
            CostOption,
            service=service,
            amount=None if amount is None else Decimal(amount),
            currency=currency or "",
            **options,
        )
        cost.full_clean(exclude=["service"])  # the service is the record being written
        costs.append(cost)
    return costs


SPECS = {
    spec.name: spec
    for spec in (
        Spec(Organization, "self", contact_fields={"website", "email"}),
        Spec(
            Service,
            "organization",
            collections={
                "terms": Collection(
                    Service.terms.through, "service", "terms", _terms_read, _terms_rows
                ),
                "languages": Collection(
                    ServiceLanguage,
                    "service",
                    "service_languages__language",
                    _languages_read,
                    _languages_rows,
                ),
                "areas": Collection(
                    ServiceArea, "service", "areas__region", _areas_read, _areas_rows
                ),
                "locations": Collection(
                    ServiceAtLocation,
                    "service",
                    "service_at_locations",
                    _locations_read,
                    _locations_rows,
                ),
                "cost_options": Collection(
                    CostOption, "service", "cost_options", _cost_options_read, _cost_options_rows
                ),
            },
        ),
        Spec(
            Location,
            "organization",
            contact_fields={
                "visibility",
                "address_1",
                "city",
                "postal_code",
                "latitude",
                "longitude",
                "region",
                "region_label",
                "name",
            },
        ),
        Spec(
            Channel,
            "service.organization",
            contact_fields={"kind", "number", "url", "email", "location", "service"},
            collections={
                "languages": Collection(
                    Channel.languages.through,
                    "channel",
                    "languages",
                    _channel_languages_read,
                    _channel_languages_rows,
                ),
                "periods": Collection(
                    OpeningPeriod, "channel", "periods", _periods_read, _periods_rows
                ),
                "exceptions": Collection(
                    ScheduleException, "channel", "exceptions", _exceptions_read, _exceptions_rows
                ),
            },
        ),
    )
}


def spec_for(model_or_name) -> Spec:
    name = model_or_name if isinstance(model_or_name, str) else model_or_name._meta.model_name
    return SPECS[name]
