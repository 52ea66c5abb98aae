"""Contact cards (vCard 4.0, RFC 6350) for putting a service's numbers in a phone."""

import pytest

from apps.directory.models import Channel, Location, Organization, Service
from apps.referrals.vcard import escape, fold

from .support import CLINIC, HEALTH, HELPLINE, SHELTER, service_pk


def card(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="contact.vcf"'
    text = response.content.decode()
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    return text


def unfolded(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def test_a_card_holds_the_name_numbers_email_and_public_address(client, demo):
    lines = unfolded(card(client, f"/en/list/card/{service_pk(CLINIC)}.vcf"))
    assert lines[:3] == ["BEGIN:VCARD", "VERSION:4.0", "FN:Example Legal and Immigration Clinic"]
    assert lines[-1] == "END:VCARD"
    assert "ORG:Example Rights Centre (fictional)" in lines
    assert "TEL;TYPE=voice:+33199002020" in lines
    assert "EMAIL:contact@rights.example.org" in lines
    assert "ADR:;;1 place de la Démonstration;Paris;;75011;France" in lines
    note = next(line for line in lines if line.startswith("NOTE:"))
    assert "Monday–Friday" in note and "Europe/Paris" in note


def test_text_numbers_and_messaging_numbers_are_typed(client, demo):
    lines = unfolded(card(client, f"/en/list/card/{service_pk(HELPLINE)}.vcf"))
    assert "TEL;TYPE=voice:+33199001001" in lines
    assert "TEL;TYPE=text:+33199001002" in lines
    assert "URL:https://chat.example.org/fr" in lines
    lines = unfolded(card(client, f"/en/list/card/{service_pk(HEALTH)}.vcf"))
    assert "TEL;TYPE=cell,text:+12125550143" in lines


def test_the_card_is_in_the_language_of_its_address(client, demo):
    lines = unfolded(card(client, f"/ar/list/card/{service_pk(CLINIC)}.vcf"))
    assert "FN:عيادة قانونية وهجرة" in lines
    assert "ORG:مركز الحقوق (خيالي)" in lines


def test_card_text_is_escaped(client, demo):
    service = Service.objects.get(name_en=CLINIC)
    service.name_en = "Help, advice; and more\\less\nnext line\x07"
    service.save()
    Organization.objects.filter(pk=service.organization_id).update(name_en="A;B,C")
    lines = unfolded(card(client, f"/en/list/card/{service.pk}.vcf"))
    assert "FN:Help\\, advice\\; and more\\\\less\\nnext line" in lines
    assert "N:Help\\, advice\\; and more\\\\less\\nnext line;;;;" in lines
    assert "ORG:A\\;B\\,C" in lines


def test_long_lines_are_folded_without_splitting_a_character():
    line = "FN:" + "é" * 100 + "ش" * 50
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(part.encode()) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert folded.replace("\r\n ", "") == line
    assert escape("a\r\nb\rc") == "a\\nb\\nc"


def test_a_confidential_address_never_reaches_a_card(client, demo):
    for pk in Service.objects.values_list("pk", flat=True):
        for query in ("", "?discreet=1"):
            text = card(client, f"/en/list/card/{pk}.vcf{query}")
            for secret in ("rue de l’Exemple", "Hidden Example Way", "Oakland", "East Bay"):
                assert secret not in text


def test_a_discreet_card_has_a_neutral_name_and_no_organisation(client, demo):
    shelter = Service.objects.get(name_en=SHELTER)
    lines = unfolded(card(client, f"/en/list/card/{shelter.pk}.vcf?discreet=1&n=2"))
    assert "FN:Contact 2" in lines
    assert not any(line.startswith("ORG:") for line in lines)
    assert "TEL;TYPE=voice:+33199001010" in lines
    text = "\n".join(lines)
    assert "Shelter" not in text and "Safe Homes" not in text and "Intake" not in text
    # Any value for "discreet" but 0 counts: a mistyped link fails closed.
    assert "FN:Contact" in card(client, f"/en/list/card/{shelter.pk}.vcf?discreet=yes&n=x")


def test_a_discreet_card_leaves_out_a_revealing_web_address(client, demo):
    helpline = Service.objects.get(name_en=HELPLINE)
    Channel.objects.filter(service=helpline, kind="chat").update(
        url="https://anti-trafficking.example.org/"
    )
    assert "anti-trafficking" not in card(client, f"/en/list/card/{helpline.pk}.vcf?discreet=1")
    assert "anti-trafficking" in card(client, f"/en/list/card/{helpline.pk}.vcf")


def test_cards_of_non_public_services_get_the_same_404_as_unknown_ids(client, demo):
    draft, archived, hidden_org = Service.objects.all()[:3]
    draft.status = "draft"
    draft.save()
    archived.status = "archived"
    archived.save()
    hidden_org.organization.status = "draft"
    hidden_org.organization.save()
    paths = [f"/en/list/card/{pk}.vcf" for pk in (draft.pk, archived.pk, hidden_org.pk, 999999)]
    responses = [client.get(path) for path in paths]
    assert {response.status_code for response in responses} == {404}
    assert len({response.content for response in responses}) == 1
    assert client.get("/en/list/card/99999999999999999999999.vcf").status_code == 404
    assert client.get("/en/list/card/0.vcf").status_code == 404


@pytest.mark.parametrize("visibility", [Location.Visibility.HIDDEN, Location.Visibility.REGION])
def test_a_public_address_made_confidential_leaves_the_card_at_once(client, demo, visibility):
    Location.objects.filter(address_1_en="1 place de la Démonstration").update(
        visibility=visibility
    )
    text = card(client, f"/en/list/card/{service_pk(CLINIC)}.vcf")
    assert "ADR" not in text and "Démonstration" not in text
