"""Background imports: a task takes the job's id, after the upload has committed."""

import logging

from celery import shared_task
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_import(job_id: int) -> None:
    """Hand the job to the broker after commit; if it is away, the job stays queued and
    its page offers to start it again (the upload never waits on the broker, RR-7)."""

    def send():
        try:
            import_job_run.apply_async((job_id,), retry=False)
        except Exception as error:  # noqa: BLE001 - broker away: the job waits, visibly
            logger.warning(
                "broker unavailable, import %s left queued: %s", job_id, type(error).__name__
            )

    transaction.on_commit(send)


@shared_task(acks_late=True, ignore_result=True)
def import_job_run(job_id: int) -> None:
    from .services import import_job_process

    import_job_process(job_id)
