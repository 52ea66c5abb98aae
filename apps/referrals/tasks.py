"""Background work of the referrals app: only the daily purge of expired codes."""

from celery import shared_task

from .services import reference_codes_purge


@shared_task(ignore_result=True)
def purge_reference_codes() -> int:
    """Delete expired reference codes; idempotent, so running it twice is harmless."""
    return reference_codes_purge()
