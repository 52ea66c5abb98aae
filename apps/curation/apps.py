from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CurationConfig(AppConfig):
    name = "apps.curation"
    label = "curation"
    default = True
    verbose_name = _("Curation")


class WaymarkAdminConfig(admin_apps.AdminConfig):
    default = False  # apps.curation itself is CurationConfig
    default_site = "apps.curation.sites.WaymarkAdminSite"
