"""The public filters (D2): a form of typed choices, never raw request data in the ORM."""

import django_filters
from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import fields

from apps.core.i18n import render_content, sort_key, translated_text

from .models import Channel, Language, Service, Taxonomy, TaxonomyTerm


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
