"""Reference codes: the only thing the referrals app stores (R4).

A code reopens a list of services for a limited time. It holds the service ids and the
expiry, nothing else: no language, no note, no address, no time of creation beyond what
the expiry implies, and no link to the person it was made for.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Digits and consonants only: no vowels, so a code can never spell a word (sensitive or
# rude), and no 0/O, 1/I/L look-alikes, so it can be read out over the phone.
ALPHABET = "23456789BCDFGHJKMNPQRSTVWXZ"
CODE_LENGTH = 10  # 27**10 ≈ 2 × 10^14 codes (47 bits)


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(value: str) -> str | None:
    """The canonical form of a typed or scanned code, or None if it cannot be one."""
    cleaned = "".join(value.split()).replace("-", "").upper()
    if len(cleaned) == CODE_LENGTH and all(char in ALPHABET for char in cleaned):
        return cleaned
    return None


def code_lifetime() -> dt.timedelta:
    return dt.timedelta(days=getattr(settings, "WAYMARK_REFERENCE_CODE_DAYS", 30))


class ReferenceCodeQuerySet(models.QuerySet):
    def active(self, now: dt.datetime | None = None):
        """Codes that still reopen their list."""
        return self.filter(expires_at__gt=now or timezone.now())

    def expired(self, now: dt.datetime | None = None):
        return self.filter(expires_at__lte=now or timezone.now())


class ReferenceCode(models.Model):
    # The code is the primary key, so the table has no sequential id that would tell
    # anyone how many lists were made, or in which order.
    code = models.CharField(_("code"), max_length=CODE_LENGTH, primary_key=True, editable=False)
    service_ids = models.JSONField(_("service ids"))
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    objects = ReferenceCodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("reference code")
        verbose_name_plural = _("reference codes")

    def __str__(self):
        return self.display

    @property
    def display(self) -> str:
        """Grouped for reading aloud: BCDFG-23456."""
        half = CODE_LENGTH // 2
        return f"{self.code[:half]}-{self.code[half:]}"

    def is_expired(self, now: dt.datetime | None = None) -> bool:
        return self.expires_at <= (now or timezone.now())
