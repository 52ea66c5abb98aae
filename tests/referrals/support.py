"""Helpers shared by the referrals tests: ids in URLs, posting sheets, crawling every route."""

import re

from apps.directory.models import Region, Service

ORIGIN = {"HTTP_ORIGIN": "http://testserver"}
HELPLINE = "Example National Helpline"
SHELTER = "Example Emergency Shelter Lyon"  # hidden location
CLINIC = "Example Legal and Immigration Clinic"  # public address, email
HOUSING = "Example Transitional Housing Program"  # region-only location
HEALTH = "Example Community Health Clinic"  # US numbers, WhatsApp
COUNSELLING = "Example Women’s Counselling Service"  # a dated exception
CHAT = "Example Worldwide Chat Support"


def ids_query(*pks) -> str:
    return "&".join(f"ids={pk}" for pk in pks)


def service_pk(name: str) -> int:
    return Service.objects.get(name_en=name).pk


def all_pks() -> list[int]:
    return list(Service.objects.order_by("pk").values_list("pk", flat=True))


def post_sheet(client, pks, *, language="en", interface="en", **fields):
    data = {"language": language, **fields}
    return client.post(f"/{interface}/list/sheet/?{ids_query(*pks)}", data, **ORIGIN)


def make_code(client, pks, interface="en") -> str:
    response = client.post(f"/{interface}/list/code/?{ids_query(*pks)}", **ORIGIN)
    assert response.status_code == 303, response.status_code
    return re.fullmatch(rf"/{interface}/list/(\w+)/", response["Location"]).group(1)


def article(html: str) -> str:
    """The printable sheet alone, without the page around it."""
    return html[html.index("<article") : html.index("</article>")]


def text_of(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def crawl(client, language: str, *, queries=("aide", "help")):
    """Every referrals route with the whole demo directory listed: (label, response)."""
    pks = all_pks()
    everything = ids_query(*pks)
    base = f"/{language}/list/"
    yield "list", client.get(f"{base}?{everything}")
    for region in Region.objects.all():
        yield f"area {region.code}", client.get(f"{base}?{everything}&area={region.slug}")
        yield f"area only {region.code}", client.get(f"{base}?area={region.slug}")
    for words in queries:
        yield f"search {words}", client.post(f"{base}", {"q": words}, **ORIGIN)
    others = ["en", "ar"]
    for second in others:
        for discreet in ("", "on"):
            yield (
                f"sheet {language}+{second} {discreet}",
                post_sheet(
                    client,
                    pks,
                    language=language,
                    interface=second,
                    second_language=second,
                    discreet=discreet,
                    note="",
                ),
            )
    code = make_code(client, pks, language)
    yield "code", client.get(f"{base}{code}/")
    yield "code discreet", client.get(f"{base}{code}/?discreet=1")
    yield "sheet with code", post_sheet(client, pks[:1], language=language, code=code)
    yield "send", client.get(f"{base}{code}/send/?language=ar")
    yield "send discreet", client.get(f"{base}{code}/send/?language={language}&discreet=on")
    yield "compact sheet", post_sheet(client, pks[:6], language=language, layout="a4")
    yield "open", client.get(f"{base}open/?code={code.lower()}")
    yield "unknown code", client.get(f"{base}BBBBBBBBBB/")
    for pk in pks:
        yield f"card {pk}", client.get(f"{base}card/{pk}.vcf")
        yield f"card {pk} discreet", client.get(f"{base}card/{pk}.vcf?discreet=1&n=3")
    yield "missing card", client.get(f"{base}card/999999.vcf")
