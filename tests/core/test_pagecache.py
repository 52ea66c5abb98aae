"""Anonymous pages come from a server-side cache; browsers still keep nothing (issue #9)."""

import datetime as dt
import re
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


# --- Issue #20: no cliff after a publication, "open now" outside the kept page ----------


def _renamed(service, name):
    # As a shell script would, without signals: only the purge under test runs.
    Service.objects.filter(pk=service.pk).update(name_en=name)


def test_after_an_ordinary_publication_the_previous_copy_is_served_while_one_worker_rebuilds(
    client, demo, monkeypatch
):
    from apps.core import pagecache

    service = Service.objects.get(name="Example National Helpline")
    page = f"/en/s/{service.pk}/"
    client.get(page)
    _renamed(service, "Renamed Example Helpline")
    purge_public_cache("test", hard=False)
    # Another worker holds the rebuild: this one answers at once with the previous copy.
    monkeypatch.setattr(pagecache, "_claim_rebuild", lambda key, generation: False)
    for _ in range(3):
        stale = client.get(page)
        assert stale.status_code == 200
        assert "Renamed" not in stale.content.decode()
    # This worker gets the rebuild: it builds the page and answers with the new one (the
    # first visitor after an approval sees it); every later visitor gets it from the cache.
    monkeypatch.undo()
    assert "Renamed Example Helpline" in client.get(page).content.decode()
    monkeypatch.setattr(pagecache, "_claim_rebuild", lambda key, generation: False)
    assert "Renamed Example Helpline" in client.get(page).content.decode()


def test_the_previous_copy_is_served_for_a_bounded_time_only(client, demo, settings):
    settings.PUBLIC_PAGE_STALE_SECONDS = 5
    service = Service.objects.get(name="Example National Helpline")
    page = f"/en/s/{service.pk}/"
    with time_machine.travel(dt.datetime(2026, 11, 25, 10, 0, 0, tzinfo=dt.UTC), tick=False):
        client.get(page)
        _renamed(service, "Renamed Example Helpline")
        purge_public_cache("test", hard=False)
    with time_machine.travel(dt.datetime(2026, 11, 25, 10, 0, 6, tzinfo=dt.UTC), tick=False):
        assert "Renamed Example Helpline" in client.get(page).content.decode()


def test_a_hard_purge_never_serves_the_previous_copy(client, demo, monkeypatch):
    from apps.core import pagecache

    monkeypatch.setattr(pagecache, "_claim_rebuild", lambda key, generation: False)
    service = Service.objects.get(name="Example National Helpline")
    page = f"/en/s/{service.pk}/"
    client.get(page)
    _renamed(service, "Renamed Example Helpline")
    purge_public_cache("test")  # hard unless the caller knows nothing was hidden
    assert "Renamed Example Helpline" in client.get(page).content.decode()


def test_a_location_made_confidential_leaves_every_page_at_once(client, demo, monkeypatch):
    from apps.core import pagecache
    from apps.directory.models import Location

    office = Location.objects.get(name_en="Example Rights Centre office")
    service = office.service_at_locations.first().service
    page = f"/en/s/{service.pk}/"
    assert "1 place de la Démonstration" in client.get(page).content.decode()
    # Even with every other worker busy rebuilding, nobody gets the page that showed it.
    monkeypatch.setattr(pagecache, "_claim_rebuild", lambda key, generation: False)
    office.visibility = Location.Visibility.HIDDEN
    office.save()
    assert "1 place de la Démonstration" not in client.get(page).content.decode()


def test_an_archived_service_is_gone_at_once_from_its_region_page(client, demo, monkeypatch):
    from apps.core import pagecache
    from apps.directory.models.organizations import PublicationStatus

    service = Service.objects.get(name="Example National Helpline")
    assert "Example National Helpline" in client.get("/en/r/fr/").content.decode()
    monkeypatch.setattr(pagecache, "_claim_rebuild", lambda key, generation: False)
    service.status = PublicationStatus.ARCHIVED
    service.save()
    assert "Example National Helpline" not in client.get("/en/r/fr/").content.decode()
    assert client.get(f"/en/s/{service.pk}/").status_code == 404


def test_an_ordinary_edit_through_the_orm_purges_softly(client, demo, monkeypatch):
    from apps.core import pagecache

    service = Service.objects.get(name="Example National Helpline")
    page = f"/en/s/{service.pk}/"
    client.get(page)
    monkeypatch.setattr(pagecache, "_claim_rebuild", lambda key, generation: False)
    service.name_en = "Renamed Example Helpline"
    service.save()
    assert "Renamed" not in client.get(page).content.decode()  # for a few seconds at most


def _line_open_on_wednesdays(service):
    Channel.objects.filter(service=service).delete()
    channel = Channel.objects.create(
        service=service, kind="voice", number="+33199001099", label_en="Test line"
    )
    # Open on Wednesdays 09:00-17:00 in the service's time zone; 2026-11-25 is a Wednesday.
    channel.periods.create(weekday=2, opens="09:00", closes="17:00")
    return channel


