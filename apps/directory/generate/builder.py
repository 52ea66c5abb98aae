"""Build a large fictional directory in memory and insert it in bulk (issue #9).

Rows are built in Python from one seeded ``random.Random`` (the same seed gives the same
directory; dates are relative to ``today``) and written a chunk of services at a time,
with COPY on PostgreSQL and ``bulk_create`` elsewhere, inside one transaction, so a
failed run leaves nothing behind. No ``save()`` or ``full_clean()`` per row: the tests
validate the output instead. Reference data (regions, taxonomies, languages) is added
where missing and reused where it exists, so this runs on an empty database or on one
with the demo loaded. Every organisation is ``is_demo``: the site shows its banner.
"""

import datetime as dt
import random
import string
import time
from collections import Counter
from dataclasses import dataclass, field
from operator import attrgetter

from django.conf import settings
from django.db import connection, transaction
from django.db.models import JSONField
from django.utils import timezone, translation
from psycopg.types.json import Jsonb

from apps.directory.models import (
    Channel,
    CostOption,
    Location,
    OpeningPeriod,
    Organization,
    ScheduleException,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceLanguage,
    Taxonomy,
)
from apps.directory.models.organizations import PublicationStatus
from apps.directory.statistics import analyze_listings

from .contents import ListingContents, new_row
from .places import COUNTRIES
from .reference import ReferenceData, RegionInfo, column
from .vocabulary import EXPLOITATION_CODES, POPULATION_CODES, TYPE_CODES, VOCABULARIES

DEFAULT_SEED = 20260901
MAX_SERVICES = 1_000_000
CHUNK = 2_000  # services built and inserted together
BATCH = 1_000  # rows per INSERT statement

TYPE_WEIGHTS = (10, 12, 8, 14, 10, 10, 6, 14, 12, 4)  # in TYPE_CODES order
STATUS_WEIGHTS = {
    PublicationStatus.PUBLISHED: 94,
    PublicationStatus.DRAFT: 4,
    PublicationStatus.ARCHIVED: 2,
}


@dataclass
class _Org:
    pk: int
    country: str
    home: RegionInfo
    brand: int
    host: str
    published: bool
    public_locations: dict = field(default_factory=dict)


@dataclass
class GenerationReport:
    counts: Counter
    seconds: float

    @property
    def rate(self) -> float:
        return self.counts["service"] / self.seconds if self.seconds else 0.0


def generate_directory(
    *,
    services: int,
    seed: int = DEFAULT_SEED,
    organizations: int | None = None,
    countries: list[str] | None = None,
    today: dt.date | None = None,
    progress=None,
) -> GenerationReport:
    """Add a fictional directory of ``services`` services; returns what was created."""
    if not 1 <= services <= MAX_SERVICES:
        raise ValueError(f"services must be between 1 and {MAX_SERVICES}")
    organizations = organizations or max(1, round(services / 4))
    if not 1 <= organizations <= services:
        raise ValueError("organizations must be between 1 and the number of services")
    unknown = set(countries or ()) - COUNTRIES.keys()
    if unknown:
        raise ValueError(f"no fictional phone ranges for {', '.join(sorted(unknown))}")
    started = time.monotonic()
    builder = _Builder(
        random.Random(seed),
        [COUNTRIES[c] for c in (countries or COUNTRIES)],
        today or timezone.localdate(),
    )
    # modeltranslation writes an untranslated field ("name") to the active language's
    # column: with English active, that is the default language's, as it expects.
    with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE), transaction.atomic():
        builder.reference_data()
        builder.organizations(organizations)
        for start in range(0, services, CHUNK):
            builder.services(min(CHUNK, services - start))
            if progress:
                progress(builder.counts["service"], services)
        from apps.interchange.hsds.stored import changed

        changed()  # bulk inserts send no signals: the stored HSDS documents are stale
    analyze_listings()
    return GenerationReport(builder.counts, time.monotonic() - started)


