from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxQuerySet(models.QuerySet):
    def undelivered(self):
        return self.filter(delivered_at__isnull=True)


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
