"""What one generated listing contains: texts, areas, places, channels and hours."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from apps.directory.models import (
    Channel,
    CostOption,
    Location,
    Region,
    ScheduleException,
    ServiceArea,
)
from apps.directory.models.organizations import PublicationStatus

from .places import COUNTRIES, phone_number
from .reference import INTERFACE, RegionInfo, column
from .vocabulary import VOCABULARIES

Kind = Channel.Kind
Visibility = Location.Visibility
HOUSING = {"emergency-housing", "housing"}
DEFAULT_LANGUAGE = settings.MODELTRANSLATION_DEFAULT_LANGUAGE


def _t(hour, minute=0):
    return dt.time(hour, minute)


WEEKDAYS, EVERY_DAY = range(5), range(7)
# Weekly hours; a closing time not after the opening time runs past midnight.
HOURS = (
    (30, [(WEEKDAYS, _t(9), _t(17))]),
    (15, [(WEEKDAYS, _t(9, 30), _t(17, 30))]),
    (12, [(WEEKDAYS, _t(8), _t(20)), ([5], _t(10), _t(16))]),
    (10, [(EVERY_DAY, _t(9), _t(21))]),
    (8, [(WEEKDAYS, _t(18), _t(2))]),
    (5, [(EVERY_DAY, _t(20), _t(8))]),
    (10, [([0, 2, 4], _t(10), _t(13)), ([1, 3], _t(14), _t(18))]),
    (10, [([2], _t(14), _t(18))]),
)


def _separator(language: str) -> str:
    return {"zh-hans": "、", "ar": "، ", "fa": "، "}.get(language, ", ")


class ListingContents:
    """Mixin: builds one listing's rows from ``self.rng``; nothing here touches the database."""

    def _content_languages(self, country) -> list[str]:
        """English and the local languages, often some others, on a third of rows all 12."""
        local = ["en", *country.interface_languages]
        roll = self.rng.random()
        if roll < 0.35:
            return list(INTERFACE)
        if roll < 0.75:
            others = [c for c in INTERFACE if c not in local]
            return local + self.rng.sample(others, self.rng.randint(2, 5))
        return local

    def _city(self, region: RegionInfo) -> str:
        if region.city:
            return region.city
        localities = region.localities or self.localities[region.country]
        return self.rng.choice(localities).city

    def _areas(self, org, kind):
        """The service area rows, and the region the service is based in (None: worldwide)."""
        rng, roll = self.rng, self.rng.random()
        worldwide, national = (0.02, 0.5) if kind == "hotline" else (0.002, 0.05)
        if roll < worldwide:
            return None, [new_row(ServiceArea, scope=ServiceArea.Scope.INTERNATIONAL)]
        if roll < worldwide + national:
            region = self.regions[org.country]
        elif kind == "hotline" or roll < 0.55 or not org.home.localities:
            region = org.home if rng.random() < 0.7 else rng.choice(self.homes[org.country])
        else:
            region = rng.choice(org.home.localities)
        areas = [new_row(ServiceArea, scope=ServiceArea.Scope.REGION, region_id=region.pk)]
        if region.kind != Region.Kind.COUNTRY and rng.random() < 0.12:
            other = rng.choice(self.homes[org.country])
            if other.pk != region.pk:
                areas.append(
                    new_row(ServiceArea, scope=ServiceArea.Scope.REGION, region_id=other.pk)
                )
        return region, areas

    def _texts(self, languages, org, types, populations, exploitation, place) -> dict:
        rng = self.rng
        brand = org.brand if rng.random() < 0.7 else rng.randrange(len(VOCABULARIES["en"].brands))
        city = self._city(place)
        extras = rng.sample(range(len(VOCABULARIES["en"].extras)), 2)
        condition = rng.randrange(3)
        application = rng.randrange(3) if rng.random() < 0.85 else None
        eligibility = rng.random() < 0.85
        fields = {}
        for language in languages:
            v, sep = VOCABULARIES[language], _separator(language)
            fields[column("name", language)] = v.name.format(
                brand=v.brands[brand], place=city, type=v.type_name(types[0])
            )
            population = sep.join(v.population(p) for p in populations)
            fields[column("description", language)] = " ".join(
                (
                    v.lead.format(
                        Type=sep.join(v.type_name(t) for t in types),
                        population=population,
                        exploitation=sep.join(v.exploitation_name(e) for e in exploitation),
                    ),
                    v.offer.format(extra=v.extras[extras[0]], extra2=v.extras[extras[1]]),
                )
            )
            if eligibility:
                fields[column("eligibility_description", language)] = v.eligibility.format(
                    population=population, condition=v.conditions[condition]
                )
            if application is not None:
                fields[column("application_process", language)] = v.application[application]
        if rng.random() < 0.3:
            initials = "".join(w[0] for w in VOCABULARIES["en"].brands[brand].split())
            fields["alternate_name_en"] = f"{initials}-{city[:3].upper()}"
        return fields

    def _spoken(self, country):
        rng = self.rng
        codes = [country.spoken[0]] + [c for c in country.spoken[1:] if rng.random() < 0.6]
        codes += rng.choices(self.spoken, self.spoken_weights, k=rng.choice((0, 1, 1, 2, 3, 5)))
        codes = list(dict.fromkeys(codes))
        return [
            (c, i > 0 and c not in country.spoken and rng.random() < 0.15)
            for i, c in enumerate(codes)
        ]

    def _location(self, org, place, kind):
        """A place for the service: shelters mostly confidential, offices mostly public."""
        rng = self.rng
        if kind in HOUSING:
            if rng.random() > 0.8:
                return None
            roll = rng.random()
            visibility = (
                Visibility.HIDDEN if roll < 0.3 else Visibility.REGION if roll < 0.45 else None
            )
        else:
            if rng.random() > (0.1 if kind == "hotline" else 0.65):
                return None
            roll = rng.random()
            visibility = (
                Visibility.HIDDEN if roll < 0.01 else Visibility.REGION if roll < 0.02 else None
            )
        visibility = visibility or Visibility.PUBLIC
        if visibility == Visibility.PUBLIC:
            known = org.public_locations.get(place.pk)
            if known is not None and rng.random() < 0.4:
                return known
        country = COUNTRIES[place.country]
        city = self._city(place)
        lat, lon = place.centre
        self.location_number += 1
        number = self.location_number
        name = {
            Visibility.PUBLIC: f"{VOCABULARIES['en'].brands[org.brand]} {city} office",
            Visibility.REGION: f"Residence {number} (confidential)",
            Visibility.HIDDEN: f"Safe house {number} (confidential)",
        }[visibility]
        location = new_row(
            Location,
            organization_id=org.pk,
            visibility=visibility,
            region_id=place.pk,
            name=name,
            region_label=f"Central {city}" if visibility == Visibility.REGION else "",
            address_1=f"{rng.randint(1, 240)} {rng.choice(country.streets)}",
            city=city,
            postal_code=country.postal_format.format(rng.randint(1, 95)),
            latitude=round(lat + rng.uniform(-0.05, 0.05), 6),
            longitude=round(lon + rng.uniform(-0.05, 0.05), 6),
            accessibility=("Step-free entrance; accessible toilet." if rng.random() < 0.4 else ""),
        )
        if visibility == Visibility.PUBLIC:
            org.public_locations[place.pk] = location
        return location

    def _cost(self, country, languages):
        fields = {
            column("option", c): VOCABULARIES[c].cost
            for c in ("en", *country.interface_languages)
            if c in languages
        }
        amount = self.rng.choice((0, 5, 10, 20, 35))
        return new_row(
            CostOption,
            option=fields["option_en"],
            amount=Decimal(amount),
            currency=country.currency,
            **fields,
        )

    def _channels(self, org, place, kind, spoken, location, area, status):
        rng = self.rng
        hotline = kind == "hotline"
        if hotline:
            odds = {Kind.VOICE: 0.95, Kind.SMS: 0.3, Kind.WHATSAPP: 0.3, Kind.CHAT: 0.35}
            odds |= {Kind.WEB: 0.4, Kind.EMAIL: 0.3}
        else:
            odds = {Kind.VOICE: 0.85, Kind.EMAIL: 0.6, Kind.WEB: 0.35, Kind.WHATSAPP: 0.15}
            odds |= {Kind.SMS: 0.08, Kind.CHAT: 0.08, Kind.MESSAGING: 0.02}
            if location is not None and location.visibility == Visibility.PUBLIC:
                odds[Kind.WALK_IN] = 0.6
        kinds = [k for k, p in odds.items() if rng.random() < p] or [Kind.VOICE]
        country = COUNTRIES[place.country if area is not None else org.country]
        area_codes = (area or self.regions[org.country]).area_codes
        local = ["en", *country.interface_languages]
        channels = []
        for position, channel_kind in enumerate(kinds):
            always = rng.random() < {
                Kind.VOICE: 0.45 if hotline else 0.3 if kind == "emergency-housing" else 0.03,
                Kind.CHAT: 0.3 if hotline else 0.05,
                Kind.SMS: 0.05,
                Kind.WHATSAPP: 0.05,
            }.get(channel_kind, 0)
            row = new_row(Channel, kind=channel_kind, position=position, is_24_7=always)
            if channel_kind in Channel.NUMBER_KINDS:
                row.number = phone_number(
                    rng, country.code, area_codes, mobile=channel_kind != Kind.VOICE
                )
            elif channel_kind in Channel.URL_KINDS:
                row.url = f"https://{org.host}/{channel_kind}"
            elif channel_kind == Kind.EMAIL:
                row.email = f"{rng.choice(('contact', 'help', 'intake'))}@{org.host}"
            if channel_kind == Kind.VOICE:
                row.is_free = rng.random() < (0.9 if hotline else 0.3)
                if rng.random() < 0.2:
                    for c in local:
                        setattr(row, column("label", c), VOCABULARIES[c].intake)
                    row.label = row.label_en
                if (
                    always
                    and hotline
                    and status == PublicationStatus.PUBLISHED
                    and org.published
                    and area is not None
                    and area.kind == Region.Kind.COUNTRY
                    and self.help_now[country.code] < 3
                ):
                    # Only a few verified national lines per country, as in real life.
                    row.get_help_now = True
                    self.help_now[country.code] += 1
            hours = []
            if not always and (channel_kind not in (Kind.EMAIL, Kind.WEB) or rng.random() < 0.3):
                hours = rng.choices([h for _w, h in HOURS], [w for w, _h in HOURS])[0]
                row.closed_on_public_holidays = rng.random() < 0.4
            exception = None
            if hours and rng.random() < 0.05:
                exception = self._exception(local)
            languages = []
            if rng.random() < 0.7:
                codes = [c for c, _interp in spoken]
                languages = [
                    self.languages[c] for c in rng.sample(codes, min(len(codes), rng.randint(1, 3)))
                ]
            channels.append(
                _ChannelPlan(
                    row=row,
                    hours=hours,
                    exception=exception,
                    languages=languages,
                    location=location if channel_kind == Kind.WALK_IN else None,
                )
            )
        return channels

    def _exception(self, local):
        rng = self.rng
        day = self.today + dt.timedelta(days=rng.randint(3, 120))
        closed = rng.random() < 0.6
        notes = {
            column("note", c): VOCABULARIES[c].closed_note if closed else VOCABULARIES[c].short_note
            for c in local
        }
        return new_row(
            ScheduleException,
            date=day,
            closed=closed,
            opens=None if closed else _t(10),
            closes=None if closed else _t(14),
            note=notes["note_en"],
            **notes,
        )