class _Builder(ReferenceData, ListingContents):
    def __init__(self, rng, countries, today):
        self.rng = rng
        self.countries = countries
        self.country_weights = [c.weight for c in countries]
        self.today = today
        self.counts = Counter()
        self.help_now = Counter()
        self.location_number = 0

    # --- reference data: added where missing, reused where present --------------------
    def organizations(self, count):
        rng, rows, self.orgs = self.rng, [], []
        for _ in range(count):
            country = rng.choices(self.countries, self.country_weights)[0]
            home = rng.choice(self.homes[country.code])
            brand = rng.randrange(len(VOCABULARIES["en"].brands))
            host = "".join(rng.choices(string.ascii_lowercase, k=8)) + ".example.org"
            published = rng.random() < 0.98
            city = self._city(home)
            fields = {}
            extras = rng.sample(range(len(VOCABULARIES["en"].extras)), 2)
            for language in self._content_languages(country):
                v = VOCABULARIES[language]
                if language == "zh-hans":
                    name = f"{city}{v.brands[brand]}{v.fictional}"
                else:
                    name = f"{v.brands[brand]} {city} {v.fictional}"
                fields[column("name", language)] = name
                fields[column("description", language)] = v.offer.format(
                    extra=v.extras[extras[0]], extra2=v.extras[extras[1]]
                )
            rows.append(
                new_row(
                    Organization,
                    name=fields["name_en"],
                    description=fields["description_en"],
                    website=f"https://{host}/",
                    email=f"contact@{host}",
                    status=PublicationStatus.PUBLISHED if published else PublicationStatus.DRAFT,
                    is_demo=True,
                    **fields,
                )
            )
            self.orgs.append(_Org(0, country.code, home, brand, host, published))
        for org, row in zip(self.orgs, self._insert(Organization, rows), strict=True):
            org.pk = row.pk
        # Every organisation has a service; a few large ones have many.
        self.org_queue = list(range(count))
        self.org_weights = [rng.paretovariate(1.5) for _ in range(count)]

    def _next_org(self) -> _Org:
        if self.org_queue:
            return self.orgs[self.org_queue.pop()]
        return self.rng.choices(self.orgs, self.org_weights)[0]

    # --- services, in chunks ------------------------------------------------------------

    def services(self, count):
        plans = [self._plan(self._next_org()) for _ in range(count)]
        services = self._insert(Service, [p.service for p in plans])
        areas, spoken, terms, costs, sals, channels = [], [], [], [], [], []
        new_locations = {}
        for plan, service in zip(plans, services, strict=True):
            pk = service.pk
            for row in plan.areas + plan.spoken + plan.costs:
                row.service_id = pk
            areas += plan.areas
            spoken += plan.spoken
            costs += plan.costs
            terms += [Service.terms.through(service_id=pk, taxonomyterm_id=t) for t in plan.terms]
            if plan.location is not None:
                # Compared by identity: unsaved instances are all "equal" to Django.
                if plan.location.pk is None and id(plan.location) not in new_locations:
                    new_locations[id(plan.location)] = plan.location
                sals.append((plan.location, new_row(ServiceAtLocation, service_id=pk)))
            for channel in plan.channels:
                channel.row.service_id = pk
                channels.append(channel)
        self._insert(Location, list(new_locations.values()))
        for location, sal in sals:
            sal.location_id = location.pk
        for channel in channels:
            if channel.location is not None:
                channel.row.location_id = channel.location.pk
        self._insert(ServiceArea, areas)
        self._insert(ServiceLanguage, spoken)
        self._insert(Service.terms.through, terms)
        self._insert(CostOption, costs)
        self._insert(ServiceAtLocation, [sal for _location, sal in sals])
        self._insert(Channel, [c.row for c in channels])
        languages, periods, exceptions = [], [], []
        for channel in channels:
            pk = channel.row.pk
            languages += [
                Channel.languages.through(channel_id=pk, language_id=lang)
                for lang in channel.languages
            ]
            periods += [
                new_row(OpeningPeriod, channel_id=pk, weekday=day, opens=opens, closes=closes)
                for days, opens, closes in channel.hours
                for day in days
            ]
            if channel.exception is not None:
                channel.exception.channel_id = pk
                exceptions.append(channel.exception)
        self._insert(Channel.languages.through, languages)
        self._insert(OpeningPeriod, periods)
        self._insert(ScheduleException, exceptions)

    def _insert(self, model, rows):
        if rows:
            if connection.vendor == "postgresql":
                _copy(model, rows, with_keys=model in KEYED)
            else:
                model.objects.bulk_create(rows, batch_size=BATCH)
            self.counts[model._meta.model_name] += len(rows)
        return rows

    def _plan(self, org: _Org) -> "_Plan":
        rng = self.rng
        country = COUNTRIES[org.country]
        types = rng.choices(TYPE_CODES, TYPE_WEIGHTS, k=1 + (rng.random() < 0.3))
        types = list(dict.fromkeys(types))
        populations = rng.sample(POPULATION_CODES, rng.choice((1, 1, 2, 2, 3)))
        exploitation = rng.sample(EXPLOITATION_CODES, rng.choice((1, 1, 2, 3)))
        area, areas = self._areas(org, types[0])
        place = area or org.home
        status = rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))[0]
        languages = self._content_languages(country)
        fields = self._texts(languages, org, types, populations, exploitation, place)
        assured = None
        if rng.random() < 0.9:
            assured = self.today - dt.timedelta(days=rng.randrange(600))
        machine = [c for c in languages if c != "en" and c not in country.interface_languages]
        service = new_row(
            Service,
            organization_id=org.pk,
            status=status,
            is_free=rng.random() < 0.78,
            time_zone=place.time_zone,
            holiday_region_id=place.holiday_pk,
            assured_date=assured,
            assurer_id=org.pk if assured and rng.random() < 0.7 else None,
            verify_by=assured + dt.timedelta(days=rng.choice((180, 365))) if assured else None,
            translation_status={c: "machine" for c in machine if rng.random() < 0.6},
            name=fields["name_en"],
            description=fields["description_en"],
            **fields,
        )
        terms = [self.terms[Taxonomy.SERVICE_TYPE][t] for t in types]
        terms += [self.terms[Taxonomy.POPULATION][p] for p in populations]
        terms += [self.terms[Taxonomy.TRAFFICKING_TYPE][e] for e in exploitation]
        terms += [pk for pk in self.terms[Taxonomy.TRUST].values() if rng.random() < 0.35]
        spoken = self._spoken(country)
        location = self._location(org, place, types[0])
        costs = []
        if rng.random() < 0.15:
            costs.append(self._cost(country, languages))
        channels = self._channels(org, place, types[0], spoken, location, area, status)
        return _Plan(
            service=service,
            areas=areas,
            spoken=[
                new_row(
                    ServiceLanguage, language_id=self.languages[code], through_interpreter=interp
                )
                for code, interp in spoken
            ],
            terms=terms,
            costs=costs,
            location=location,
            channels=channels,
        )


