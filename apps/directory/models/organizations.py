from django.db import connection, models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .regions import Region


class PublicationStatus(models.TextChoices):
    # Only "published" rows are ever shown to the public; curation decides the rest.
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class CapacityStatus(models.TextChoices):
    """Whether a service with places (beds, counselling slots) can take someone now, as a
    partner last said (issue 21; HSDS 3.1 ``service_capacity``, in the Waymark profile)."""

    AVAILABLE = "available", _("Space available")
    LIMITED = "limited", _("Limited space")
    FULL = "full", _("Full")
    WAITING_LIST = "waiting_list", _("Waiting list")


# The statuses "has space now" means (when not stale).
WITH_SPACE = (CapacityStatus.AVAILABLE, CapacityStatus.LIMITED)


class TranslationStatus(models.TextChoices):
    MACHINE = "machine", _("Machine-drafted")
    HUMAN = "human", _("Human-reviewed")


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=200)
    alternate_name = models.CharField(_("other name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
    )
    is_demo = models.BooleanField(
        _("demonstration data"),
        default=False,
        help_text=_("Fictional listing loaded for a demonstration."),
    )
    translation_status = models.JSONField(_("translation status"), default=dict, blank=True)
    last_modified = models.DateTimeField(_("last modified"), auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ServiceQuerySet(models.QuerySet):
    def published(self):
        """The one definition of what the public may see."""
        return self.filter(
            status=PublicationStatus.PUBLISHED,
            organization__status=PublicationStatus.PUBLISHED,
        )

    def serving(self, region: Region):
        """Services whose area covers the region: its own, any containing one, or worldwide."""
        return self.filter(
            Q(areas__scope=ServiceArea.Scope.INTERNATIONAL)
            | Q(areas__region__in=[r.pk for r in region.lineage()])
        ).distinct()

    def speaking(self, language_codes):
        """Services delivered in one of the languages, by the service or by a channel."""
        from .channels import Channel

        by_channel = Channel.languages.through.objects.filter(
            channel__service=models.OuterRef("pk"), language__code__in=language_codes
        )
        by_service = ServiceLanguage.objects.filter(
            service=models.OuterRef("pk"), language__code__in=language_codes
        )
        # EXISTS rather than joins: no duplicates to remove, and each service is checked
        # through the indexes instead of joining every language of every channel.
        return self.filter(models.Exists(by_service) | models.Exists(by_channel))

    def open_at(self, moment):
        """Services with a channel open at an aware moment (``Channel.is_open``'s rules).

        PostgreSQL reads the weekly hours kept as seconds of the week (WeeklyOpening),
        one range check per service; elsewhere a condition per time zone."""
        from .channels import Channel, open_condition

        if connection.vendor == "postgresql":
            return self.filter(open_condition(moment))
        return self.filter(pk__in=Channel.objects.open_at(moment).values("service_id"))

    def with_space_now(self, now=None):
        """Services a partner said have space, recently enough to be believed (issue 21)."""
        from apps.directory.capacity import fresh_after

        return self.filter(capacity_status__in=WITH_SPACE, capacity_updated__gt=fresh_after(now))

    def for_listing(self):
        """Everything a results list or service page shows, loaded in a fixed number of queries."""
        from .channels import Channel
        from .taxonomy import TaxonomyTerm

        return self.select_related("organization", "assurer", "holiday_region").prefetch_related(
            models.Prefetch("terms", queryset=TaxonomyTerm.objects.select_related("taxonomy")),
            "languages",
            models.Prefetch(
                "channels",
                queryset=Channel.objects.order_by("position", "pk").prefetch_related(
                    "languages", "periods", "exceptions"
                ),
            ),
            "cost_options",
            models.Prefetch("areas", queryset=ServiceArea.objects.select_related("region")),
        )

    def for_cards(self, language: str | None = None):
        """What a result card shows: names, organisation, summary and contact lines with
        their hours, in a fixed number of queries (fewer than ``for_listing``). Given the
        reader's ``language``, other languages' text is left in the database."""
        from apps.core.i18n import other_language_columns

        from .channels import Channel, ScheduleException

        def skip(model, prefix=""):
            return other_language_columns(model, language, prefix) if language else []

        channels = Channel.objects.defer(*skip(Channel)).order_by("position", "pk")
        exceptions = ScheduleException.objects.defer(*skip(ScheduleException))
        # Into plain lists (to_attr): Django then builds no manager per row.
        return (
            self.select_related("organization", "holiday_region")
            .defer(
                *skip(Service),
                *skip(Organization, "organization__"),
                *skip(Region, "holiday_region__"),
            )
            .prefetch_related(
                models.Prefetch(
                    "areas",
                    queryset=ServiceArea.objects.select_related("region__parent__parent").defer(
                        *skip(Region, "region__"),
                        *skip(Region, "region__parent__"),
                        *skip(Region, "region__parent__parent__"),
                    ),
                ),
                models.Prefetch(
                    "channels",
                    queryset=channels.prefetch_related(
                        models.Prefetch("periods", to_attr="period_list"),
                        models.Prefetch(
                            "exceptions", queryset=exceptions, to_attr="exception_list"
                        ),
                    ),
                    to_attr="channel_list",
                ),
            )
        )


class Service(models.Model):
    organization = models.ForeignKey(
        Organization, models.PROTECT, related_name="services", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    alternate_name = models.CharField(_("other name"), max_length=200, blank=True)
    description = models.TextField(_("what it offers"), blank=True)
    eligibility_description = models.TextField(_("who it is for"), blank=True)
    application_process = models.TextField(_("how to get help"), blank=True)
    fees_description = models.TextField(_("cost"), blank=True)
    accessibility = models.TextField(_("accessibility"), blank=True)
    interpretation_services = models.TextField(_("interpretation"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
        db_index=True,
    )
    # None: not known (an import that did not say), never read as "no".
    is_free = models.BooleanField(
        _("free of charge"), null=True, blank=True, default=None, db_index=True
    )
    # Empty: not known (an import that did not say); hours are then never called open.
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        blank=True,
        help_text=_("Opening hours are given in this time zone (for example Europe/Paris)."),
    )
    holiday_region = models.ForeignKey(
        Region,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("public holidays of"),
        help_text=_("Channels marked closed on public holidays follow this region's holidays."),
    )
    terms = models.ManyToManyField(
        "directory.TaxonomyTerm",
        blank=True,
        related_name="services",
        verbose_name=_("attributes"),
    )
    languages = models.ManyToManyField(
        "directory.Language",
        through="ServiceLanguage",
        blank=True,
        related_name="services",
        verbose_name=_("languages"),
    )
    assured_date = models.DateField(_("last verified on"), null=True, blank=True)
    assurer = models.ForeignKey(
        Organization,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verify_by = models.DateField(_("verify by"), null=True, blank=True)
    translation_status = models.JSONField(
        _("translation status"),
        default=dict,
        blank=True,
        help_text=_(
            "Mark translations “machine” (machine-drafted) or “human” (reviewed), "
            'per language or per field, e.g. {"fr": "human", '
            '"description_ar": "machine"}.'
        ),
    )
    last_modified = models.DateTimeField(_("last modified"), auto_now=True)
    # Operational status, not listing content: partners set it in one click from the staff
    # home, audited, without review (apps.curation.services.capacity_set); never proposed.
    capacity_status = models.CharField(
        _("space available"),
        max_length=12,
        choices=CapacityStatus.choices,
        blank=True,
        default="",
        editable=False,
    )
    capacity_updated = models.DateTimeField(
        _("space last updated"), null=True, blank=True, editable=False
    )

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def listed_channels(self):
        """Its contact channels in order (the list ``for_cards`` loaded, when it did)."""
        if hasattr(self, "channel_list"):
            return self.channel_list
        return self.channels.all()

    def phone_country(self) -> str | None:
        """The country (ISO 3166-1) whose national format its numbers may be typed in:
        that of its public-holiday region, else of its areas when all lie in one."""
        regions = [self.holiday_region] if self.holiday_region_id else []
        if not regions and self.pk:
            regions = [area.region for area in self.areas.select_related("region") if area.region]
        countries = {region.country.code.split("-")[0].upper() for region in regions}
        return countries.pop() if len(countries) == 1 else None

    def terms_of(self, taxonomy_slug: str):
        # Reads the prefetched terms; no query per call.
        return [t for t in self.terms.all() if t.taxonomy.slug == taxonomy_slug]


class ServiceLanguage(models.Model):
    service = models.ForeignKey(Service, models.CASCADE, related_name="service_languages")
    language = models.ForeignKey("directory.Language", models.PROTECT, related_name="+")
    through_interpreter = models.BooleanField(
        _("through an interpreter"),
        default=False,
        help_text=_("Delivered with an interpreter rather than by staff who speak it."),
    )

    class Meta:
        verbose_name = _("service language")
        verbose_name_plural = _("service languages")
        constraints = [
            models.UniqueConstraint(fields=["service", "language"], name="service_language_unique")
        ]

    def __str__(self):
        return self.language.code


class ServiceArea(models.Model):
    """Where a service is available (HSDS service_area), from worldwide to a locality."""

    class Scope(models.TextChoices):
        INTERNATIONAL = "international", _("Anywhere")
        REGION = "region", _("A region")

    # How proposals and imports name an international area among region codes.
    ANYWHERE = "*"

    service = models.ForeignKey(Service, models.CASCADE, related_name="areas")
    scope = models.CharField(_("scope"), max_length=14, choices=Scope.choices)
    region = models.ForeignKey(
        Region,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="service_areas",
        verbose_name=_("region"),
    )

    class Meta:
        verbose_name = _("service area")
        verbose_name_plural = _("service areas")
        constraints = [
            models.CheckConstraint(
                condition=Q(scope="international", region__isnull=True)
                | Q(scope="region", region__isnull=False),
                name="service_area_scope_matches_region",
            )
        ]

    def __str__(self):
        return self.region.display_name if self.region_id else str(self.Scope.INTERNATIONAL.label)

    @property
    def code(self) -> str:
        """The region's code, or ``ANYWHERE``."""
        return self.region.code if self.region_id else self.ANYWHERE


class CostOption(models.Model):
    service = models.ForeignKey(Service, models.CASCADE, related_name="cost_options")
    option = models.CharField(_("what is charged"), max_length=200)
    amount = models.DecimalField(
        _("amount"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)

    class Meta:
        verbose_name = _("cost")
        verbose_name_plural = _("costs")

    def __str__(self):
        return self.option


class PriorityLine(models.Model):
    """One of the few services a coordinator puts first for a country: they lead the "Get
    help now" strip and the discreet sheet (issue 21). Written by
    ``apps.curation.services.priority_line_add`` / ``priority_line_remove`` only."""

    MAX_PER_COUNTRY = 3

    country = models.ForeignKey(
        Region,
        models.PROTECT,
        related_name="priority_lines",
        verbose_name=_("country"),
        limit_choices_to={"kind": Region.Kind.COUNTRY},
    )
    service = models.ForeignKey(
        Service, models.CASCADE, related_name="priority_lines", verbose_name=_("service")
    )
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        verbose_name = _("priority line")
        verbose_name_plural = _("priority lines")
        ordering = ["country", "position"]
        constraints = [
            models.UniqueConstraint(fields=["country", "service"], name="priority_line_once"),
            # Positions 1..3, each once: a fourth line cannot exist, whatever writes it.
            models.UniqueConstraint(fields=["country", "position"], name="priority_line_position"),
            models.CheckConstraint(
                condition=Q(position__gte=1) & Q(position__lte=3),
                name="priority_line_at_most_three",
            ),
        ]

    def __str__(self):
        return f"{self.country.code} {self.position}: {self.service}"
