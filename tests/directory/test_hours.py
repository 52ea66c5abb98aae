"""Open now, past midnight, exceptions, public holidays and time zones (D4)."""

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest

from apps.directory.models import Channel, Region, Service

from .factories import ChannelFactory, ExceptionFactory, PeriodFactory, RegionFactory

PARIS = ZoneInfo("Europe/Paris")
pytestmark = pytest.mark.django_db


def paris(*args):
    return dt.datetime(*args, tzinfo=PARIS)


def fresh(channel):
    return Channel.objects.select_related("service__holiday_region").get(pk=channel.pk)


def open_in_sql(channel, moment):
    return Channel.objects.open_at(moment).filter(pk=channel.pk).exists()


def test_open_during_weekly_hours_and_closed_outside():
    channel = PeriodFactory(weekday=0, opens=dt.time(9), closes=dt.time(17)).channel
    monday = paris(2026, 11, 23, 10)  # a Monday
    assert fresh(channel).is_open(monday)
    assert not fresh(channel).is_open(monday.replace(hour=17))
    assert not fresh(channel).is_open(monday + dt.timedelta(days=1))


def test_a_period_past_midnight_runs_into_the_next_day():
    channel = PeriodFactory(weekday=4, opens=dt.time(18), closes=dt.time(2)).channel
    assert fresh(channel).is_open(paris(2026, 11, 27, 23))  # Friday night
    assert fresh(channel).is_open(paris(2026, 11, 28, 1, 30))  # Saturday, small hours
    assert not fresh(channel).is_open(paris(2026, 11, 28, 2))
    assert not fresh(channel).is_open(paris(2026, 11, 27, 1))  # Friday small hours


def test_hours_are_judged_in_the_services_time_zone():
    channel = PeriodFactory(weekday=0, opens=dt.time(9), closes=dt.time(17)).channel
    eight_utc = dt.datetime(2026, 11, 23, 8, 30, tzinfo=dt.UTC)  # 09:30 in Paris
    assert fresh(channel).is_open(eight_utc)
    assert open_in_sql(channel, eight_utc)


def test_a_dated_exception_replaces_the_weekly_hours():
    channel = PeriodFactory(weekday=3, opens=dt.time(9), closes=dt.time(17)).channel
    ExceptionFactory(
        channel=channel,
        date=dt.date(2026, 12, 24),
        closed=False,
        opens=dt.time(10),
        closes=dt.time(12),
    )
    assert fresh(channel).is_open(paris(2026, 12, 24, 11))
    assert not fresh(channel).is_open(paris(2026, 12, 24, 15))
    ExceptionFactory(channel=channel, date=dt.date(2026, 12, 31), closed=True)
    assert not fresh(channel).is_open(paris(2026, 12, 31, 11))


def test_closed_on_the_countrys_public_holidays_when_it_says_so():
    france = RegionFactory(code="FR")
    channel = PeriodFactory(weekday=4, opens=dt.time(9), closes=dt.time(17)).channel
    channel.closed_on_public_holidays = True
    channel.save()
    channel.service.holiday_region = france
    channel.service.save()
    christmas = paris(2026, 12, 25, 11)  # a Friday and a French public holiday
    assert not fresh(channel).is_open(christmas)
    assert not open_in_sql(channel, christmas)
    assert fresh(channel).is_open(paris(2026, 12, 18, 11))


def test_a_24_7_line_is_always_open_even_on_holidays():
    channel = ChannelFactory(is_24_7=True, closed_on_public_holidays=True)
    channel.service.holiday_region = RegionFactory(code="FR")
    channel.service.save()
    for moment in (paris(2026, 12, 25, 3), paris(2026, 11, 22, 23, 59)):
        assert fresh(channel).is_open(moment)
        assert open_in_sql(channel, moment)


def test_next_opening_is_reported_in_local_time():
    channel = PeriodFactory(weekday=0, opens=dt.time(9), closes=dt.time(17)).channel
    saturday = paris(2026, 11, 28, 12)
    assert fresh(channel).next_opening(saturday) == paris(2026, 11, 30, 9)
    assert fresh(channel).next_opening(paris(2026, 11, 30, 10)) is None