# Rows other rows point to: their primary keys are needed before the next insert.
KEYED = {Organization, Service, Location, Channel}


def _copy(model, rows, *, with_keys):
    """Insert with PostgreSQL's COPY, several times faster than INSERT for wide rows.

    Keys, where needed, are drawn from the table's sequence first. Values go in as the
    instances hold them, bar two kinds of field this generator fills: JSON and auto_now.
    Triggers still fire (COPY runs statement-level AFTER INSERT triggers like INSERT does).
    """
    meta = model._meta
    fields = [f for f in meta.concrete_fields if f is not meta.pk or with_keys]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if with_keys:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(rows)],
            )
            for row, (key,) in zip(rows, cursor.fetchall(), strict=True):
                row.pk = key
        now = timezone.now()
        special = {}
        for index, f in enumerate(fields):
            if isinstance(f, JSONField):
                special[index] = Jsonb
            elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                special[index] = lambda _value: now
        values = attrgetter(*[f.attname for f in fields])
        columns = ", ".join(quote(f.column) for f in fields)
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for row in rows:
                record = list(values(row))
                for index, convert in special.items():
                    record[index] = convert(record[index])
                copy.write_row(record)


@dataclass
class _Plan:
    service: Service
    areas: list
    spoken: list
    terms: list
    costs: list
    location: Location | None
    channels: list