def test_the_clock_does_not_empty_the_cache_and_open_now_stays_exact(
    client, demo, django_assert_num_queries
):
    service = Service.objects.get(name="Example National Helpline")
    _line_open_on_wednesdays(service)
    zone = ZoneInfo(service.time_zone)
    page = f"/en/s/{service.pk}/"
    with time_machine.travel(dt.datetime(2026, 11, 25, 16, 59, 30, tzinfo=zone), tick=False):
        assert "Open now" in client.get(page).content.decode()
    # Past the closing time: the same kept page, without a query, now says closed.
    with (
        time_machine.travel(dt.datetime(2026, 11, 25, 17, 0, 30, tzinfo=zone), tick=False),
        django_assert_num_queries(0),
    ):
        later = client.get(page).content.decode()
    assert "Open now" not in later
    assert "Closed now · opens Thursday" not in later  # it opens on Wednesdays only
    assert "is-closed" in later
    # Compressed answers carry the same status.
    with time_machine.travel(dt.datetime(2026, 12, 2, 9, 30, tzinfo=zone), tick=False):
        import gzip

        answer = client.get(page, HTTP_ACCEPT_ENCODING="gzip")
        assert "Open now" in gzip.decompress(answer.content).decode()


def test_the_kept_page_holds_no_status_only_its_place(client, demo):
    from django.core.cache import cache

    service = Service.objects.get(name="Example National Helpline")
    _line_open_on_wednesdays(service)
    zone = ZoneInfo(service.time_zone)
    from apps.core.pagecache import page_name

    with time_machine.travel(dt.datetime(2026, 11, 25, 12, 0, tzinfo=zone), tick=False):
        assert "Open now" in client.get(f"/en/s/{service.pk}/").content.decode()
        # Read while the clock is still there: the entry expires by the clock.
        kept = cache.get(f"public:{page_name('en', f'/en/s/{service.pk}/')}")
    import zlib

    _generation, _type, compressed, ids = kept
    assert b"Open now" not in zlib.decompress(compressed)
    assert b"is-open" not in zlib.decompress(compressed)
    assert ids == [service.channels.get().pk]


def _status_of_test_line(html: str) -> str:
    line = re.search(
        r'<li class="channel">(?:(?!</li>).)*Test line(?:(?!</li>).)*</li>', html, re.S
    )
    status = re.search(r'<span class="status (is-open|is-closed)">', line.group(0))
    return status.group(1) if status else ""


def test_search_results_fill_open_now_for_each_answer(client, demo):
    service = Service.objects.get(name="Example National Helpline")
    _line_open_on_wednesdays(service)
    zone = ZoneInfo(service.time_zone)
    origin = {"HTTP_ORIGIN": "http://testserver"}
    with time_machine.travel(dt.datetime(2026, 11, 25, 16, 59, tzinfo=zone), tick=False):
        found = client.post("/en/find/", {"q": "helpline"}, follow=True, **origin)
        assert _status_of_test_line(found.content.decode()) == "is-open"
        results = found.redirect_chain[-1][0]
    with time_machine.travel(dt.datetime(2026, 11, 25, 17, 1, tzinfo=zone), tick=False):
        again = client.get(results).content.decode()
    assert _status_of_test_line(again) == "is-closed"


def test_a_kept_page_is_filled_with_each_status_or_nothing():
    from apps.core import pagecache

    html = ("<p>é" + "x" * 70_000 + "</p>" + pagecache.STATUS_PLACEHOLDER.format(7)).encode()
    html += b"<p>between</p>" + pagecache.STATUS_PLACEHOLDER.format(8).encode() + b"<p>end</p>"
    kept = pagecache._pieces(html, "g", "text/html")
    assert kept[3] == [7, 8]
    statuses = {7: b"<span>Open now</span>"}  # 8 says nothing
    expected = html.replace(pagecache.STATUS_PLACEHOLDER.format(7).encode(), statuses[7])
    expected = expected.replace(pagecache.STATUS_PLACEHOLDER.format(8).encode(), b"")
    assert pagecache._assemble(kept, statuses) == expected


def _approved(service, values, model=Service, instance=None):
    from apps.curation.models import StaffProfile
    from apps.curation.services import proposal_approve, proposal_submit
    from tests.curation.conftest import make_staff

    editor = make_staff("editor", StaffProfile.Role.PARTNER_EDITOR, service.organization)
    coordinator = make_staff("coordinator", StaffProfile.Role.COORDINATOR)
    proposal = proposal_submit(by=editor, model=model, instance=instance or service, values=values)
    proposal_approve(proposal=proposal, by=coordinator)


def test_an_approved_edit_that_hides_nothing_is_published_softly(
    client, demo, settings, monkeypatch
):
    from apps.core import pagecache

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    service = Service.objects.get(name="Example National Helpline")
    page = f"/en/s/{service.pk}/"
    client.get(page)
    _approved(service, {"description_en": "A brand new description of this line."})
    monkeypatch.setattr(pagecache, "_claim_rebuild", lambda key, generation: False)
    assert "brand new description" not in client.get(page).content.decode()
    monkeypatch.undo()
    client.get(page)  # answered with the previous copy, then built again
    assert "brand new description" in client.get(page).content.decode()


def test_an_approved_number_change_is_never_followed_by_the_old_number(
    client, demo, settings, monkeypatch
):
    from apps.core import pagecache

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    service = Service.objects.get(name="Example National Helpline")
    channel = service.channels.filter(kind="voice").first()
    old = channel.number
    page = f"/en/s/{service.pk}/"
    assert old in client.get(page).content.decode()
    monkeypatch.setattr(pagecache, "_claim_rebuild", lambda key, generation: False)
    _approved(service, {"number": "+33199001234"}, model=Channel, instance=channel)
    answer = client.get(page).content.decode()
    assert old not in answer
    assert "+33199001234" in answer
