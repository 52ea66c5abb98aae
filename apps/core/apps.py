from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default = True  # this module also holds AuthenticatorAppsConfig
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

        from .form_errors import install

        install()  # form errors never repeat the submitted value (SR-20)


class AuthenticatorAppsConfig(AppConfig):
    """django-otp's TOTP plugin under a translated name: without it the staff area's
    heading reads "Otp_Totp" (its label, title-cased) in every language."""

    name = "django_otp.plugins.otp_totp"
    label = "otp_totp"
    verbose_name = _("Authenticator apps")
    default_auto_field = "django.db.models.AutoField"
