"""Form errors never repeat what was submitted (SR-20).

Django's choice fields answer "Select a valid choice. <value> is not one of the
available choices.": the submitted value, echoed into the page. A visitor's words can be
read off a shared screen or kept by a proxy, and an attacker's can be reflected. The
message is shown beside the field it belongs to, so it names the field by its place and
says what to do instead. Set once, here, for every form: Waymark's, django-filter's and
the admin's.
"""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

CHOOSE_AN_OPTION = _("Choose one of the options offered.")


def install() -> None:
    for field in (
        forms.ChoiceField,
        forms.MultipleChoiceField,
        forms.ModelChoiceField,
        forms.ModelMultipleChoiceField,
        models.Field,
    ):
        field.default_error_messages = {
            **field.default_error_messages,
            "invalid_choice": CHOOSE_AN_OPTION,
        }
    forms.ModelMultipleChoiceField.default_error_messages = {
        **forms.ModelMultipleChoiceField.default_error_messages,
        "invalid_pk_value": CHOOSE_AN_OPTION,
    }
