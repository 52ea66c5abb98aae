"""Public problem reports: no account, no cookie, nothing about the sender (C5, SR-20, SR-21).

A visitor may be on a phone someone else checks, and the host may receive legal demands:
the report holds what is wrong with the listing and nothing about who said so.
"""

import datetime as dt
import logging
import re
import types
import uuid

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import translation

from apps.core.sensitive_words import find_sensitive
from apps.curation.models import OutboxMessage, ProblemReport, StaffProfile
from apps.curation.reports import report_resolve, reports_purge
from apps.curation.tasks import outbox_flush, purge_resolved_reports
from apps.directory.models.organizations import PublicationStatus
from tests.directory.factories import OrganizationFactory, ServiceFactory
from tests.public_routes import LANGUAGE_CODES

CLIENT_ADDRESS = "203.0.113.77"
CLIENT_AGENT = "CanaryBrowser/7.7 (unique-agent-string)"
CANARY = "canary-words-zq81"
SAME_ORIGIN = {"HTTP_ORIGIN": "http://testserver"}


def make_user(name, role, organization=None, language="en"):
    # No password: these users never sign in here, and hashing one costs a second.
    user = get_user_model().objects.create_user(name, f"{name}@example.org")
    StaffProfile.objects.create(user=user, role=role, organization=organization, language=language)
    return user


@pytest.fixture
def cast(db):
    with translation.override("en"):  # content written in English, whatever the last test left
        return _cast()


def _cast():
    partner_a = OrganizationFactory(name="Partner A")
    partner_b = OrganizationFactory(name="Partner B")
    return types.SimpleNamespace(
        partner_a=partner_a,
        partner_b=partner_b,
        editor_a=make_user("editor_a", "editor", partner_a, language="fr"),
        editor_b=make_user("editor_b", "editor", partner_b),
        coordinator=make_user("coordinator", "coordinator"),
        # A name with a sensitive word: it may appear in the page, never in the title.
        service=ServiceFactory(organization=partner_a, name="Example Emergency Shelter"),
    )


def note_url(service_or_pk, language="en"):
    pk = getattr(service_or_pk, "pk", service_or_pk)
    return f"/{language}/s/{pk}/note/"


def send(client, service, language="en", address=CLIENT_ADDRESS, headers=None, **data):
    data = {"category": "number", "message": "", **data}
    extra = SAME_ORIGIN if headers is None else headers
    return client.post(
        note_url(service, language),
        data,
        REMOTE_ADDR=address,
        HTTP_USER_AGENT=CLIENT_AGENT,
        **extra,
    )


def title_of(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)


