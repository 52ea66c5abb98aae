import pycountry
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.i18n import country_name


class RegionQuerySet(models.QuerySet):
    def countries(self):
        return self.filter(kind=Region.Kind.COUNTRY)


class Region(models.Model):
    """A country (ISO 3166-1), a subdivision (ISO 3166-2) or a locality within one."""

    class Kind(models.TextChoices):
        COUNTRY = "country", _("Country")
        SUBDIVISION = "subdivision", _("Subdivision")
        LOCALITY = "locality", _("Locality")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("ISO 3166-1 alpha-2 for a country, ISO 3166-2 for a subdivision."),
    )
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    name = models.CharField(
        _("name"),
        max_length=200,
        blank=True,
        help_text=_("Only needed where the standard name does not fit, and for localities."),
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    # A fixed point used in place of a confidential location's coordinates (SR-3).
    centroid_latitude = models.DecimalField(
        _("centre latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    centroid_longitude = models.DecimalField(
        _("centre longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the reader's language: CLDR for countries, ISO 3166-2 otherwise."""
        if self.name:
            return self.name
        if self.kind == self.Kind.COUNTRY:
            return country_name(self.code)
        subdivision = pycountry.subdivisions.get(code=self.code)
        return subdivision.name if subdivision else self.code

    @property
    def slug(self) -> str:
        return self.code.lower()

    @property
    def country(self) -> "Region":
        region = self
        while region.parent_id is not None:
            region = region.parent
        return region

    def lineage(self) -> list["Region"]:
        """This region and every region containing it, nearest first."""
        chain, region = [], self
        while region is not None:
            chain.append(region)
            region = region.parent
        return chain
