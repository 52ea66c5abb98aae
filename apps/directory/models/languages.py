from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.i18n import language_name


class Language(models.Model):
    """A language a service is delivered in, by its ISO 639-3 code (HSDS language.code)."""

    code = models.CharField(_("ISO 639-3 code"), max_length=3, unique=True)

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        ordering = ["code"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        """The language's name in the reader's language, from CLDR."""
        return language_name(self.code)
