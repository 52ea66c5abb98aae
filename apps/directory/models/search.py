from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from .organizations import Service


class ServiceSearch(models.Model):
    """The searchable words of one service, derived from its public text (D3).

    Never written by Python: on PostgreSQL, triggers installed by migration 0005
    (``apps.directory.search.index_sql``) keep each row equal to its service and
    organisation, whoever writes them (admin, approvals, imports, bulk loads). The GIN
    indexes live in that migration too, because they exist only on PostgreSQL. On SQLite
    the table stays empty and search falls back to containment.
    """

    service = models.OneToOneField(
        Service, models.CASCADE, primary_key=True, related_name="search", editable=False
    )
    # Public text of every language, weighted: names A, descriptions B. Matched through
    # its GIN index, never read row by row: at several kilobytes it lives out of line.
    document = SearchVectorField(_("search document"), null=True)
    # Only the names (service and organisation, every language): small enough to rank
    # thousands of matches quickly.
    names_document = SearchVectorField(_("names search document"), null=True)
    # The first name filled in, in interface-language order: a stable tie-break.
    title = models.TextField(_("title"), blank=True)
    # Copies of what decides whether and where a service is found, so a search reads one
    # table: service and organisation published; the regions of its service areas
    # (0 for "anywhere").
    published = models.BooleanField(_("published"), default=False)
    area_ids = ArrayField(models.BigIntegerField(), verbose_name=_("areas"), default=list)
    # Copies of what the public filters ask (filters.py), so a filtered search is one
    # statement over this table instead of a correlated query per filter (issue #20):
    # the languages of the service and of its channels, its taxonomy terms (kinds of
    # help, populations, trust attributes), its channels' kinds, whether a channel is
    # open 24 hours, and whether it is free of charge. "Open now" reads WeeklyOpening.
    language_ids = ArrayField(models.BigIntegerField(), verbose_name=_("languages"), default=list)
    term_ids = ArrayField(models.BigIntegerField(), verbose_name=_("attributes"), default=list)
    channel_kinds = ArrayField(
        models.CharField(max_length=10), verbose_name=_("contact channels"), default=list
    )
    always_open = models.BooleanField(_("open 24 hours, 7 days"), default=False)
    is_free = models.BooleanField(_("free of charge"), null=True)
    # Every language's service name, for trigram matching of misspellings.
    names = models.TextField(_("names"), blank=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")

    def __str__(self):
        return str(self.service_id)


class WeeklyOpening(models.Model):
    """One interval of a channel's regular week, in seconds from Monday 00:00 in its
    service's time zone (issue #20): "open now" becomes a range check per service
    instead of a condition per time zone over every channel.

    Never written by Python: triggers (``apps.directory.search.index_sql``) rebuild a
    channel's rows whenever its weekly hours, the channel or its service change. A
    period past midnight ends after the next day's start (``ends`` up to Tuesday for a
    Monday night); one past Sunday midnight is split at the end of the week. A 24-hour
    channel has a row per day. ``day`` is the weekday the period belongs to, so a dated
    exception or a public holiday of that day can void it. Dated exceptions are not
    here: the few channels with one near the moment asked are judged in Python
    (``Channel.is_open``). PostgreSQL only; on SQLite the table stays empty.
    """

    # Kept by triggers, deleted by triggers: Django collects nothing here.
    service = models.ForeignKey(
        Service, models.DO_NOTHING, db_constraint=False, related_name="+", editable=False
    )
    channel = models.ForeignKey(
        "directory.Channel",
        models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        editable=False,
    )
    day = models.PositiveSmallIntegerField(_("day"))
    starts = models.IntegerField(_("opens"))
    ends = models.IntegerField(_("closes"))
    time_zone = models.CharField(_("time zone"), max_length=64)
    # The service's public-holiday region, for a channel closed on public holidays.
    holiday_region_id = models.BigIntegerField(_("public holidays of"), null=True)

    class Meta:
        verbose_name = _("opening period")
        verbose_name_plural = _("opening hours")

    def __str__(self):
        return f"{self.channel_id}: {self.starts}–{self.ends}"
