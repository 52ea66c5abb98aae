"""``unsaved()``: a new record exactly as ``Model()`` makes it, only cheaper to build."""

import pytest
from django.apps import apps

from apps.directory.translation import unsaved

MODELS = [m for m in apps.get_app_config("directory").get_models() if not m._meta.auto_created]


def _values(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_a_new_record_has_the_same_values_as_the_model_gives(model):
    assert _values(unsaved(model)) == _values(model())


def test_values_given_win_and_mutable_defaults_are_not_shared():
    from apps.directory.models import Service

    first, second = unsaved(Service, name_fr="Ligne d'écoute"), unsaved(Service)
    assert (first.name_fr, second.name_fr) == ("Ligne d'écoute", Service().name_fr)
    first.translation_status["fr"] = "machine"
    assert second.translation_status == {}
