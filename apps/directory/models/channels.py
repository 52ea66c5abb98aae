"""Contact channels and their hours: the safety-critical part of a listing.

Hours are kept per channel, in the service's time zone. A period whose closing time is
not after its opening time runs past midnight into the next day. A dated exception
replaces the weekly hours for its day; public holidays close a channel that says so.
``Channel.is_open`` (Python) and ``ChannelQuerySet.open_at`` (SQL) implement the same
rules; tests check they agree.
"""

import datetime as dt
import re
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import BooleanField, Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from apps.directory.fields import PhoneNumberField
from apps.directory.validators import validate_public_url

from .organizations import Service


@lru_cache(maxsize=256)
def _holiday_calendar(region_code: str, year: int):
    country, _sep, subdivision = region_code.partition("-")
    try:
        return holidays.country_holidays(country, subdiv=subdivision or None, years=year)
    except (NotImplementedError, KeyError):
        return {}


def is_public_holiday(region_code: str | None, day: dt.date) -> bool:
    return bool(region_code) and day in _holiday_calendar(region_code, day.year)


class ClockSQL(models.Expression):
    """A condition written in SQL around a moment: ``{name}`` is a parameter when given
    in ``params``, otherwise the column of that name (resolved like ``F(name)``), so the
    same text works wherever Django aliases the table (a subquery is ``U0``)."""

    output_field = BooleanField()
    conditional = True
    _NAME = re.compile(r"\{(\w+)\}")

    def __init__(self, template: str, params: dict, **columns):
        super().__init__()
        self.template, self.params, self.columns = template, params, columns

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        clone = self.copy()
        clone.columns = {
            name: (F(field) if isinstance(field, str) else field).resolve_expression(
                query, allow_joins, reuse, summarize
            )
            for name, field in self.columns.items()
        }
        return clone

    def get_source_expressions(self):
        return list(self.columns.values())

    def set_source_expressions(self, exprs):
        self.columns = dict(zip(self.columns, exprs, strict=True))

    def as_sql(self, compiler, connection):
        compiled = {name: compiler.compile(col) for name, col in self.columns.items()}
        params = []

        def replace(match):
            name = match.group(1)
            if name in self.params:
                params.append(self.params[name])
                return "%s"
            sql, column_params = compiled[name]
            params.extend(column_params)
            return sql

        return "(" + self._NAME.sub(replace, self.template) + ")", params


# The moment's wall-clock time in a row's time zone, and what follows from it.
_LOCAL = "({moment}::timestamptz AT TIME ZONE {zone})"
_WEEKDAY = f"(EXTRACT(ISODOW FROM {_LOCAL})::int - 1)"
_SECOND_OF_WEEK = f"({_WEEKDAY} * 86400 + FLOOR(EXTRACT(EPOCH FROM {_LOCAL}::time))::int)"
# The date a weekly interval began: today, or yesterday for last night's hours.
_START_DATE = f"({_LOCAL}::date - CASE WHEN {{day}} = {_WEEKDAY} THEN 0 ELSE 1 END)"
# Inside a weekly interval, unless a dated exception or a public holiday replaces its day.
_WEEKLY_OPEN = (
    f"{{starts}} <= {_SECOND_OF_WEEK} AND {_SECOND_OF_WEEK} < {{ends}} "  # noqa: S608 - fixed text
    "AND NOT EXISTS (SELECT 1 FROM directory_scheduleexception e "
    f"WHERE e.channel_id = {{channel}} AND e.date = {_START_DATE}) "
    f"AND ({{holiday}} IS NULL OR NOT ({{holiday}}::text || ' ' || {_START_DATE}::text) "
    "= ANY({holidays}))"
)
# A dated exception's own hours: today's, or last night's running past midnight.
_EXCEPTION_OPEN = (
    f"CASE WHEN waymark_known_zone({{zone}}) THEN "
    f"({{date}} = {_LOCAL}::date AND {{opens}} <= {_LOCAL}::time "
    f"AND ({_LOCAL}::time < {{closes}} OR {{closes}} <= {{opens}})) "
    f"OR ({{date}} = {_LOCAL}::date - 1 AND {{closes}} <= {{opens}} "
    f"AND {_LOCAL}::time < {{closes}}) ELSE false END"
)


