"""The staff area: Django's admin, behind a second factor (SR-11)."""

from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite


class WaymarkAdminSite(OTPAdminSite):
    site_header = _("Staff area")
    site_title = _("Staff area")
    index_title = _("Listings and review")
