"""Error answers say which field is wrong, never what was typed into it (SR-20; issue
#18 item 9): a visitor's words could be read off a shared screen or a proxy's cache."""

import pytest
from django import forms

from apps.directory.models import Service

CANARY = "canary-choice-q7"
SAME_ORIGIN = {"HTTP_ORIGIN": "http://testserver"}


@pytest.mark.parametrize(
    "field",
    [
        forms.ChoiceField(choices=[("a", "A")]),
        forms.TypedChoiceField(choices=[("1", "One")], coerce=int),
        forms.MultipleChoiceField(choices=[("a", "A")]),
    ],
)
def test_choice_errors_do_not_repeat_the_value(field):
    value = [CANARY] if isinstance(field, forms.MultipleChoiceField) else CANARY
    with pytest.raises(forms.ValidationError) as refused:
        field.clean(value)
    assert CANARY not in " ".join(refused.value.messages)
    assert "Choose one of the options offered." in refused.value.messages


def test_model_choice_errors_do_not_repeat_the_value(db):
    field = forms.ModelMultipleChoiceField(queryset=Service.objects.all())
    for value in ([CANARY], ["999999"]):
        with pytest.raises(forms.ValidationError) as refused:
            field.clean(value)
        assert CANARY not in " ".join(refused.value.messages)


def test_public_forms_name_the_field_not_the_value(client, demo):
    service = Service.objects.published().first()
    sheet = client.post(
        f"/en/list/sheet/?ids={service.pk}", {"language": CANARY, "note": ""}, **SAME_ORIGIN
    )
    assert sheet.status_code == 400
    text = sheet.content.decode()
    assert CANARY not in text
    assert "Choose one of the options offered." in text
    search = client.post("/en/find/", {"q": "help", "language": CANARY}, **SAME_ORIGIN)
    assert search.status_code < 500
    assert CANARY not in search.content.decode()
