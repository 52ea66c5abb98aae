from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def visible_to_staff(queryset, user, organization_field="organization"):
    """Partners see only their own organisation's rows (SR-15); coordinators see all."""
    profile = getattr(user, "staff_profile", None)
    if user.is_superuser or (profile and profile.is_coordinator):
        return queryset
    if profile is None or not profile.is_partner:
        return queryset.none()
    return queryset.filter(**{f"{organization_field}_id": profile.organization_id})


class StaffProfile(models.Model):
    """A staff member's role, and for partners the one organisation they work for (C1)."""

    class Role(models.TextChoices):
        PARTNER_EDITOR = "editor", _("Partner editor")
        PARTNER_MANAGER = "manager", _("Partner manager")
        COORDINATOR = "coordinator", _("Coordinator")
        ADMINISTRATOR = "administrator", _("Administrator")

    PARTNER_ROLES = {Role.PARTNER_EDITOR, Role.PARTNER_MANAGER}

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="staff_profile",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=14, choices=Role.choices)
    organization = models.ForeignKey(
        "directory.Organization",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("organisation"),
        help_text=_("Required for partner editors and managers."),
    )
    language = models.CharField(
        _("email language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role__in=["editor", "manager"])
                | models.Q(organization__isnull=False),
                name="partner_has_organisation",
            )
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"

    @property
    def is_partner(self) -> bool:
        return self.role in self.PARTNER_ROLES

    @property
    def is_coordinator(self) -> bool:
        return self.role in (self.Role.COORDINATOR, self.Role.ADMINISTRATOR)
