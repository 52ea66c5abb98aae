"""The public filters (D2): a form of typed choices, never raw request data in the ORM."""

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Channel, Language, Service, Taxonomy, TaxonomyTerm


def terms_of(slug):
    return lambda request: TaxonomyTerm.objects.of(slug)


class ServiceFilter(django_filters.FilterSet):
    type = django_filters.ModelMultipleChoiceFilter(
        label=_("Kind of help"),
        field_name="terms",
        distinct=True,
        queryset=terms_of(Taxonomy.SERVICE_TYPE),
        widget=forms.CheckboxSelectMultiple,
    )
    language = django_filters.ModelChoiceFilter(
        label=_("Language spoken"),
        queryset=Language.objects.all(),
        method="filter_language",
        empty_label=_("Any language"),
    )
    population = django_filters.ModelMultipleChoiceFilter(
        label=_("For"),
        field_name="terms",
        distinct=True,
        queryset=terms_of(Taxonomy.POPULATION),
        widget=forms.CheckboxSelectMultiple,
    )
    channel = django_filters.MultipleChoiceFilter(
        label=_("How to reach them"),
        field_name="channels__kind",
        distinct=True,
        choices=Channel.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    trust = django_filters.ModelMultipleChoiceFilter(
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

    class Meta:
        model = Service
        fields = []

    def filter_language(self, queryset, name, value):
        return queryset.speaking([value.code]) if value else queryset

    def filter_open_now(self, queryset, name, value):
        return queryset.open_at(timezone.now()) if value else queryset

    def filter_always_open(self, queryset, name, value):
        return queryset.filter(channels__is_24_7=True).distinct() if value else queryset

    def filter_queryset(self, queryset):
        # Unticked checkboxes arrive as False; they mean "no constraint", not "not free".
        data = {k: v for k, v in self.form.cleaned_data.items() if v not in (False, None)}
        for name, value in data.items():
            queryset = self.filters[name].filter(queryset, value)
        return queryset
