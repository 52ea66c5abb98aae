"""The public filters (D2): a form of typed choices, never raw request data in the ORM."""

import django_filters
from django import forms
from django.db.models import Q
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django_filters import fields

from apps.core.i18n import render_content, sort_key, translated_text

from .models import Channel, Language, Service, Taxonomy, TaxonomyTerm
from .models.channels import open_condition


def terms_of(slug):
    return lambda request: TaxonomyTerm.objects.of(slug)


class TermChoiceField(fields.ModelMultipleChoiceField):
    """A term's name as every translatable value is shown: marked when it is a fallback."""

    def label_from_instance(self, obj):
        return render_content(translated_text(obj, "name"))


class TermFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = TermChoiceField


class ByNameIterator(ModelChoiceIterator):
    """The options sorted by their name in the reader's language, not by ISO code."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        named = [(self.field.label_from_instance(obj), obj) for obj in self.queryset]
        for _name, obj in sorted(named, key=lambda item: sort_key(item[0])):
            yield self.choice(obj)


class LanguageChoiceField(fields.ModelChoiceField):
    iterator = ByNameIterator


class LanguageFilter(django_filters.ModelChoiceFilter):
    field_class = LanguageChoiceField


class ServiceFilter(django_filters.FilterSet):
    type = TermFilter(
        label=_("Kind of help"),
        field_name="terms",
        distinct=True,
        queryset=terms_of(Taxonomy.SERVICE_TYPE),
        widget=forms.CheckboxSelectMultiple,
    )
    language = LanguageFilter(
        label=_("Language spoken"),
        queryset=Language.objects.all(),
        method="filter_language",
        empty_label=_("Any language"),
    )
    population = TermFilter(
        label=_("For"),
        field_name="terms",
        distinct=True,
        queryset=terms_of(Taxonomy.POPULATION),
        widget=forms.CheckboxSelectMultiple,
    )
    # Every form of exploitation (issue #21): an unknown code is an invalid choice, a 400.
    exploitation = TermFilter(
        label=_("Form of exploitation"),
        field_name="terms",
        distinct=True,
        queryset=terms_of(Taxonomy.TRAFFICKING_TYPE),
        widget=forms.CheckboxSelectMultiple,
    )
    channel = django_filters.MultipleChoiceFilter(
        label=_("How to reach them"),
        field_name="channels__kind",
        distinct=True,
        choices=Channel.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    trust = TermFilter(
        label=_("Important to me"),
        field_name="terms",
        conjoined=True,
        queryset=terms_of(Taxonomy.TRUST),
        widget=forms.CheckboxSelectMultiple,
    )
    open_now = django_filters.BooleanFilter(
        label=_("Open now"), method="filter_open_now", widget=forms.CheckboxInput
    )
    always_open = django_filters.BooleanFilter(
        label=_("Open 24 hours"), method="filter_always_open", widget=forms.CheckboxInput
    )
    free = django_filters.BooleanFilter(
        label=_("Free of charge"), field_name="is_free", widget=forms.CheckboxInput
    )
    space_now = django_filters.BooleanFilter(
        label=_("Has space now"), method="filter_space_now", widget=forms.CheckboxInput
    )

    class Meta:
        model = Service
        fields = []

    def filter_language(self, queryset, name, value):
        return queryset.speaking([value.code]) if value else queryset

    def filter_open_now(self, queryset, name, value):
        return queryset.open_at(timezone.now()) if value else queryset

    def filter_always_open(self, queryset, name, value):
        return queryset.filter(channels__is_24_7=True).distinct() if value else queryset

    def filter_space_now(self, queryset, name, value):
        return queryset.with_space_now() if value else queryset

    def filter_queryset(self, queryset):
        # Unticked checkboxes arrive as False; they mean "no constraint", not "not free".
        data = {k: v for k, v in self.form.cleaned_data.items() if v not in (False, None)}
        for name, value in data.items():
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    # Each filter as a condition on the search table's copies (ServiceSearch, PostgreSQL),
    # the same rule as the filter above: any of the kinds of help, any of the populations,
    # every trust attribute, any of the channel kinds (issue #20).
    SEARCH_CONDITIONS = {
        "type": lambda terms: Q(term_ids__overlap=[t.pk for t in terms]),
        "population": lambda terms: Q(term_ids__overlap=[t.pk for t in terms]),
        "trust": lambda terms: Q(term_ids__contains=[t.pk for t in terms]),
        "channel": lambda kinds: Q(channel_kinds__overlap=list(kinds)),
        "language": lambda language: Q(language_ids__contains=[language.pk]),
        "open_now": lambda _on: open_condition(timezone.now(), service="service_id"),
        "always_open": lambda _on: Q(always_open=True),
        "free": lambda _on: Q(is_free=True),
    }

    def search_conditions(self) -> Q | None:
        """The chosen filters as one condition on the search table, for a search that
        reads only that table; None when a chosen filter has no such condition (the
        search then checks ``qs`` per match)."""
        condition = Q()
        for name, value in self.form.cleaned_data.items():
            if value in (False, None) or (hasattr(value, "__len__") and not len(value)):
                continue
            if name not in self.SEARCH_CONDITIONS:
                return None
            condition &= self.SEARCH_CONDITIONS[name](value)
        return condition


def with_choices(html: str, choices: dict[str, list[str]]) -> SafeString:
    """The filter fields rendered without choices (``_filter_fields.html``, kept once per
    language), with these choices ticked and selected, as a bound form would show them.
    The choices are a search's, validated by the form before the search ran. The form
    itself is not built: its choices cost a query each and the language names a sort."""
    for name, values in choices.items():
        for value in values:
            if name in ServiceFilter.base_filters and isinstance(
                ServiceFilter.base_filters[name], django_filters.BooleanFilter
            ):
                if forms.CheckboxInput().value_from_datadict({name: value}, {}, name):
                    html = html.replace(
                        f'name="{name}" id="id_{name}"', f'name="{name}" id="id_{name}" checked', 1
                    )
                continue
            value = escape(value)
            html = html.replace(
                f'name="{name}" value="{value}"', f'name="{name}" value="{value}" checked', 1
            )
            if f'<select name="{name}"' in html:
                html = html.replace('<option value="" selected>', '<option value="">', 1)
                html = html.replace(
                    f'<option value="{value}">', f'<option value="{value}" selected>', 1
                )
    return mark_safe(html)  # noqa: S308 - our own template's output, escaped values