@pytest.fixture
def dead_store(settings):
    """The rate-limit store is a Redis where nothing listens."""
    settings.CACHES = {
        "default": {
            "BACKEND": "apps.core.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }


@pytest.fixture
def all_logs(caplog):
    """Every record, including django.request's, which does not propagate to the root."""
    caplog.set_level(logging.DEBUG)
    names = ("django.request", "django.server", "django.security")
    for name in names:
        logging.getLogger(name).addHandler(caplog.handler)
    yield caplog
    for name in names:
        logging.getLogger(name).removeHandler(caplog.handler)


# --- the form -------------------------------------------------------------------------


def test_the_form_works_without_javascript_and_sets_no_cookie(client, cast):
    response = client.get(note_url(cast.service))
    html = response.content.decode()
    assert response.status_code == 200
    assert not response.cookies
    assert f'<form method="post" action="{note_url(cast.service)}"' in html
    assert 'name="category"' in html and 'name="message"' in html
    assert "csrfmiddlewaretoken" not in html
    assert title_of(response).startswith("Send a note")


def test_the_honeypot_is_hidden_from_people_and_out_of_the_tab_order(client, cast):
    html = client.get(note_url(cast.service)).content.decode()
    hidden = re.search(r'<div class="visually-hidden" aria-hidden="true">(.*?)</div>', html, re.S)
    assert hidden, "the honeypot sits in an aria-hidden, visually hidden wrapper"
    assert "Leave this empty" in hidden.group(1)
    assert 'name="website"' in hidden.group(1) and 'tabindex="-1"' in hidden.group(1)


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_titles_are_neutral_in_every_language(client, cast, language):
    for response in (
        client.get(note_url(cast.service, language)),
        client.get(f"/{language}/s/{cast.service.pk}/note/sent/"),
    ):
        assert response.status_code == 200
        assert not find_sensitive(title_of(response), language), title_of(response)
        assert not find_sensitive(response.request["PATH_INFO"], language)


def test_arabic_pages_are_right_to_left(client, cast):
    form = client.get(note_url(cast.service, "ar")).content.decode()
    assert '<html lang="ar" dir="rtl">' in form
    response = send(client, cast.service, language="ar")
    assert response.status_code == 303
    assert response["Location"] == f"/ar/s/{cast.service.pk}/note/sent/"
    assert '<html lang="ar" dir="rtl">' in client.get(response["Location"]).content.decode()


def test_a_hidden_listing_answers_the_same_404_as_a_missing_one(client, cast):
    draft = ServiceFactory(organization=cast.partner_a, status=PublicationStatus.DRAFT)
    closed_org = OrganizationFactory(status=PublicationStatus.ARCHIVED)
    archived_owner = ServiceFactory(organization=closed_org)
    missing = client.get(note_url(999999))
    assert missing.status_code == 404
    for pk in (draft.pk, archived_owner.pk):
        for response in (
            client.get(note_url(pk)),
            send(client, pk),
            client.get(f"/en/s/{pk}/note/sent/"),
        ):
            assert response.status_code == 404
            assert response.content == missing.content
            assert not response.cookies
    assert not ProblemReport.objects.exists()


# --- sending --------------------------------------------------------------------------


def test_a_report_lands_in_the_owning_partners_queue(client, cast):
    response = send(client, cast.service, category="hours", message="Closed on Mondays now.")
    assert response.status_code == 303
    assert response["Location"] == f"/en/s/{cast.service.pk}/note/sent/"
    assert not response.cookies
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200 and not thanks.cookies
    assert "Thank you" in thanks.content.decode()

    report = ProblemReport.objects.get()
    assert report.service == cast.service
    assert report.organization == cast.partner_a
    assert report.category == ProblemReport.Category.WRONG_HOURS
    assert report.message == "Closed on Mondays now."
    assert report.status == ProblemReport.Status.OPEN
    assert list(ProblemReport.objects.visible_to(cast.editor_a)) == [report]
    assert not ProblemReport.objects.visible_to(cast.editor_b).exists()
    assert list(ProblemReport.objects.visible_to(cast.coordinator)) == [report]


def test_something_else_needs_details(client, cast):
    response = send(client, cast.service, category="other", message="   ")
    assert response.status_code == 400
    assert not ProblemReport.objects.exists()


def test_nothing_identifying_the_sender_is_stored_anywhere(client, cast):
    send(client, cast.service, message=f"New number {CANARY}")
    report = ProblemReport.objects.get()
    assert {f.name for f in ProblemReport._meta.get_fields()} == {
        "id",
        "service",
        "organization",
        "category",
        "message",
        "created_at",
        "status",
        "resolved_at",
        "resolved_by",
    }
    assert report.message == f"New number {CANARY}"
    # Every column of every table: the address and browser appear nowhere.
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            dump = repr(cursor.fetchall())
            assert CLIENT_ADDRESS not in dump, table
            assert "unique-agent-string" not in dump, table
    # Nor in the rate-limit store's keys or values.
    from django.core.cache import cache

    store = getattr(cache, "_cache", {})
    if isinstance(store, dict):
        assert CLIENT_ADDRESS not in repr(list(store.keys()))


def test_a_filled_honeypot_looks_like_success_and_stores_nothing(client, cast):
    response = send(client, cast.service, message="buy now", website="https://spam.example")
    assert response.status_code == 303
    assert response["Location"] == f"/en/s/{cast.service.pk}/note/sent/"
    assert not response.cookies
    assert not ProblemReport.objects.exists()
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
    ],
    ids=["no-origin", "foreign-origin", "null-origin", "cross-site-fetch", "same-site-fetch"],
)
def test_a_post_from_elsewhere_is_refused(client, cast, headers):
    response = send(client, cast.service, headers=headers, message=CANARY)
    assert response.status_code == 403
    assert CANARY not in response.content.decode()
    assert not response.cookies
    assert not ProblemReport.objects.exists()


def test_a_browser_saying_same_origin_is_accepted(client, cast):
    response = send(client, cast.service, headers={"HTTP_SEC_FETCH_SITE": "same-origin"})
    assert response.status_code == 303
    assert ProblemReport.objects.count() == 1