# (generation, UTC date) -> the holidays near that date, per process (_holidays_near).
_holidays_memo: dict[tuple[str, dt.date], list[str]] = {}


def _holidays_near(moment: dt.datetime) -> list[str]:
    """ "<region id> <date>" for every public holiday of a country or subdivision on the
    days some time zone can be living at the moment, or the day before. Kept per process
    until the next publication (regions change only then) or the next UTC day."""
    from apps.core.pagecache import current_generation

    from .regions import Region

    day = moment.astimezone(dt.UTC).date()
    key = (current_generation(), day)
    if key not in _holidays_memo:
        days = [day + dt.timedelta(days=offset) for offset in (-2, -1, 0, 1)]
        # Localities have no public holidays of their own (is_public_holiday).
        regions = Region.objects.exclude(kind=Region.Kind.LOCALITY).values_list("pk", "code")
        _holidays_memo.clear()
        _holidays_memo[key] = [
            f"{pk} {d.isoformat()}"
            for pk, code in regions
            for d in days
            if is_public_holiday(code, d)
        ]
    return _holidays_memo[key]


def open_condition(moment: dt.datetime, service: str = "pk") -> Q:
    """Services open at the moment (PostgreSQL): a weekly interval holding the moment's
    second of the week in the service's time zone (WeeklyOpening, kept by triggers), or
    a dated exception's hours. ``service`` names the outer column holding the service id.
    The same rules as ``Channel.is_open``; tests compare the two hour by hour."""
    from .search import WeeklyOpening

    params = {"moment": moment, "holidays": _holidays_near(moment)}
    weekly = WeeklyOpening.objects.filter(service=OuterRef(service)).filter(
        ClockSQL(
            _WEEKLY_OPEN,
            params,
            zone="time_zone",
            day="day",
            starts="starts",
            ends="ends",
            channel="channel_id",
            holiday="holiday_region_id",
        )
    )
    day = moment.astimezone(dt.UTC).date()
    by_exception = ScheduleException.objects.filter(
        channel__service=OuterRef(service),
        closed=False,
        date__range=(day - dt.timedelta(days=2), day + dt.timedelta(days=1)),
    ).filter(
        ClockSQL(
            _EXCEPTION_OPEN,
            params,
            zone="channel__service__time_zone",
            date="date",
            opens="opens",
            closes="closes",
        )
    )
    return Q(Exists(weekly)) | Q(Exists(by_exception))