@dataclass
class _ChannelPlan:
    row: Channel
    hours: list
    exception: ScheduleException | None
    languages: list
    location: Location | None


_TEMPLATES = {}


def new_row(model, **values):
    """An unsaved instance, built positionally from cached defaults.

    modeltranslation computes each translation column's default under
    ``translation.override``; for rows with a hundred such columns that cost more than
    everything else together, so the defaults are computed once per model.
    """
    template = _TEMPLATES.get(model)
    if template is None:
        fields = model._meta.concrete_fields
        template = _TEMPLATES[model] = (
            [f.attname for f in fields],
            [None if _factory(f) else f.get_default() for f in fields],
            {f.attname: f.default for f in fields if _factory(f)},
            {f.attname for f in fields},
        )
    names, defaults, factories, fields_by_name = template
    unknown = values.keys() - fields_by_name
    if unknown:
        raise TypeError(f"{model.__name__} has no field {', '.join(sorted(unknown))}")
    for name, factory in factories.items():
        values.setdefault(name, factory())
    # Positional values bypass modeltranslation: the original column and the default
    # language's column ("name", "name_en") must be given the same text explicitly.
    for name in [n for n in values if f"{n}_{DEFAULT_LANGUAGE}" in fields_by_name]:
        values.setdefault(f"{name}_{DEFAULT_LANGUAGE}", values[name])
    for name in [n for n in values if n.endswith(f"_{DEFAULT_LANGUAGE}")]:
        values.setdefault(name.removesuffix(f"_{DEFAULT_LANGUAGE}"), values[name])
    return model(*[values.get(n, d) for n, d in zip(names, defaults, strict=True)])


def _factory(field) -> bool:
    return field.has_default() and callable(field.default)
