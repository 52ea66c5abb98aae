"""Background work, delivered from the outbox (RR-6…RR-8).

A request records an OutboxMessage in its own transaction; after commit its id is handed
to the broker by a background thread of the process (``handoff``), so no request waits
on the broker, even a paused one (RR-7). If the broker is away the id is let go: the row
stays undelivered and ``outbox_flush`` (Celery beat, every minute) delivers it.
``outbox_deliver`` locks the row, does the work once and marks it delivered, so running it
twice sends one email.
"""

import logging
import os
import queue
import threading
import time

from celery import current_app, shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from apps.core import pagecache

from .models import OutboxMessage

logger = logging.getLogger(__name__)


def enqueue_after_commit(message_id: int) -> None:
    transaction.on_commit(lambda: handoff.put(message_id))


class Handoff:
    """Hands outbox ids to the broker from one thread per process (RR-7).

    A request only puts an id on a queue. The thread publishes it; when the broker fails
    (stopped, paused, unreachable) the id is let go, and for ``BACK_OFF`` seconds further
    ids are let go without trying, so a paused broker does not pile up work here. The
    flush delivers what was let go. Without a broker (the laptop demo, tests), tasks run
    eagerly in the request, as before.
    """

    BACK_OFF = 10.0

    def __init__(self):
        self._queue = queue.Queue()
        self._thread = None
        self._pid = None
        self._lock = threading.Lock()
        self._down_until = 0.0

    def put(self, message_id: int) -> None:
        if current_app.conf.task_always_eager:
            self._send(message_id)
            return
        self._ensure_thread()
        self._queue.put(message_id)

    def drain(self, timeout: float = 10.0) -> bool:
        """Wait until every id put so far was handed over or let go (tests, shutdown)."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def _ensure_thread(self) -> None:
        # After a fork (gunicorn preloads the app) the parent's thread is not running here.
        if self._pid == os.getpid() and self._thread is not None and self._thread.is_alive():
            return
        with self._lock:
            if self._pid != os.getpid() or self._thread is None or not self._thread.is_alive():
                if self._pid != os.getpid():
                    self._queue = queue.Queue()
                self._pid = os.getpid()
                self._thread = threading.Thread(
                    target=self._run, name="outbox-handoff", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while True:
            message_id = self._queue.get()
            try:
                if time.monotonic() < self._down_until:
                    logger.info("broker unavailable, outbox %s left for flush", message_id)
                else:
                    self._send(message_id)
            finally:
                self._queue.task_done()

    def _send(self, message_id: int) -> None:
        try:
            outbox_deliver.apply_async((message_id,), retry=False)
        except Exception as error:  # noqa: BLE001 - broker away: the flush will deliver it
            if not current_app.conf.task_always_eager:
                self._down_until = time.monotonic() + self.BACK_OFF
            logger.warning(
                "broker unavailable, outbox %s left for flush: %s", message_id, type(error).__name__
            )


handoff = Handoff()


@shared_task(acks_late=True, ignore_result=True)
def outbox_deliver(message_id: int) -> bool:
    try:
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(pk=message_id, delivered_at__isnull=True)
                .first()
            )
            if message is None:
                return False  # delivered already, or being delivered by another worker
            HANDLERS[message.kind](message.payload)
            message.attempts += 1
            message.last_error = ""
            message.delivered_at = timezone.now()
            message.save(update_fields=["attempts", "delivered_at", "last_error"])
    except Exception as error:
        # Recorded outside the rolled-back transaction, so the next flush knows.
        OutboxMessage.objects.filter(pk=message_id).update(
            attempts=F("attempts") + 1, last_error=type(error).__name__[:200]
        )
        if OutboxMessage.objects.dead().filter(pk=message_id).exists():
            logger.error("outbox %s not delivered after its last attempt: dead", message_id)
        raise
    return True


@shared_task(ignore_result=True)
def outbox_flush(limit: int = 200) -> int:
    """Deliver what the broker could not take at the time (beat, every minute)."""
    delivered = 0
    # Capped: a message that fails every time is tried MAX_ATTEMPTS times, then left dead.
    for message_id in OutboxMessage.objects.due().values_list("pk", flat=True)[:limit]:
        try:
            delivered += bool(outbox_deliver(message_id))
        except Exception as error:  # noqa: BLE001 - counted and kept for the next flush
            logger.warning("outbox %s not delivered: %s", message_id, type(error).__name__)
    return delivered


def send_email(payload: dict) -> None:
    """Rendered in the recipient's language; links only, never listing content (C7)."""
    with translation.override(payload.get("language") or "en"):
        context = {
            **payload.get("context", {}),
            "SITE_NAME": settings.SITE_NAME,
            "BASE_URL": settings.BASE_URL,
        }
        subject = render_to_string(
            f"curation/email/{payload['template']}_subject.txt", context
        ).strip()
        body = render_to_string(f"curation/email/{payload['template']}.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [payload["to"]])


def purge_cache(payload: dict) -> None:
    # Messages written before soft purges existed purge hard.
    pagecache.purge(hard=payload.get("hard", True))


HANDLERS = {
    OutboxMessage.Kind.EMAIL: send_email,
    OutboxMessage.Kind.CACHE_PURGE: purge_cache,
}


REMINDER_DAYS = (30, 7, 0)


@shared_task(ignore_result=True)
def verification_reminders(today=None) -> int:
    """Remind partners 30 and 7 days before a listing's verify-by date, and on the day.

    Safe to run as often as beat likes: each reminder has its own outbox key (C4).
    """
    import datetime as dt

    from apps.directory.models import Service

    from .models import StaffProfile
    from .services import notify

    today = today or timezone.localdate()
    recorded = 0
    for days in REMINDER_DAYS:
        due = today + dt.timedelta(days=days)
        services = Service.objects.published().filter(verify_by=due)
        for service in services:
            staff = StaffProfile.objects.filter(
                organization_id=service.organization_id, role__in=StaffProfile.PARTNER_ROLES
            ).select_related("user")
            for profile in staff:
                with transaction.atomic():
                    notify(
                        user=profile.user,
                        template="verify_reminder",
                        key=f"verify:{service.pk}:{service.verify_by}:{days}:{profile.user_id}",
                        context={
                            "service": service.pk,
                            "days": days,
                            "verify_by": service.verify_by.isoformat(),
                        },
                    )
                recorded += 1
    return recorded


@shared_task(ignore_result=True)
def purge_resolved_reports() -> int:
    """Problem reports are deleted 90 days after they were resolved (C5)."""
    from .reports import reports_purge

    return reports_purge()


@shared_task(ignore_result=True)
def purge_decided_applications() -> int:
    """Applications to be listed, with their private contact for vetting and references,
    are deleted 90 days after they were approved or rejected (issue #22)."""
    from .applications import applications_purge

    return applications_purge()


@shared_task(ignore_result=True)
def purge_expired_sessions() -> None:
    """Ended staff sessions leave the database: opening the sign-in page starts one, for
    its CSRF token (CSRF_USE_SESSIONS, decision 0010)."""
    from importlib import import_module

    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