# --- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "message",
    [
        CANARY + "x" * 2000,
        CANARY + "y" * 10_001,
        CANARY + "\U0001f600" * 5000,
        CANARY + "e\u0301" * 1500,
    ],
    ids=["2001+", "10001+", "5000-emoji", "combining-flood"],
)
def test_an_oversized_message_is_refused_without_echoing_it(client, cast, message):
    response = send(client, cast.service, message=message)
    html = response.content.decode()
    assert response.status_code == 400
    assert CANARY not in html
    assert "at most 2000 characters" in html
    assert not response.cookies
    assert not ProblemReport.objects.exists()


def test_an_oversized_body_is_refused_unread(client, cast):
    response = send(client, cast.service, message="ok", padding=CANARY + "z" * 40_000)
    assert response.status_code == 400
    assert CANARY not in response.content.decode()
    assert not ProblemReport.objects.exists()


def test_bidi_controls_are_stripped_before_staff_read_the_text(client, cast):
    sent = "Number is \u202e1000 99 33+\u202c now, \u2067right\u2069 \u200fmark"
    assert send(client, cast.service, message=sent).status_code == 303
    stored = ProblemReport.objects.get().message
    assert stored == "Number is 1000 99 33+ now, right \u200fmark"


@pytest.mark.parametrize("message", [f"{CANARY}\x00", f"{CANARY}\x1b[2J", f"{CANARY}\x08"])
def test_control_characters_are_refused_with_a_message(client, cast, message):
    response = send(client, cast.service, message=message)
    html = response.content.decode()
    assert response.status_code == 400
    assert CANARY not in html
    assert 'class="error"' in html
    assert not ProblemReport.objects.exists()


def test_markup_and_lookups_are_plain_text(client, cast):
    markup = '"><svg onload=alert(1)> {{ 7*7 }} {% debug %}'
    response = send(client, cast.service, category=markup, message=markup, id__gt="0")
    html = response.content.decode()
    assert response.status_code == 400
    assert "<svg onload" not in html and "{% debug %}" not in html and "49" not in html
    response = send(client, cast.service, message=markup, _connector="OR")
    assert response.status_code == 303
    assert ProblemReport.objects.get().message == markup


def test_undecodable_bytes_never_cause_a_500(client, cast):
    response = client.post(
        note_url(cast.service),
        data=b"category=number&message=%ED%A0%80%FF%FE",
        content_type="application/x-www-form-urlencoded",
        **SAME_ORIGIN,
    )
    assert response.status_code in (303, 400)


def test_unknown_methods_are_refused(client, cast):
    assert client.put(note_url(cast.service), **SAME_ORIGIN).status_code == 405
    assert client.post(f"/en/s/{cast.service.pk}/note/sent/", **SAME_ORIGIN).status_code == 405


# --- rate limit and store outage -----------------------------------------------------------


def test_the_rate_limit_answers_429_after_five_reports_from_one_client(client, cast):
    for _ in range(5):
        assert send(client, cast.service).status_code == 303
    response = send(client, cast.service, message=CANARY)
    html = response.content.decode()
    assert response.status_code == 429
    assert "try again in an hour" in html
    assert CANARY not in html
    assert int(response["Retry-After"]) > 0
    assert not response.cookies
    assert ProblemReport.objects.count() == 5
    # Someone else is not held back by it.
    assert send(client, cast.service, address="198.51.100.9").status_code == 303


def test_honeypot_and_invalid_posts_use_up_the_limit_too(client, cast):
    for _ in range(3):
        send(client, cast.service, website="spam")
    for _ in range(2):
        send(client, cast.service, category="nonsense")
    assert send(client, cast.service).status_code == 429
    assert not ProblemReport.objects.exists()


def test_a_dead_limit_store_gives_a_friendly_503(client, cast, dead_store):
    response = send(client, cast.service, message=CANARY)
    html = response.content.decode()
    assert response.status_code == 503
    assert "Notes cannot be received right now" in html
    assert "listings and phone numbers are still available" in html
    assert CANARY not in html
    assert not response.cookies
    assert not ProblemReport.objects.exists()
    # The listing itself and the form still answer.
    assert client.get(f"/en/s/{cast.service.pk}/").status_code == 200
    assert client.get(note_url(cast.service)).status_code == 200


