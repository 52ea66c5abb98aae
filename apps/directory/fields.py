"""Phone numbers as people write them, stored as E.164: one field for every path (SR-8).

Admin forms, proposals and imports all reach a channel's number through
``PhoneNumberField``: its form field accepts what a person types (spaces, dots, "(0)",
Arabic-Indic, Persian or full-width digits, the national format of the service's country)
and hands on E.164; ``full_clean`` normalises the same way, so a value that arrives by
another path is stored in the same form. Displayed digits and the ``tel:`` link both
come from the stored value.
"""

from django import forms
from django.db import models

from .validators import parse_phone_number, validate_e164

# As typed: "+33 (0)1 23 45 67 89" is 20 characters; E.164 itself is at most 16.
WRITTEN_MAX_LENGTH = 40


def normalise_phone_number(value, region: str | None = None) -> str:
    """E.164 for a number written any accepted way; "" stays ""."""
    if value is None or not str(value).strip():
        return ""
    return parse_phone_number(str(value), region)


class PhoneNumberFormField(forms.CharField):
    """Cleans to E.164; ``region`` (ISO 3166-1) allows the national format."""

    def __init__(self, *, region: str | None = None, **kwargs):
        kwargs["max_length"] = max(kwargs.get("max_length") or 0, WRITTEN_MAX_LENGTH)
        kwargs.pop("validators", None)  # the model's E.164 check runs on the cleaned value
        super().__init__(**kwargs)
        self.region = region

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"type": "tel", "inputmode": "tel", "autocomplete": "off", "dir": "ltr"})
        return attrs

    def to_python(self, value):
        return normalise_phone_number(super().to_python(value), self.region)


class PhoneNumberField(models.CharField):
    """A phone number stored as E.164. ``region_of(instance)`` names the country whose
    national format is accepted when the model is cleaned (None: international only)."""

    def __init__(self, *args, region_of=None, **kwargs):
        kwargs.setdefault("max_length", 16)
        validators = list(kwargs.pop("validators", []))
        if validate_e164 not in validators:
            validators.append(validate_e164)
        super().__init__(*args, validators=validators, **kwargs)
        self.region_of = region_of

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("validators", None)
        if kwargs.get("max_length") == 16:
            del kwargs["max_length"]
        return name, path, args, kwargs

    def clean(self, value, model_instance):
        region = self.region_of(model_instance) if self.region_of and model_instance else None
        return super().clean(normalise_phone_number(value, region), model_instance)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PhoneNumberFormField, **kwargs})
