from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Region
from .search import MAX_QUERY_LENGTH


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        max_length=MAX_QUERY_LENGTH,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "off", "type": "search"}),
    )
    # Set by the search box of a region page: search what serves that area only.
    region = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    # "More results" asks for the next page of the same search.
    page = forms.IntegerField(required=False, min_value=1, max_value=50)

    def clean_q(self):
        value = self.cleaned_data["q"]
        if "\x00" in value:
            raise forms.ValidationError(_("Please use letters and numbers only."))
        return value

    def clean_region(self):
        code = self.cleaned_data["region"]
        if not code:
            return None
        try:
            return Region.objects.select_related("parent__parent").get(code__iexact=code)
        except Region.DoesNotExist:
            raise forms.ValidationError(_("This area is not in the directory.")) from None


class ResultPageForm(forms.Form):
    """``?page=`` on a result address."""

    page = forms.IntegerField(required=False, min_value=1, max_value=50)
