"""Contact data hiding in free text is found, however it is written (SR-7; issue #18
item 4): a number or a link pasted into a description goes to a coordinator."""

import pytest

from apps.curation.contact_data import contact_tokens, introduces_contact_data

WAYS_OF_WRITING_CONTACT_DATA = [
    "Call us now on +33 1 99 00 77 77",
    "Nouveau numéro : 01 99 00 77 77",
    "Appelez le 3919",  # a French short national number
    "Call 116 006",  # the EU victims' helpline, spaced
    "Call 119 now",
    "Ring +44·20·7946·0958",  # middle dots between groups
    "Ring +44.20.7946.0958",
    "رقم جديد ٠١٩٩٠٠٧٧٧٧",  # Arabic-Indic digits
    "Write to help@evil.example",
    "Write to help(at)evil.example",
    "Write to help [at] evil [dot] example",
    "Write to help＠evil.example",  # full-width at sign
    "Chat at https://evil.example/chat",
    "Visit evil.example/help",
    "Visit evil-hotline.com",
    "Visit evil[.]example/help",
    "Visit hxxps://evil(.)example",
]


@pytest.mark.parametrize("text", WAYS_OF_WRITING_CONTACT_DATA)
def test_every_way_of_writing_a_number_or_link_is_found(text):
    assert introduces_contact_data("", text), contact_tokens(text)


@pytest.mark.parametrize(
    "text",
    [
        "Open every day, free of charge, for women and their children.",
        "We listen, in French, English and Arabic. Interpreters on request.",
        "Open 24 hours a day, 7 days a week.",
        "Since 2015 we have helped more than 40 families each year.",
        "",
    ],
)
def test_ordinary_sentences_are_not_contact_data(text):
    assert not introduces_contact_data("", text), contact_tokens(text)


def test_the_same_contact_data_written_differently_is_not_new():
    old = "Call 01 99 00 77 77 or visit https://www.example.org/help"
    new = "Call +33 1 99 00 77 77 or visit example.org/help"
    assert contact_tokens(old) and not introduces_contact_data(old, new)
