"""Referral sheets: the shortlist, loaded once, laid out per language (R2, R3).

Everything that depends on the language (names of days and countries, translated
content, public place descriptions) is worked out inside ``translation.override`` for
each of the sheet's languages; the services themselves are loaded once, in a fixed number
of queries whatever the length of the list.
"""

import datetime as dt
from dataclasses import dataclass

import phonenumbers
import segno
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from apps.core.i18n import country_name, format_hours
from apps.core.sensitive_words import find_sensitive
from apps.directory.models import Channel, OpeningPeriod, Service, ServiceAtLocation
from apps.directory.priority import priority_first

UPCOMING_DAYS = 30


def sheet_services(ids: list[int]) -> list[Service]:
    """The published services among ``ids``, in the list's order (drafts silently dropped)."""
    if not ids:
        return []
    queryset = (
        Service.objects.published()
        .filter(pk__in=ids)
        .for_listing()
        .prefetch_related(
            Prefetch(
                "service_at_locations",
                queryset=ServiceAtLocation.objects.select_related("location__region").order_by(
                    "pk"
                ),
            )
        )
    )
    by_id = {service.pk: service for service in queryset}
    return [by_id[pk] for pk in ids if pk in by_id]


def listed_services(ids: list[int]) -> list[Service]:
    """The published services among ``ids`` with just what the list page shows."""
    if not ids:
        return []
    queryset = Service.objects.published().filter(pk__in=ids).select_related("organization")
    by_id = {service.pk: service for service in queryset}
    return [by_id[pk] for pk in ids if pk in by_id]


# --- hours ---------------------------------------------------------------------------
def day_range(first: int, last: int) -> str:
    if (first, last) == (0, 6):
        return _("Every day")
    if first == last:
        return str(OpeningPeriod.Weekday(first).label)
    return f"{OpeningPeriod.Weekday(first).label}–{OpeningPeriod.Weekday(last).label}"


def grouped_hours(channel: Channel) -> list[tuple[str, list[tuple[dt.time, dt.time]]]]:
    """Weekly hours with consecutive days of identical hours merged: "Monday–Friday"."""
    week = channel.weekly_hours()
    if not any(intervals for _day, intervals in week):
        return []
    groups = []
    start = 0
    for day in range(1, 8):
        if day == 7 or week[day][1] != week[start][1]:
            groups.append((day_range(start, day - 1), week[start][1]))
            start = day
    return groups


def upcoming_exceptions(channel: Channel, today: dt.date):
    until = today + dt.timedelta(days=UPCOMING_DAYS)
    return [e for e in channel.exceptions.all() if today <= e.date <= until]


def hours_text(channel: Channel) -> str:
    """The hours as one line of plain text, for a contact card."""
    if channel.is_24_7:
        return _("Open 24 hours, 7 days a week.")
    parts = []
    for days, intervals in grouped_hours(channel):
        if intervals:  # days without hours are simply left out of the one-line summary
            times = ", ".join(format_hours(opens, closes) for opens, closes in intervals)
            parts.append(f"{days} {times}")
    return "; ".join(parts)


# --- numbers -------------------------------------------------------------------------
@dataclass
class Number:
    e164: str
    international: str
    national: str
    country: str


def number_formats(e164: str) -> Number | None:
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return None
    region = phonenumbers.region_code_for_number(parsed)
    return Number(
        e164=e164,
        international=phonenumbers.format_number(
            parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL
        ),
        national=phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL),
        country=country_name(region) if region and region != "ZZ" else "",
    )


# --- the sheet -----------------------------------------------------------------------
@dataclass
class Column:
    code: str
    dir: str


@dataclass
class Line:
    channel: Channel
    number: Number | None
    url: str
    email: str
    hours: list
    exceptions: list


@dataclass
class Place:
    kind: str  # "public", "area" or "hidden"
    name: str = ""
    street: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = ""
    area: str = ""

    @property
    def locality(self) -> str:
        return " ".join(filter(None, (self.postal_code, self.city)))


