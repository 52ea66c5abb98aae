from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = _("Site")

    def ready(self):
        from django.conf.locale import LANG_INFO

        # Django ships no entry for Tagalog; get_language_info("tl") would fail without it.
        LANG_INFO.setdefault(
            "tl", {"bidi": False, "code": "tl", "name": "Tagalog", "name_local": "Tagalog"}
        )

        from .form_errors import install

        install()  # form errors never repeat the submitted value (SR-20)
