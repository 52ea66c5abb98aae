"""The fallback chains are chosen for each language's readers and end in English (#17).

The reasons are in docs/languages.md ("Fallback chains"); change both together.
"""

from django.conf import settings

from apps.core.i18n import fallback_chain
from apps.directory.models import Service

CHAINS = {
    "en": ["en"],
    "es": ["es", "en"],
    "fr": ["fr", "en"],
    "pt": ["pt", "es", "en"],
    "ro": ["ro", "en"],
    "uk": ["uk", "en"],
    "ru": ["ru", "en"],
    "ar": ["ar", "en"],
    "fa": ["fa", "en"],
    "vi": ["vi", "en"],
    "zh-hans": ["zh-hans", "en"],
    "tl": ["tl", "en"],
}


def test_every_interface_language_has_its_chosen_chain():
    assert {code for code, _name in settings.LANGUAGES} == set(CHAINS)
    assert {code: fallback_chain(code) for code in CHAINS} == CHAINS


def test_modeltranslation_reads_the_same_chains():
    # The admin and any code reading ``service.name`` fall back the same way as the pages.
    configured = settings.MODELTRANSLATION_FALLBACK_LANGUAGES
    for code, chain in CHAINS.items():
        assert [code, *[c for c in configured[code] if c != code]] == chain


def test_no_reader_is_sent_to_a_language_they_are_unlikely_to_read():
    for reader, unlikely in {"fa": "ar", "uk": "ru", "ru": "uk", "ar": "fr", "ro": "fr"}.items():
        assert unlikely not in fallback_chain(reader), reader
    assert all(fallback_chain(code)[-1] == "en" for code in CHAINS)


def test_pages_follow_the_chain(client, demo):
    service = Service.objects.get(name_en="Example National Helpline")
    for reader, shown in {"fa": "en", "uk": "uk", "ru": "en", "ar": "ar", "ro": "ro"}.items():
        html = client.get(f"/{reader}/s/{service.pk}/").content.decode()
        heading = html.split("<h1>")[1].split("</h1>")[0]
        name = getattr(service, f"name_{shown}")
        assert name in heading, (reader, heading)
        assert ('lang="' in heading) == (shown != reader), (reader, heading)


def test_a_machine_drafted_fallback_carries_both_markers(client, demo):
    # The chat service's Spanish is a machine draft; Portuguese readers get Spanish.
    service = Service.objects.get(name_en="Example Worldwide Chat Support")
    html = client.get(f"/pt/s/{service.pk}/").content.decode()
    heading = html.split("<h1>")[1].split("</h1>")[0]
    assert heading == (
        '<bdi lang="es" dir="ltr">Chat de apoyo mundial</bdi> '
        '<small class="shown-in">(apresentado em espanhol)</small> '
        '<small class="shown-in machine">(tradução automática)</small>'
    )


def test_a_reviewed_translation_carries_no_marker(client, demo):
    service = Service.objects.get(name_en="Example Women’s Counselling Service")
    html = client.get(f"/fa/s/{service.pk}/").content.decode()
    heading = html.split("<h1>")[1].split("</h1>")[0]
    assert heading == f"<bdi>{service.name_fa}</bdi>"


def test_a_machine_draft_in_the_readers_language_says_so(client, demo):
    service = Service.objects.get(name_en="Example Community Health Clinic")
    html = client.get(f"/zh-hans/s/{service.pk}/").content.decode()
    heading = html.split("<h1>")[1].split("</h1>")[0]
    assert heading.startswith(f"<bdi>{service.name_zh_hans}</bdi> ")
    assert 'class="shown-in machine"' in heading and 'class="shown-in"' not in heading


def test_long_texts_are_paragraphs_with_their_language(client, demo):
    service = Service.objects.get(name_en="Example National Helpline")
    html = client.get(f"/zh-hans/s/{service.pk}/").content.decode()
    assert '<div lang="en" dir="ltr"><p>Free, confidential advice' in html
    assert "&lt;p&gt;" not in html