class ChannelQuerySet(models.QuerySet):
    def open_at(self, moment: dt.datetime):
        """Channels open at an aware moment, each judged in its service's time zone."""
        zones = {}
        pairs = Service.objects.order_by().values_list("time_zone", "holiday_region__code")
        for zone, holiday_region in pairs.distinct():
            if not zone:
                continue  # not known: never judged open
            zones.setdefault(zone, set()).discard(None)
            if holiday_region:
                zones[zone].add(holiday_region)
        # Zones that show the same date and time now share one condition (holidays
        # depend on the region and the date only), so the query grows with the number
        # of distinct wall-clock times, not of zones.
        clocks = {}
        for zone, holiday_regions in zones.items():
            local = moment.astimezone(ZoneInfo(zone))
            names, holidays = clocks.setdefault((local.date(), local.time()), ([], set()))
            names.append(zone)
            holidays.update(holiday_regions)
        condition = Q(pk__in=[])
        for names, holiday_regions in clocks.values():
            condition |= Q(service__time_zone__in=names) & self._open_in_zone(
                moment, names[0], holiday_regions
            )
        return self.filter(condition)

    def _open_in_zone(self, moment, zone, holiday_regions):
        local = moment.astimezone(ZoneInfo(zone))
        today, now = local.date(), local.time()
        yesterday = today - dt.timedelta(days=1)
        on_holiday = {
            day: [code for code in holiday_regions if is_public_holiday(code, day)]
            for day in (today, yesterday)
        }

        def exception_on(day):
            return ScheduleException.objects.filter(channel=OuterRef("pk"), date=day)

        def regular_day(day):
            # Weekly hours apply unless an exception or a public holiday replaces them.
            return ~Exists(exception_on(day)) & ~Q(
                closed_on_public_holidays=True,
                service__holiday_region__code__in=on_holiday[day],
            )

        starts_today = Q(opens__lte=now) & (Q(closes__gt=now) | Q(closes__lte=F("opens")))
        spills_from_yesterday = Q(closes__lte=F("opens"), closes__gt=now)

        def periods(day, window):
            return Exists(
                OpeningPeriod.objects.filter(window, channel=OuterRef("pk"), weekday=day.weekday())
            )

        def exceptions(day, window):
            return Exists(exception_on(day).filter(window, closed=False))

        return (
            (Q(is_24_7=True) & ~Exists(exception_on(today)))
            | (~Q(is_24_7=True) & regular_day(today) & periods(today, starts_today))
            | exceptions(today, starts_today)
            | (
                ~Q(is_24_7=True)
                & regular_day(yesterday)
                & periods(yesterday, spills_from_yesterday)
            )
            | exceptions(yesterday, spills_from_yesterday)
        )

    def help_now(self):
        """The few verified lines shown at the top of a region page (D7)."""
        return self.filter(get_help_now=True, service__in=Service.objects.published())


def _service_country(channel) -> str | None:
    return channel.service.phone_country() if channel.service_id else None


