"""Opening hours edited as rows (issue 15, item 5): day, opens, closes, past midnight."""

import pytest
from django import forms
from django.utils import translation

from apps.directory.hours import BLANK_ROWS, OpeningHoursField


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


class HoursForm(forms.Form):
    hours = OpeningHoursField(required=False)


def post(*rows):
    data = {}
    for i, (day, opens, closes, past) in enumerate(rows):
        data.update({f"hours-{i}-day": day, f"hours-{i}-opens": opens, f"hours-{i}-closes": closes})
        if past:
            data[f"hours-{i}-past_midnight"] = "on"
    return HoursForm(data)


def test_rows_become_sorted_periods_and_empty_rows_are_ignored():
    form = post(("4", "22:00", "06:00", True), ("", "", "", False), ("0", "09:00", "17:00", False))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["hours"] == [[0, "09:00:00", "17:00:00"], [4, "22:00:00", "06:00:00"]]


@pytest.mark.parametrize(
    "row,message",
    [
        (("4", "22:00", "06:00", False), "Row 1: it closes before it opens."),
        (("4", "09:00", "17:00", True), "Row 1: “past midnight” is ticked"),
        (("4", "09:00", "09:00", False), "Row 1: opening and closing times are the same."),
        (("4", "9 o'clock", "17:00", False), "Row 1: write times as hours and minutes"),
        (("", "09:00", "17:00", False), "Row 1: choose a day"),
        (("9", "09:00", "17:00", False), "Row 1: choose a day"),
    ],
)
def test_a_wrong_row_is_named_plainly(row, message):
    form = post(row)
    assert not form.is_valid()
    assert message in " ".join(form.errors["hours"])


def test_the_rows_show_the_current_hours_and_blank_rows_to_add_more():
    form = HoursForm(initial={"hours": [[0, "09:00:00", "17:00:00"], [5, "20:00:00", "02:00:00"]]})
    html = str(form["hours"])
    assert html.count("<tr>") == 1 + 2 + BLANK_ROWS
    assert 'name="hours-1-closes" id="id_hours-1-closes" value="02:00"' in html
    assert 'name="hours-1-past_midnight" id="id_hours-1-past_midnight" checked' in html
    assert 'name="hours-0-past_midnight" id="id_hours-0-past_midnight" aria' in html


def test_a_rejected_row_is_shown_again_as_typed():
    form = post(("4", "22:00", "06:00", False))
    assert not form.is_valid()
    assert 'value="22:00"' in str(form["hours"])
