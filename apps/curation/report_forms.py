import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .models.reports import MESSAGE_MAX_LENGTH, ProblemReport

# Embeddings, overrides and isolates can make the text staff read differ from what was
# sent ("Trojan Source"). Left-to-right/right-to-left marks stay: RTL keyboards type them.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# C0/C1 controls other than tab and newline are never typed by a person.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class ProblemReportForm(forms.Form):
    category = forms.ChoiceField(
        label=_("What is wrong?"),
        choices=ProblemReport.Category.choices,
        widget=forms.RadioSelect,
        # Django's default message quotes the submitted value; errors never echo (SR-20).
        error_messages={"invalid_choice": _("Please choose one of the options.")},
    )
    message = forms.CharField(
        label=_("Details"),
        help_text=_(
            "What should it say instead? Please do not write your name or how to reach you: "
            "we cannot reply."
        ),
        max_length=MESSAGE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "autocomplete": "off"}),
    )
    # Hidden from people (off-screen, aria-hidden, out of the tab order); bots fill it in.
    website = forms.CharField(label=_("Leave this empty"), required=False, max_length=200)

    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    def clean_message(self):
        message = self.cleaned_data["message"].replace("\r\n", "\n").replace("\r", "\n")
        if CONTROL_CHARACTERS.search(message):
            raise forms.ValidationError(
                _("The details contain characters we cannot accept. Please type them again."),
                code="control_characters",
            )
        return BIDI_CONTROLS.sub("", message).strip()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("category") == ProblemReport.Category.OTHER and not cleaned.get("message"):
            self.add_error("message", _("Please tell us what is wrong."))
        return cleaned
