"""Query parameters of the HSDS API as forms: typed, bounded values, never raw request data.

A parameter the endpoint does not know, a repeated one, or a malformed value is a 400
with a message that names the parameter but never repeats its value (SR-20, SR-22).
Messages are in English: they are for developers, whatever the content language.
"""

import datetime as dt

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.dateparse import parse_date, parse_datetime

from apps.directory.models import Region
from apps.directory.search import MAX_QUERY_LENGTH

from .responses import MAX_PER_PAGE, ApiError

BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


def content_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


class BooleanParameter(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            choices=[(value, value) for value in BOOLEANS],
            coerce=lambda value: BOOLEANS[value],
            empty_value=None,
            required=False,
            error_messages={"invalid_choice": "Use true or false."},
            **kwargs,
        )

    def to_python(self, value):
        return super().to_python(value).lower()


class UUIDParameter(forms.UUIDField):
    """A UUID; given empty (``?parent_id=``) it is malformed, not "no filter"."""

    empty_values = [None]

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        return None if value is None else super().to_python(value)


class ApiQuery(forms.Form):
    """Parameters every endpoint accepts: the content language."""

    # Free text, where an empty value is a value (the OpenAPI document allows it).
    MAY_BE_EMPTY = frozenset({"search", "region"})

    lang = forms.ChoiceField(
        required=False, error_messages={"invalid_choice": "Unknown content language."}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lang"].choices = [(code, code) for code in content_languages()]

    def clean_lang(self):
        return self.cleaned_data["lang"] or settings.LANGUAGE_CODE

    @classmethod
    def parse(cls, request) -> dict:
        """The cleaned parameters of ``request``, or ``ApiError(400)``."""
        params = request.GET
        known = set(cls.base_fields)
        if set(params) - known:
            raise ApiError(
                400, "Unknown parameter. This endpoint accepts: " + ", ".join(sorted(known)) + "."
            )
        if any(len(params.getlist(name)) > 1 for name in params):
            raise ApiError(400, "Give each parameter at most once.")
        data = dict(params.items())
        empty = sorted(n for n, v in data.items() if v == "" and n not in cls.MAY_BE_EMPTY)
        if empty:
            # ``?lang=`` or ``?parent_id=`` is a malformed value, not a missing one.
            details = {name: ["Give a value or leave the parameter out."] for name in empty}
            raise ApiError(400, "Invalid parameters.", details)
        if "lang" in data:
            data["lang"] = data["lang"].lower()
        form = cls(data)
        with translation.override("en"):
            if not form.is_valid():
                details = {
                    name: [str(m) for m in messages] for name, messages in form.errors.items()
                }
                raise ApiError(400, "Invalid parameters.", details)
        return form.cleaned_data


class PageQuery(ApiQuery):
    page = forms.IntegerField(required=False, min_value=1, max_value=1_000_000)
    per_page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PER_PAGE)
    format = forms.ChoiceField(
        required=False,
        choices=[("json", "json"), ("ndjson", "ndjson")],
        error_messages={"invalid_choice": "Use json or ndjson."},
    )
    search = forms.CharField(required=False, max_length=MAX_QUERY_LENGTH)


class ModifiedAfterField(forms.CharField):
    """An ISO 8601 date or date-time; without an offset it is UTC."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            moment = parse_datetime(value)
            if moment is None:
                day = parse_date(value)
                moment = dt.datetime.combine(day, dt.time()) if day else None
        except ValueError:
            moment = None
        if moment is None:
            raise forms.ValidationError("Use an ISO 8601 date or date-time.")
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


class ServiceFilters(PageQuery):
    taxonomy_term_id = UUIDParameter()
    taxonomy_id = UUIDParameter()
    organization_id = UUIDParameter()
    modified_after = ModifiedAfterField(required=False, max_length=40)
    full = BooleanParameter()


UNKNOWN_REGION = object()


class ServiceQuery(ServiceFilters):
    minimal = BooleanParameter()
    region = forms.CharField(required=False, max_length=40)
    language = forms.RegexField(
        required=False,
        regex=r"^[a-z]{3}\Z",
        error_messages={"invalid": "Use an ISO 639-3 code: three lower-case letters."},
    )
    open_now = BooleanParameter()

    def clean_region(self):
        code = self.cleaned_data["region"]
        if not code:
            return None
        # An unknown code serves nothing (an empty page), as an unknown id does.
        return Region.objects.filter(code__iexact=code).first() or UNKNOWN_REGION

    def clean(self):
        data = super().clean()
        if data.get("minimal"):
            data["full"] = False  # minimal wins (documented in openapi.json)
        return data


class ServiceAtLocationQuery(ServiceFilters):
    pass


class OrganizationQuery(ApiQuery):
    full_service = BooleanParameter()


class OrganizationListQuery(PageQuery):
    full = BooleanParameter()
    full_service = BooleanParameter()


class TaxonomyTermQuery(PageQuery):
    taxonomy_id = UUIDParameter()
    parent_id = UUIDParameter()
    top_only = BooleanParameter()
