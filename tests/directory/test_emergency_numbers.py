"""Emergency numbers come from libphonenumber's metadata, spelt out from its patterns."""

import pytest

from apps.directory.emergency import PatternTooWide, emergency_numbers, spell_out


def test_known_countries():
    assert emergency_numbers("US") == ("112", "911")
    assert emergency_numbers("fr") == ("15", "17", "18", "112")
    assert emergency_numbers("GB") == ("112", "999")


def test_unknown_or_empty_regions_have_none():
    assert emergency_numbers("XX") == ()
    assert emergency_numbers("") == ()
    assert emergency_numbers("AQ") == ()  # Antarctica: no metadata


def test_patterns_are_spelt_out_and_wide_ones_refused():
    assert spell_out("1(?:12|[578])") == {"112", "15", "17", "18"}
    assert spell_out("11[02]|9{2}9?") == {"110", "112", "99", "999"}
    with pytest.raises(PatternTooWide):
        spell_out("\\d{3}")
    with pytest.raises(PatternTooWide):
        spell_out("1.2")
