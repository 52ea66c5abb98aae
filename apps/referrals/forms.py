"""Request data → typed values. The list itself travels as ``ids`` in the query string."""

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from apps.core.i18n import babel_locale, sorted_by_name
from apps.directory.models import Region

from .models import normalise_code

MAX_SERVICES = 50
COMPACT_MAX_SERVICES = 6  # what fits one A4 or US Letter page
NOTE_MAX_LENGTH = 1000
_ID = re.compile(r"^[1-9][0-9]{0,17}$")
# Direction overrides and isolates could make the printed note read differently from what
# was typed; other control characters have no place on paper.
_NOTE_STRIP = re.compile("[\u202a-\u202e\u2066-\u2069\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ServiceIdsField(forms.Field):
    """Repeated ``ids=`` values: positive integers, duplicates dropped, order kept."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        values = [value] if isinstance(value, str) else value
        ids = {}
        for token in values:
            token = token.strip()
            if not _ID.match(token):
                raise ValidationError(_("This list could not be read."), code="invalid")
            ids[int(token)] = None
            if len(ids) > MAX_SERVICES:
                raise ValidationError(
                    _("A list can hold at most %(max)s services.") % {"max": MAX_SERVICES},
                    code="too_many",
                )
        return list(ids)


class ShortlistForm(forms.Form):
    """The list and, while picking, the area whose services are offered."""

    ids = ServiceIdsField(required=False)
    area = forms.CharField(required=False, max_length=40)

    def clean_area(self):
        code = self.cleaned_data["area"].strip()
        if not code:
            return None
        region = Region.objects.select_related("parent__parent").filter(code__iexact=code).first()
        if region is None:
            raise ValidationError(_("Please choose an area from the list."), code="unknown")
        return region


def language_choices():
    """Each interface language, named in the reader's language and in its own."""
    reader = babel_locale()
    choices = []
    for code, native in settings.LANGUAGES:
        key = "zh_Hans" if code == "zh-hans" else code
        name = reader.languages.get(key) or native
        choices.append((code, native if name == native else f"{name} — {native}"))
    return sorted_by_name(choices)


class SheetForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the sheet"))
    second_language = forms.ChoiceField(
        label=_("Also show in"),
        required=False,
        help_text=_("Optional: the same sheet side by side in a second language."),
    )
    discreet = forms.BooleanField(
        label=_("Discreet version"),
        required=False,
        help_text=_(
            "A neutral heading, numbered contacts instead of names, and no descriptions, "
            "so the sheet does not show what the services are for."
        ),
    )
    note = forms.CharField(
        label=_("Note for the person (printed, never saved)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off", "dir": "auto"}),
    )
    layout = forms.ChoiceField(
        label=_("Layout"),
        required=False,
        widget=forms.RadioSelect,
        choices=[
            ("", _("Standard: every detail, as many pages as needed")),
            ("a4", _("Compact: one A4 page, up to six services")),
            ("letter", _("Compact: one US Letter page, up to six services")),
        ],
    )
    code = forms.CharField(
        required=False, max_length=20, widget=forms.HiddenInput(attrs={"id": "id_sheet_code"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = language_choices()
        self.fields["language"].choices = choices
        self.fields["second_language"].choices = [("", _("No second language")), *choices]
        self.fields["language"].initial = translation.get_language()

    def clean_note(self):
        return _NOTE_STRIP.sub("", self.cleaned_data["note"]).strip()

    def clean_code(self):
        value = self.cleaned_data["code"]
        return normalise_code(value) if value else None

    def check_compact(self, services) -> bool:
        """A compact sheet fits one page: at most six services, else a clear error."""
        if self.cleaned_data.get("layout") and len(services) > COMPACT_MAX_SERVICES:
            message = _(
                "A compact sheet holds at most %(max)s services and this list has %(count)s. "
                "Take some out of the list, or choose the standard layout."
            ) % {"max": COMPACT_MAX_SERVICES, "count": len(services)}
            self.add_error("layout", ValidationError(message, code="too_many"))
            return False
        return True

    @property
    def languages(self) -> list[str]:
        """The sheet's languages, the client's first."""
        first = self.cleaned_data["language"]
        second = self.cleaned_data.get("second_language")
        return [first, second] if second and second != first else [first]


class SendForm(forms.Form):
    """How the list's address is worded for the person (``?language=ar&discreet=1``)."""

    language = forms.ChoiceField(label=_("Language of the message"))
    discreet = forms.BooleanField(
        label=_("Discreet wording"),
        required=False,
        help_text=_("A neutral message that does not say what the link is for."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = language_choices()
        self.fields["language"].initial = translation.get_language()


class DisplayForm(forms.Form):
    """The position a discreet contact card is numbered with: ``?n=2``."""

    n = forms.IntegerField(required=False, min_value=1, max_value=MAX_SERVICES)


class OpenCodeForm(forms.Form):
    code = forms.CharField(label=_("Reference code"), max_length=20)

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        if code is None:
            raise ValidationError(_("Please check the code."), code="invalid")
        return code
