from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = _("Site")

    def ready(self):
        from django.conf.locale import LANG_INFO
        from django.core.checks import Tags, register

        from .security import check_csrf_middleware

        register(check_csrf_middleware, Tags.security, deploy=False)

        # Django ships no entry for Tagalog; get_language_info("tl") would fail without it.
        LANG_INFO.setdefault(
            "tl", {"bidi": False, "code": "tl", "name": "Tagalog", "name_local": "Tagalog"}
        )
