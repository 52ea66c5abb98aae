"""Content shown in a fallback language says so and carries the right lang (L2)."""

import re

from apps.directory.models import Service


def test_content_in_the_readers_language_has_no_marker(client, demo):
    service = Service.objects.get(name_en="Example National Helpline")
    html = client.get(f"/fr/s/{service.pk}/").content.decode()
    assert "Ligne nationale d’exemple" in html
    assert 'class="shown-in"' not in html.split("<h1>")[1].split("</h1>")[0]


def test_fallback_content_is_marked_with_its_language(client, demo):
    service = Service.objects.get(name_en="Example National Helpline")
    html = client.get(f"/vi/s/{service.pk}/").content.decode()
    heading = html.split("<h1>")[1].split("</h1>")[0]
    assert '<bdi lang="en" dir="ltr">Example National Helpline</bdi>' in heading
    assert re.search(r'class="shown-in">\(.+\)</small>', heading)
    assert "Tiếng Anh" in heading  # the language is named in Vietnamese (CLDR)


def test_fallback_follows_the_languages_chain(client, demo):
    # Portuguese falls back to Spanish before English.
    service = Service.objects.get(name_en="Example National Helpline")
    html = client.get(f"/pt/s/{service.pk}/").content.decode()
    assert '<bdi lang="es" dir="ltr">Línea Nacional de Ejemplo</bdi>' in html


def test_machine_drafted_translation_is_marked(client, demo):
    service = Service.objects.get(name_en="Example National Helpline")
    service.translation_status = {"fr": "machine"}
    service.save()
    html = client.get(f"/fr/s/{service.pk}/").content.decode()
    assert html.count('class="shown-in"') >= 1


def test_tagalog_content_renders(client, demo):
    service = Service.objects.get(name_en="Example National Helpline")
    service.name_tl = "Halimbawang Pambansang Linya"
    service.save()
    response = client.get(f"/tl/s/{service.pk}/")
    assert response.status_code == 200
    assert "Halimbawang Pambansang Linya" in response.content.decode()
    # A Tagalog reader of a listing with no Tagalog text gets English, marked as such.
    other = Service.objects.get(name_en="Example Worldwide Chat Support")
    assert '<bdi lang="en" dir="ltr">' in client.get(f"/tl/s/{other.pk}/").content.decode()


def test_channel_labels_in_a_fallback_language_are_marked(client, demo):
    # The helpline's label exists in English and French only; a Persian reader sees
    # English, marked as such, on the region page's help strip and on the service page.
    service = Service.objects.get(name_en="Example National Helpline")
    for path in ("/fa/r/fr/", f"/fa/s/{service.pk}/"):
        html = client.get(path).content.decode()
        assert '<bdi lang="en" dir="ltr">Helpline, free from any phone</bdi>' in html, path