def _a_week_of_every_kind() -> list[Channel]:
    """Channels with weekly hours, past midnight (also past Sunday midnight), 24 hours,
    closed on holidays (Christmas in France), with exceptions opening and closing them."""
    france = Region.objects.get_or_create(code="FR", defaults={"kind": "country"})[0]
    channels = [
        PeriodFactory(weekday=0, opens=dt.time(9), closes=dt.time(17)).channel,
        PeriodFactory(weekday=4, opens=dt.time(22), closes=dt.time(3)).channel,
        PeriodFactory(weekday=6, opens=dt.time(0, 30), closes=dt.time(0, 15)).channel,
        ChannelFactory(is_24_7=True),
    ]
    for weekday in range(7):
        PeriodFactory(channel=channels[0], weekday=weekday, opens=dt.time(20), closes=dt.time(23))
    holiday_channel = PeriodFactory(weekday=4, opens=dt.time(8), closes=dt.time(20)).channel
    holiday_channel.closed_on_public_holidays = True
    holiday_channel.save()
    holiday_channel.service.holiday_region = france
    holiday_channel.service.save()
    channels.append(holiday_channel)
    ExceptionFactory(
        channel=channels[1],
        date=dt.date(2026, 12, 25),
        closed=False,
        opens=dt.time(23),
        closes=dt.time(1),
    )
    ExceptionFactory(channel=channels[3], date=dt.date(2026, 12, 26), closed=True)
    return channels


def _a_fortnight():
    start = dt.datetime(2026, 12, 20, 0, 10, tzinfo=dt.UTC)
    return [start + dt.timedelta(minutes=50 * i) for i in range(int(14 * 24 * 60 / 50))]


def test_sql_and_python_agree_on_every_hour_of_a_fortnight():
    """The filter ("open now") and the page ("Open now") must never disagree."""
    channels = _a_week_of_every_kind()
    for channel, moment in itertools.product(channels, _a_fortnight()):
        assert fresh(channel).is_open(moment) == open_in_sql(channel, moment), (channel, moment)


def test_the_open_filter_agrees_with_the_cards_on_every_hour_of_a_fortnight():
    """Services open at a moment (on PostgreSQL, from the weekly hours kept as seconds of
    the week, issue #20) are exactly those with a channel Python calls open."""
    channels = _a_week_of_every_kind()
    # A second time zone, and a service whose time zone is not known: never open.
    tokyo = PeriodFactory(weekday=2, opens=dt.time(7), closes=dt.time(19)).channel
    tokyo.service.time_zone = "Asia/Tokyo"
    tokyo.service.save()
    unknown = ChannelFactory(is_24_7=True)
    unknown.service.time_zone = ""
    unknown.service.save()
    services = Service.objects.filter(pk__in=[c.service_id for c in [*channels, tokyo, unknown]])
    for moment in _a_fortnight():
        expected = {c.service_id for c in [*channels, tokyo] if fresh(c).is_open(moment)}
        assert set(services.open_at(moment).values_list("pk", flat=True)) == expected, moment


def test_a_change_of_hours_moves_the_open_filter_at_once():
    period = PeriodFactory(weekday=0, opens=dt.time(9), closes=dt.time(17))
    service = period.channel.service
    monday_ten = paris(2026, 11, 23, 10)
    assert Service.objects.open_at(monday_ten).filter(pk=service.pk).exists()
    period.opens = dt.time(11)
    period.save()
    assert not Service.objects.open_at(monday_ten).filter(pk=service.pk).exists()
    period.channel.is_24_7 = True
    period.channel.save()
    assert Service.objects.open_at(monday_ten).filter(pk=service.pk).exists()
    service.time_zone = "America/New_York"  # 04:00 there; a 24-hour line is still open
    service.save()
    assert Service.objects.open_at(monday_ten).filter(pk=service.pk).exists()
    period.channel.delete()
    assert not Service.objects.open_at(monday_ten).filter(pk=service.pk).exists()
