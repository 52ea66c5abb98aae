from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.i18n import translated_text

from .organizations import Organization, Service
from .regions import Region


class Location(models.Model):
    """A physical place (HSDS location). Its address may be confidential (D5)."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public address")
        REGION = "region", _("Region only")
        HIDDEN = "hidden", _("Hidden (contact through intake)")

    organization = models.ForeignKey(
        Organization, models.PROTECT, related_name="locations", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    visibility = models.CharField(
        _("visibility"),
        max_length=6,
        choices=Visibility.choices,
        default=Visibility.HIDDEN,
        help_text=_("Shelters should stay hidden or region-only."),
    )
    region = models.ForeignKey(
        Region, models.PROTECT, related_name="locations", verbose_name=_("region")
    )
    region_label = models.CharField(
        _("public area description"),
        max_length=200,
        blank=True,
        help_text=_("What the public sees for a region-only location, e.g. “central Lyon”."),
    )
    address_1 = models.CharField(_("street address"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    accessibility = models.TextField(_("accessibility"), blank=True)
    transportation = models.TextField(_("getting there"), blank=True)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC

    def public_view(self) -> dict:
        """What the public may know of this place; the only accessor public code uses (SR-1, SR-3).

        A region-only or hidden location gives no address and no coordinates of its own:
        at most the region's fixed centre.
        """
        # Texts are ``Text`` strings: they carry the language they are written in, so the
        # page can mark a fallback (L2).
        view = {"region": self.region}
        if self.is_public:
            view.update(
                accessibility=translated_text(self, "accessibility"),
                name=translated_text(self, "name"),
                address_1=translated_text(self, "address_1"),
                city=translated_text(self, "city"),
                postal_code=self.postal_code,
                latitude=self.latitude,
                longitude=self.longitude,
                transportation=translated_text(self, "transportation"),
            )
        elif self.visibility == self.Visibility.REGION:
            view.update(
                area=translated_text(self, "region_label") or self.region.display_name,
                latitude=self.region.centroid_latitude,
                longitude=self.region.centroid_longitude,
            )
        return view


class ServiceAtLocation(models.Model):
    service = models.ForeignKey(Service, models.CASCADE, related_name="service_at_locations")
    location = models.ForeignKey(Location, models.PROTECT, related_name="service_at_locations")
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("service at location")
        verbose_name_plural = _("services at locations")
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="service_location_unique")
        ]

    def __str__(self):
        return f"{self.service_id}@{self.location_id}"