@dataclass
class Cell:
    column: Column
    service: Service
    label: str  # the neutral label of a discreet sheet, else ""
    lines: list[Line]
    places: list[Place]

    @property
    def has_hours(self) -> bool:
        return any(line.hours or line.channel.is_24_7 for line in self.lines)


@dataclass
class Row:
    position: int
    service: Service
    cells: list[Cell]


@dataclass
class Sheet:
    columns: list[Column]
    rows: list[Row]
    discreet: bool
    made_on: dt.date
    # Contact details left out of a discreet sheet because they reveal what it is for.
    omitted: int = 0

    @property
    def primary(self) -> Column:
        return self.columns[0]

    @property
    def bilingual(self) -> bool:
        return len(self.columns) > 1


def column_for(code: str) -> Column:
    return Column(code=code, dir="rtl" if translation.get_language_info(code)["bidi"] else "ltr")


def reveals_purpose(text: str, languages: list[str]) -> bool:
    """Whether the text holds a sensitive word of any of the languages (or English)."""
    return any(find_sensitive(text, code) for code in languages)


def _places(service: Service, discreet: bool, languages: list[str]) -> tuple[list[Place], int]:
    places, omitted = [], 0
    for sal in service.service_at_locations.all():
        # public_view() is the only accessor public code may use for a place (SR-1).
        view = sal.location.public_view()
        if "address_1" in view:
            country = view["region"].code.split("-")[0]
            place = Place(
                "public",
                name=view["name"],
                street=view["address_1"],
                postal_code=view["postal_code"],
                city=view["city"],
                country=country_name(country) if len(country) == 2 else "",
            )
        elif "area" in view:
            place = Place("area", area=view["area"])
        else:
            place = Place("hidden")
        if discreet:
            place.name = ""
            if reveals_purpose(f"{place.street} {place.locality} {place.area}", languages):
                omitted += 1
                place = Place("hidden")
        places.append(place)
    return places, omitted


def _lines(service: Service, discreet: bool, languages: list[str], today) -> tuple[list, int]:
    lines, omitted = [], 0
    for channel in service.channels.all():
        url, email = channel.url, channel.email
        if discreet and url and reveals_purpose(url, languages):
            url, omitted = "", omitted + 1
        if discreet and email and reveals_purpose(email, languages):
            email, omitted = "", omitted + 1
        number = number_formats(channel.number) if channel.number else None
        if not (number or url or email or channel.kind == Channel.Kind.WALK_IN):
            continue
        lines.append(
            Line(
                channel=channel,
                number=number,
                url=url,
                email=email,
                hours=grouped_hours(channel),
                exceptions=upcoming_exceptions(channel, today),
            )
        )
    return lines, omitted


def build_sheet(services: list[Service], languages: list[str], *, discreet: bool) -> Sheet:
    """The sheet's rows, one cell per language; discreet sheets lose what reveals purpose."""
    columns = [column_for(code) for code in languages]
    if discreet:  # the country's priority lines lead it (issue 21)
        services = priority_first(services)
    today = timezone.localdate()
    sheet = Sheet(columns=columns, rows=[], discreet=discreet, made_on=today)
    for position, service in enumerate(services, start=1):
        row = Row(position=position, service=service, cells=[])
        for column in columns:
            with translation.override(column.code):
                lines, omitted_lines = _lines(service, discreet, languages, today)
                places, omitted_places = _places(service, discreet, languages)
                label = _("Contact %(number)s") % {"number": position} if discreet else ""
            row.cells.append(Cell(column, service, label, lines, places))
        # Count once per service, not once per column.
        sheet.omitted += omitted_lines + omitted_places
        sheet.rows.append(row)
    return sheet


def qr_svg(url: str, title: str) -> str:
    """An inline SVG QR code, drawn here: no request leaves the site, no style attribute."""
    qr = segno.make(url, error="m", micro=False)
    svg = qr.svg_inline(scale=4, border=4, omitsize=True, svgclass="sheet-qr-image", title=title)
    return mark_safe(svg)  # noqa: S308 - segno escapes the title; the rest is path data
