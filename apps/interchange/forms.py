from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .models import ImportJob


class ImportUploadForm(forms.Form):
    """An HSDS file from a coordinator: JSON, or a zipped tabular datapackage."""

    file = forms.FileField(
        label=_("HSDS file"),
        help_text=_("A JSON file of services (as our export writes), or a .zip of a datapackage."),
    )
    mode = forms.ChoiceField(
        label=_("What to do"),
        choices=ImportJob.Mode.choices,
        initial=ImportJob.Mode.DRY_RUN,
        widget=forms.RadioSelect,
        help_text=_(
            "“Submit for review” waits for another coordinator. “Publish now” puts the "
            "listings live at once and is recorded in the audit trail."
        ),
    )

    def __init__(self, *args, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise forms.ValidationError(
                _("The file is too large (%(size)s); the limit is %(limit)s.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(self.max_bytes)}
            )
        if not upload.name.lower().endswith((".json", ".zip")):
            raise forms.ValidationError(_("Upload a .json file or a .zip archive."))
        return upload


class ImportReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve and publish")), ("reject", _("Reject"))],
        # Radio buttons inside the fieldset: each choice has a label of its own.
        widget=forms.RadioSelect,
    )
