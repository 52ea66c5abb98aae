from django.db import models
from django.utils.translation import gettext_lazy as _


class Taxonomy(models.Model):
    """A vocabulary of terms (HSDS taxonomy): service types, populations, trust, ..."""

    SERVICE_TYPE = "service-type"
    POPULATION = "population"
    TRAFFICKING_TYPE = "trafficking-type"
    TRUST = "trust"

    slug = models.SlugField(_("identifier"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    uri = models.URLField(_("URI"), blank=True)
    version = models.CharField(_("version"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("taxonomy")
        verbose_name_plural = _("taxonomies")
        ordering = ["slug"]

    def __str__(self):
        return self.name


class TaxonomyTermQuerySet(models.QuerySet):
    def of(self, taxonomy_slug: str):
        return self.filter(taxonomy__slug=taxonomy_slug)


class TaxonomyTerm(models.Model):
    taxonomy = models.ForeignKey(
        Taxonomy, models.PROTECT, related_name="terms", verbose_name=_("taxonomy")
    )
    code = models.SlugField(_("code"), max_length=80)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("broader term"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # "Get help now" and grouping on region pages follow this order.

    objects = TaxonomyTermQuerySet.as_manager()

    class Meta:
        verbose_name = _("taxonomy term")
        verbose_name_plural = _("taxonomy terms")
        ordering = ["taxonomy", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["taxonomy", "code"], name="term_code_unique")
        ]

    def __str__(self):
        return self.name
