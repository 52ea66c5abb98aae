"""Anonymous pages come from a server-side cache; browsers still keep nothing (issue #9)."""

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from django.conf import settings

from apps.curation.services import purge_public_cache
from apps.directory.models import Channel, OpeningPeriod, ScheduleException, Service


def test_a_repeat_visit_is_served_without_touching_the_database(
    client, demo, django_assert_num_queries
):
    first = client.get("/en/r/fr/")
    with django_assert_num_queries(0):
        again = client.get("/en/r/fr/")
    assert again.status_code == 200
    assert again.content == first.content


def test_cached_pages_still_tell_the_browser_to_keep_nothing(client, demo):
    client.get("/en/")
    cached = client.get("/en/")
    assert "no-store" in cached["Cache-Control"]
    assert not cached.cookies
    assert cached["Content-Security-Policy"]


def test_each_language_and_each_filter_has_its_own_entry(client, demo):
    english = client.get("/en/r/fr/").content.decode()
    french = client.get("/fr/r/fr/").content.decode()
    assert 'lang="en"' in english and 'lang="fr"' in french
    filtered = client.get("/en/r/fr/?free=on").content.decode()
    assert filtered != english


def test_publishing_purges_the_cache(client, demo):
    service = Service.objects.get(name="Example National Helpline")
    client.get(f"/en/s/{service.pk}/")
    Service.objects.filter(pk=service.pk).update(name_en="Renamed Example Helpline")
    assert "Renamed" not in client.get(f"/en/s/{service.pk}/").content.decode()  # cached
    purge_public_cache("test")
    assert "Renamed Example Helpline" in client.get(f"/en/s/{service.pk}/").content.decode()


def test_open_now_is_exact_to_the_minute_without_any_purge(client, demo):
    service = Service.objects.get(name="Example National Helpline")
    Channel.objects.filter(service=service).delete()
    channel = Channel.objects.create(
        service=service, kind="voice", number="+33199001099", label_en="Test line"
    )
    # Open on Wednesdays 09:00-17:00 in the service's time zone; 2026-11-25 is a Wednesday.
    channel.periods.create(weekday=2, opens="09:00", closes="17:00")
    zone = ZoneInfo(service.time_zone)
    page = f"/en/s/{service.pk}/"
    with time_machine.travel(dt.datetime(2026, 11, 25, 16, 59, 30, tzinfo=zone), tick=False):
        assert "is-open" in client.get(page).content.decode()
    with time_machine.travel(dt.datetime(2026, 11, 25, 17, 0, 30, tzinfo=zone), tick=False):
        assert "is-open" not in client.get(page).content.decode()


def test_staff_with_a_session_get_a_fresh_page(client, demo):
    service = Service.objects.get(name="Example National Helpline")
    page = f"/en/s/{service.pk}/"
    client.get(page)
    Service.objects.filter(pk=service.pk).update(name_en="Renamed Example Helpline")
    assert "Renamed" not in client.get(page).content.decode()  # anonymous: the cached page
    client.cookies[settings.SESSION_COOKIE_NAME] = "a-staff-session"
    assert "Renamed Example Helpline" in client.get(page).content.decode()


def test_the_page_cache_can_be_switched_off(client, demo, settings):
    settings.PUBLIC_PAGE_CACHE = False
    service = Service.objects.get(name="Example National Helpline")
    page = f"/en/s/{service.pk}/"
    client.get(page)
    Service.objects.filter(pk=service.pk).update(name_en="Renamed Example Helpline")
    assert "Renamed Example Helpline" in client.get(page).content.decode()


def test_a_page_stays_cached_until_some_listing_could_open_or_close(
    client, demo, django_assert_num_queries
):
    service = Service.objects.get(name="Example National Helpline")
    Channel.objects.filter(service=service).delete()
    # The only opening and closing times left anywhere: 09:00 and 17:00, Paris time.
    OpeningPeriod.objects.all().delete()
    ScheduleException.objects.all().delete()
    Service.objects.update(time_zone=service.time_zone)
    channel = Channel.objects.create(
        service=service, kind="voice", number="+33199001099", label_en="Test line"
    )
    channel.periods.create(weekday=2, opens="09:00", closes="17:00")
    zone = ZoneInfo(service.time_zone)
    page = f"/en/s/{service.pk}/"
    with time_machine.travel(dt.datetime(2026, 11, 25, 10, 5, tzinfo=zone), tick=False):
        assert "is-open" in client.get(page).content.decode()
    for later in (dt.time(10, 6), dt.time(10, 30)):  # entries live 30 minutes at most
        moment = dt.datetime.combine(dt.date(2026, 11, 25), later, zone)
        with time_machine.travel(moment, tick=False), django_assert_num_queries(0):
            assert "is-open" in client.get(page).content.decode()
    with time_machine.travel(dt.datetime(2026, 11, 25, 17, 0, 0, tzinfo=zone), tick=False):
        assert "is-open" not in client.get(page).content.decode()


def test_a_cached_page_is_sent_compressed_to_browsers_that_accept_it(client, demo):
    import gzip

    plain = client.get("/en/r/fr/").content
    compressed = client.get("/en/r/fr/", HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    assert gzip.decompress(compressed.content) == plain
