from django.db import models
from django.utils.translation import gettext_lazy as _

# Deliveries tried at most this often (the flush runs every minute); then the message is
# "dead": kept, shown on the staff home, and tried again only when a coordinator asks.
MAX_ATTEMPTS = 8


class OutboxQuerySet(models.QuerySet):
    def undelivered(self):
        return self.filter(delivered_at__isnull=True)

    def due(self):
        """Undelivered and still to be tried."""
        return self.undelivered().filter(attempts__lt=MAX_ATTEMPTS)

    def dead(self):
        """Undelivered after every attempt: a person must look (the staff home says so)."""
        return self.undelivered().filter(attempts__gte=MAX_ATTEMPTS)


class OutboxMessage(models.Model):
    """Work to do after a change, recorded in the change's own transaction (RR-6).

    Celery delivers it when the broker is available; ``key`` makes recording idempotent
    and ``delivered_at`` makes delivery happen once.
    """

    class Kind(models.TextChoices):
        EMAIL = "email", _("Email")
        CACHE_PURGE = "cache_purge", _("Cache purge")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    payload = models.JSONField(_("payload"), default=dict)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True, db_index=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox")
        ordering = ["created_at"]

    def __str__(self):
        return self.key

    @property
    def is_dead(self) -> bool:
        return self.delivered_at is None and self.attempts >= MAX_ATTEMPTS