class Channel(models.Model):
    """A way to reach a service (HSDS phone and contact, extended), with its own hours."""

    class Kind(models.TextChoices):
        VOICE = "voice", _("Phone")
        SMS = "sms", _("Text message (SMS)")
        WHATSAPP = "whatsapp", _("WhatsApp")
        MESSAGING = "messaging", _("Messaging app")
        CHAT = "chat", _("Online chat")
        EMAIL = "email", _("Email")
        WEB = "web", _("Website")
        WALK_IN = "walk_in", _("Walk-in")

    NUMBER_KINDS = {Kind.VOICE, Kind.SMS, Kind.WHATSAPP}
    URL_KINDS = {Kind.CHAT, Kind.WEB, Kind.MESSAGING}

    service = models.ForeignKey(Service, models.CASCADE, related_name="channels")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, db_index=True)
    label = models.CharField(_("label"), max_length=200, blank=True)
    description = models.TextField(_("notes"), blank=True)
    number = PhoneNumberField(
        _("number"),
        blank=True,
        region_of=_service_country,
        help_text=_("International format, for example +33 1 23 45 67 89."),
    )
    url = models.URLField(_("address (URL)"), blank=True, validators=[validate_public_url])
    email = models.EmailField(_("email"), blank=True)
    location = models.ForeignKey(
        "directory.Location",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="channels",
        verbose_name=_("location"),
    )
    languages = models.ManyToManyField(
        "directory.Language", blank=True, related_name="channels", verbose_name=_("languages")
    )
    # None: not known (an import that gave neither the flag nor hours), never read as "no".
    is_24_7 = models.BooleanField(
        _("open 24 hours, 7 days"), null=True, blank=True, default=False, db_index=True
    )
    closed_on_public_holidays = models.BooleanField(_("closed on public holidays"), default=False)
    is_free = models.BooleanField(_("free to contact"), null=True, blank=True, default=None)
    get_help_now = models.BooleanField(
        _("show under “get help now”"),
        default=False,
        help_text=_("Verified national or emergency lines only."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = ChannelQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact channel")
        verbose_name_plural = _("contact channels")
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.number or self.url or self.email}"

    # --- hours, judged in the service's time zone ---------------------------------
    @property
    def zone(self) -> ZoneInfo | None:
        """The service's time zone; None when not known (hours are then never "open")."""
        return ZoneInfo(self.service.time_zone) if self.service.time_zone else None

    def hours(self) -> tuple[list, list]:
        """The weekly periods and dated exceptions, read once per question asked (or
        loaded beforehand into lists, as ``Service.objects.for_cards()`` does)."""
        if hasattr(self, "period_list"):
            return self.period_list, self.exception_list
        return list(self.periods.all()), list(self.exceptions.all())

    def intervals_on(self, day: dt.date, hours=None) -> list[tuple[dt.time, dt.time]]:
        """The day's opening intervals; ``closes <= opens`` means it runs past midnight."""
        periods, exceptions = hours or self.hours()
        exceptions = [e for e in exceptions if e.date == day]
        if exceptions:
            return [(e.opens, e.closes) for e in exceptions if not e.closed and e.opens]
        if self.is_24_7:
            return [(dt.time(0), dt.time(0))]
        region = self.service.holiday_region if self.closed_on_public_holidays else None
        if region is not None and is_public_holiday(region.code, day):
            return []
        weekday = day.weekday()
        return [(p.opens, p.closes) for p in periods if p.weekday == weekday]

    def is_open(self, moment: dt.datetime, hours=None) -> bool:
        if self.zone is None:
            return False  # hours in an unknown time zone say nothing about now
        hours = hours or self.hours()
        local = moment.astimezone(self.zone)
        today, now = local.date(), local.time()
        for opens, closes in self.intervals_on(today, hours):
            if opens <= now and (now < closes or closes <= opens):
                return True
        for opens, closes in self.intervals_on(today - dt.timedelta(days=1), hours):
            if closes <= opens and now < closes:
                return True
        return False

    def next_opening(self, moment: dt.datetime) -> dt.datetime | None:
        """When it next opens, within a week; None if it is open or has no hours."""
        hours = self.hours()
        zone = self.zone
        if zone is None or self.is_open(moment, hours):
            return None
        local = moment.astimezone(zone)
        for offset in range(8):
            day = local.date() + dt.timedelta(days=offset)
            for opens, _closes in sorted(self.intervals_on(day, hours)):
                start = dt.datetime.combine(day, opens, tzinfo=zone)
                if start > local:
                    return start
        return None

    def weekly_hours(self) -> list[tuple[int, list[tuple[dt.time, dt.time]]]]:
        days = {d: [] for d in range(7)}
        for period in sorted(self.periods.all(), key=lambda p: (p.weekday, p.opens)):
            days[period.weekday].append((period.opens, period.closes))
        return list(days.items())


class OpeningPeriod(models.Model):
    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    channel = models.ForeignKey(Channel, models.CASCADE, related_name="periods")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(
        _("closes"), help_text=_("A time earlier than the opening time means the next day.")
    )

    class Meta:
        verbose_name = _("opening period")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "opens"]
        indexes = [models.Index(fields=["weekday", "opens", "closes"])]
        constraints = [
            models.CheckConstraint(condition=~Q(opens=F("closes")), name="period_not_empty")
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self):
        # The rule of the "period_not_empty" constraint, said plainly and without a query.
        if self.opens is not None and self.opens == self.closes:
            raise ValidationError(
                {"closes": _("Opening and closing times are the same.")}, code="empty"
            )


class ScheduleException(models.Model):
    """Different hours, or closed, on one date (HSDS schedule with valid_from = valid_to)."""

    channel = models.ForeignKey(Channel, models.CASCADE, related_name="exceptions")
    date = models.DateField(_("date"))
    closed = models.BooleanField(_("closed all day"), default=True)
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("exception to the hours")
        verbose_name_plural = _("exceptions to the hours")
        ordering = ["date"]
        indexes = [models.Index(fields=["date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed=True) | Q(opens__isnull=False, closes__isnull=False),
                name="exception_hours_when_open",
            )
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d}"
