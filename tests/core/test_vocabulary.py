"""The shared vocabulary ships with every interface language and extends what it meets (#17)."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command

from apps.directory.models import CostOption, Service, TaxonomyTerm
from apps.directory.reference import apply_vocabulary, vocabulary

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def entries():
    data = vocabulary()
    yield from (("taxonomy", slug, names) for slug, names in data["taxonomies"].items())
    for slug, terms in data["terms"].items():
        yield from ((slug, code, names) for code, names in terms.items())
    yield from (("cost", code, names) for code, names in data["costs"].items())


def test_every_entry_is_named_in_every_interface_language():
    for group, code, names in entries():
        assert set(names) == set(LANGUAGE_CODES), (group, code)
        assert all(name.strip() == name and name for name in names.values()), (group, code)


def test_the_trust_attributes_persian_readers_saw_in_arabic_are_persian_now():
    names = vocabulary()["terms"]["trust"]
    assert names["no-id"]["fa"] == "نیازی به مدرک شناسایی نیست"
    # A Persian sentence uses Persian letters Arabic does not have (here گ), or Persian words.
    assert "گ" in names["no-police"]["fa"]


@pytest.mark.django_db
def test_demo_terms_carry_every_language(demo):
    for term in TaxonomyTerm.objects.all():
        for code in LANGUAGE_CODES:
            assert getattr(term, f"name_{code.replace('-', '_')}"), (term.code, code)


@pytest.mark.django_db
def test_imported_terms_and_costs_get_the_missing_names_and_keep_their_own(demo):
    # A term that arrives without translations, as from an HSDS file in English only.
    women = TaxonomyTerm.objects.get(taxonomy__slug="population", code="women")
    TaxonomyTerm.objects.filter(pk=women.pk).update(name_fa="", name_uk="", name_fr="Les femmes")
    cost = CostOption.objects.create(
        service=Service.objects.first(), option_en="Sliding scale by income", amount=0
    )
    assert apply_vocabulary() == 1  # the term: cost options are listing content
    assert apply_vocabulary(costs=True) == 1
    women.refresh_from_db()
    cost.refresh_from_db()
    assert (women.name_fa, women.name_uk) == ("زنان", "Жінки")
    assert women.name_fr == "Les femmes"  # a name someone wrote is kept
    assert cost.option_zh_hans == "按收入收费" and cost.option_vi == "Phí theo thu nhập"
    call_command("load_vocabulary", "--overwrite", stdout=io.StringIO())
    women.refresh_from_db()
    assert women.name_fr == "Femmes"
