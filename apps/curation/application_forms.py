"""The public "apply to be listed" form (issue #22): what an organisation sends.

The same defences as the problem report (``report_forms``): no cookie, a honeypot, size
limits, and no control or direction-changing characters in what staff will read. Choices
(kinds of help, regions, languages) come only from the directory's own lists, and errors
never repeat what was sent (SR-20).
"""

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from apps.directory.fields import PhoneNumberFormField
from apps.directory.filters import ByNameIterator, TermChoiceField
from apps.directory.models import Language, Region, Taxonomy, TaxonomyTerm
from apps.directory.validators import validate_public_url

from .models.applications import MAX_SERVICES, REFERENCES_MAX_LENGTH
from .report_forms import BIDI_CONTROLS, CONTROL_CHARACTERS

TEXT_MAX_LENGTH = 2000
NAME_MAX_LENGTH = 200
BAD_CHARACTERS = _("This contains characters we cannot accept. Please type it again.")


def _checkboxes(**kwargs):
    return forms.CheckboxSelectMultiple(attrs={"class": "choices"}, **kwargs)


class NameOrderedChoiceField(forms.ModelMultipleChoiceField):
    """Regions and languages by their name in the reader's language (issue #17)."""

    iterator = ByNameIterator

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.empty_label = None


class CleanTextMixin:
    """Text fields: one line where one line is expected, no control characters, and
    direction overrides dropped ("Trojan Source"), as in the problem report."""

    multiline = ()

    def _post_clean(self):
        for name, value in list(getattr(self, "cleaned_data", {}).items()):
            if not isinstance(value, str):
                continue
            value = value.replace("\r\n", "\n").replace("\r", "\n")
            if CONTROL_CHARACTERS.search(value) or ("\n" in value and name not in self.multiline):
                self.add_error(name, forms.ValidationError(BAD_CHARACTERS, code="control"))
                continue
            self.cleaned_data[name] = BIDI_CONTROLS.sub("", value).strip()
        super()._post_clean()


class ApplicationForm(CleanTextMixin, forms.Form):
    multiline = ("description", "references")

    name = forms.CharField(label=_("Name of the organisation"), max_length=NAME_MAX_LENGTH)
    description = forms.CharField(
        label=_("What your organisation does"),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    website = forms.URLField(
        label=_("Website"),
        required=False,
        max_length=NAME_MAX_LENGTH,
        assume_scheme="https",
        validators=[validate_public_url],
    )
    email = forms.EmailField(label=_("Public email"), required=False, max_length=NAME_MAX_LENGTH)
    contact_name = forms.CharField(label=_("Your name"), max_length=NAME_MAX_LENGTH)
    contact_role = forms.CharField(
        label=_("Your role in the organisation"), max_length=NAME_MAX_LENGTH, required=False
    )
    contact_phone = PhoneNumberFormField(
        label=_("Phone number we can call back"),
        help_text=_("International format, for example +33 1 23 45 67 89."),
    )
    contact_email = forms.EmailField(label=_("Email for our decision"), max_length=NAME_MAX_LENGTH)
    references = forms.CharField(
        label=_("References"),
        help_text=_(
            "Two organisations or people who know your work (for example a funder, a "
            "network or a public service), and how we can reach them."
        ),
        max_length=REFERENCES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    criteria = forms.BooleanField(
        label=_("Our organisation meets the inclusion criteria on this page."),
        error_messages={"required": _("Please confirm that you meet the inclusion criteria.")},
    )
    # Hidden from people (off-screen, aria-hidden, out of the tab order); bots fill it in.
    company = forms.CharField(label=_("Leave this empty"), required=False, max_length=200)

    def is_spam(self) -> bool:
        return bool(self.data.get("company"))


class ServiceForm(CleanTextMixin, forms.Form):
    multiline = ("description",)

    name = forms.CharField(label=_("Name of the service"), max_length=NAME_MAX_LENGTH)
    description = forms.CharField(
        label=_("What it offers"),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    kinds = TermChoiceField(
        label=_("Kind of help"),
        queryset=TaxonomyTerm.objects.of(Taxonomy.SERVICE_TYPE),
        widget=_checkboxes(),
    )
    regions = NameOrderedChoiceField(
        label=_("Where (country or region)"),
        queryset=Region.objects.exclude(kind=Region.Kind.LOCALITY),
        widget=_checkboxes(),
    )
    languages = NameOrderedChoiceField(
        label=_("Languages spoken"), queryset=Language.objects.all(), widget=_checkboxes()
    )
    fees = forms.CharField(label=_("Cost, if any"), max_length=NAME_MAX_LENGTH, required=False)
    phone = PhoneNumberFormField(label=_("Public phone number"), required=False)
    url = forms.URLField(
        label=_("Web page or online chat"),
        required=False,
        max_length=NAME_MAX_LENGTH,
        assume_scheme="https",
        validators=[validate_public_url],
    )
    email = forms.EmailField(label=_("Public email"), required=False, max_length=NAME_MAX_LENGTH)

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) for name in ("phone", "url", "email")) and not any(
            name in self.errors for name in ("phone", "url", "email")
        ):
            self.add_error("phone", _("Give at least one way for people to reach this service."))
        return cleaned


class BaseServiceFormSet(forms.BaseFormSet):
    default_error_messages = {
        "missing_management_form": _(
            "The form was incomplete. Please reload the page and try again."
        ),
        "too_many_forms": _("An application can describe at most 3 services."),
        "too_few_forms": _("Please describe at least one service."),
    }

    def full_clean(self):
        super().full_clean()
        if self.is_bound and not self.management_form.is_valid():
            # Say what happened, not what follows from it ("at least one service").
            self._non_form_errors = self.error_class(
                [self.error_messages["missing_management_form"]],
                error_class="nonform",
                renderer=self.renderer,
            )


ServiceFormSet = formset_factory(
    ServiceForm,
    formset=BaseServiceFormSet,
    extra=2,
    min_num=1,
    max_num=MAX_SERVICES,
    absolute_max=MAX_SERVICES,
    validate_min=True,
    validate_max=True,
)


def forget_refused_values(form) -> None:
    """Draw the form again without the values that were refused: what was typed into a
    field with an error is not repeated on the page (SR-20); the rest stays filled in."""
    data = form.data.copy()
    for name in form.errors:
        if name in form.fields:
            data.setlist(form.add_prefix(name), [])
    form.data = data
