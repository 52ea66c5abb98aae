"""Writes of the referrals app: creating and purging reference codes."""

import datetime as dt
import logging
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.directory.models import Service

from .models import ReferenceCode, code_lifetime, new_code

logger = logging.getLogger(__name__)

ATTEMPTS = 5


class EmptyList(ValueError):
    """None of the ids names a published service."""


def reference_code_create(
    *, service_ids: Sequence[int], now: dt.datetime | None = None
) -> ReferenceCode:
    """A fresh random code that reopens these published services until it expires."""
    published = set(
        Service.objects.published().filter(pk__in=service_ids).values_list("pk", flat=True)
    )
    ids = [pk for pk in dict.fromkeys(service_ids) if pk in published]
    if not ids:
        raise EmptyList
    expires_at = (now or timezone.now()) + code_lifetime()
    for _attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                return ReferenceCode.objects.create(
                    code=new_code(), service_ids=ids, expires_at=expires_at
                )
        except IntegrityError:
            # Two random codes met (about one chance in 10^14 per pair); draw again.
            logger.warning("reference code collision; drawing another")
    raise RuntimeError("could not draw an unused reference code")


def reference_codes_purge(*, now: dt.datetime | None = None) -> int:
    """Delete every expired code; returns how many went."""
    deleted, _by_model = ReferenceCode.objects.expired(now).delete()
    return deleted