@pytest.mark.redis
def test_the_limit_counts_in_redis_under_a_pseudonym(client, cast, redis_url, settings):
    prefix = f"waymark-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "apps.core.cache.ResilientRedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix,
        }
    }
    for _ in range(5):
        assert send(client, cast.service).status_code == 303
    assert send(client, cast.service).status_code == 429
    redis = caches["default"]._cache.get_client(write=True)
    keys = redis.keys(f"{prefix}:*")
    try:
        assert keys, "the counter lives in Redis"
        stored = repr(keys) + repr([redis.get(key) for key in keys])
        assert CLIENT_ADDRESS not in stored
    finally:
        redis.delete(*keys)


def test_the_503_page_is_translated_and_right_to_left_in_arabic(client, cast, dead_store):
    response = send(client, cast.service, language="ar")
    assert response.status_code == 503
    assert '<html lang="ar" dir="rtl">' in response.content.decode()
    assert not find_sensitive(title_of(response), "ar")


def test_logs_carry_neither_the_message_nor_the_address(client, cast, all_logs, settings):
    send(client, cast.service, message=CANARY)
    send(client, cast.service, message=CANARY + "x" * 3000)
    send(client, cast.service, message=CANARY + "\x00")
    send(client, cast.service, headers={"HTTP_ORIGIN": "https://evil.example"}, message=CANARY)
    for _ in range(5):
        send(client, cast.service, message=CANARY)
    settings.CACHES = {
        "default": {
            "BACKEND": "apps.core.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    assert send(client, cast.service, message=CANARY).status_code == 503
    assert all_logs.records, "the 4xx/5xx answers were logged, so the check means something"
    for record in all_logs.records:
        text = record.getMessage() + repr(record.__dict__)
        assert CANARY not in text, record.name
        assert CLIENT_ADDRESS not in text, record.name


# --- the partner's side ----------------------------------------------------------------


def test_partner_staff_are_emailed_a_link_in_their_language_without_the_text(
    client, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send(client, cast.service, message=f"The number is wrong {CANARY}")
    report = ProblemReport.objects.get()
    message = OutboxMessage.objects.get()
    assert message.payload["to"] == cast.editor_a.email
    assert message.payload["language"] == "fr"
    assert message.payload["context"] == {"report": report.pk}
    assert CANARY not in repr(message.payload)
    outbox_flush()  # already delivered after commit: flushing again sends nothing more
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [cast.editor_a.email]
    assert f"/fr/staff/curation/problemreport/{report.pk}/change/" in email.body
    assert CANARY not in email.body and CANARY not in email.subject
    assert "wrong" not in email.body.lower()


def test_coordinators_hear_of_reports_for_a_partner_without_staff(client, cast):
    lonely = ServiceFactory(organization=OrganizationFactory(name="No staff"))
    send(client, lonely)
    assert [m.payload["to"] for m in OutboxMessage.objects.all()] == [cast.coordinator.email]


def test_only_the_owning_partner_or_a_coordinator_resolves_a_report(client, cast):
    send(client, cast.service)
    report = ProblemReport.objects.get()
    with pytest.raises(PermissionDenied):
        report_resolve(report=report, by=cast.editor_b)
    report_resolve(report=report, by=cast.editor_a)
    report.refresh_from_db()
    assert report.status == ProblemReport.Status.RESOLVED
    assert report.resolved_by == cast.editor_a and report.resolved_at is not None


# --- retention -------------------------------------------------------------------------


def test_resolved_reports_are_purged_90_days_after_resolution(client, cast):
    start = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        send(client, cast.service)
        send(client, cast.service, category="closed")
        resolved, still_open = ProblemReport.objects.order_by("pk")
        report_resolve(report=resolved, by=cast.editor_a)
    with time_machine.travel(start + dt.timedelta(days=89), tick=False):
        assert purge_resolved_reports() == 0
        assert reports_purge() == 0
    with time_machine.travel(start + dt.timedelta(days=90, minutes=1), tick=False):
        assert purge_resolved_reports() == 1
    assert list(ProblemReport.objects.all()) == [still_open]
    # An open report is never purged, however old: someone still has to act on it.
    with time_machine.travel(start + dt.timedelta(days=900), tick=False):
        assert reports_purge() == 0
    assert ProblemReport.objects.filter(pk=still_open.pk).exists()
