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
    # (0 for "anywhere"). Search still joins the public querysets for every other filter.
    published = models.BooleanField(_("published"), default=False)
    area_ids = ArrayField(models.BigIntegerField(), verbose_name=_("areas"), default=list)
    # Every language's service name, for trigram matching of misspellings.
    names = models.TextField(_("names"), blank=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")

    def __str__(self):
        return str(self.service_id)
