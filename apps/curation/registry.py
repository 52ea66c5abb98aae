"""Which records are curated, and how each is turned into plain values and back.

A proposal carries field name → value for every concrete editable field (each language
column separately) plus a few collections (hours, languages, areas, attributes) that
belong to the record. ``snapshot`` and ``apply`` are the two directions.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import models

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
        values = {f.attname: to_plain(getattr(instance, f.attname)) for f in self.fields()}
        for name, (read, _write) in self.collections.items():
            values[name] = read(instance)
        return values

    def apply(self, instance, changes: dict) -> None:
        """Write changes onto the instance and save it, collections last."""
        by_attname = {f.attname: f for f in self.fields()}
        for name, value in changes.items():
            if name in by_attname:
                setattr(instance, name, by_attname[name].to_python(value))
        instance.full_clean()
        instance.save()
        for name, (_read, write) in self.collections.items():
            if name in changes:
                write(instance, changes[name])


# --- collections ----------------------------------------------------------------------


def _terms_read(service):
    return sorted(service.terms.values_list("pk", flat=True))


def _terms_write(service, ids):
    service.terms.set(ids)


def _languages_read(service):
    rows = service.service_languages.select_related("language").order_by("language__code")
    return [[row.language.code, row.through_interpreter] for row in rows]


def _languages_write(service, rows):
    service.service_languages.all().delete()
    for code, interpreter in rows:
        language, _created = Language.objects.get_or_create(code=code)
        ServiceLanguage.objects.create(
            service=service, language=language, through_interpreter=bool(interpreter)
        )


def _areas_read(service):
    return sorted(
        (area.region.code if area.region_id else "*")
        for area in service.areas.select_related("region")
    )


def _areas_write(service, codes):
    service.areas.all().delete()
    for code in codes:
        if code == "*":
            ServiceArea.objects.create(service=service, scope=ServiceArea.Scope.INTERNATIONAL)
        else:
            ServiceArea.objects.create(
                service=service,
                scope=ServiceArea.Scope.REGION,
                region=Region.objects.get(code=code),
            )


def _channel_languages_read(channel):
    return sorted(channel.languages.values_list("code", flat=True))


def _channel_languages_write(channel, codes):
    channel.languages.set([Language.objects.get_or_create(code=c)[0] for c in codes])


def _periods_read(channel):
    return [
        [p.weekday, p.opens.isoformat(), p.closes.isoformat()]
        for p in channel.periods.order_by("weekday", "opens")
    ]


def _periods_write(channel, rows):
    channel.periods.all().delete()
    for weekday, opens, closes in rows:
        period = OpeningPeriod(
            channel=channel,
            weekday=weekday,
            opens=dt.time.fromisoformat(opens),
            closes=dt.time.fromisoformat(closes),
        )
        period.full_clean()
        period.save()


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
        for e in channel.exceptions.order_by("date")
    ]


def _exceptions_write(channel, rows):
    channel.exceptions.all().delete()
    # Rows recorded before notes travelled have four items.
    for day, closed, opens, closes, *notes in rows:
        ScheduleException.objects.create(
            channel=channel,
            date=dt.date.fromisoformat(day),
            closed=closed,
            opens=opens and dt.time.fromisoformat(opens),
            closes=closes and dt.time.fromisoformat(closes),
            **(notes[0] if notes else {}),
        )


def _locations_read(service):
    return [
        [link.location_id, _texts(link, "description")]
        for link in service.service_at_locations.order_by("pk")
    ]


def _locations_write(service, rows):
    service.service_at_locations.all().delete()
    for location_id, descriptions in rows:
        ServiceAtLocation.objects.create(service=service, location_id=location_id, **descriptions)


def _cost_options_read(service):
    return [
        [_texts(cost, "option"), to_plain(cost.amount), cost.currency]
        for cost in service.cost_options.order_by("pk")
    ]


def _cost_options_write(service, rows):
    service.cost_options.all().delete()
    for options, amount, currency in rows:
        cost = CostOption(
            service=service,
            amount=None if amount is None else Decimal(amount),
            currency=currency or "",
            **options,
        )
        cost.full_clean(exclude=["service"])
        cost.save()


SPECS = {
    spec.name: spec
    for spec in (
        Spec(Organization, "self", contact_fields={"website", "email"}),
        Spec(
            Service,
            "organization",
            collections={
                "terms": (_terms_read, _terms_write),
                "languages": (_languages_read, _languages_write),
                "areas": (_areas_read, _areas_write),
                "locations": (_locations_read, _locations_write),
                "cost_options": (_cost_options_read, _cost_options_write),
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
                "languages": (_channel_languages_read, _channel_languages_write),
                "periods": (_periods_read, _periods_write),
                "exceptions": (_exceptions_read, _exceptions_write),
            },
        ),
    )
}


def spec_for(model_or_name) -> Spec:
    name = model_or_name if isinstance(model_or_name, str) else model_or_name._meta.model_name
    return SPECS[name]
