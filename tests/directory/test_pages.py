"""The public pages a person uses to find help (D1–D7, SR-22)."""

import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from apps.core import pagecache
from apps.directory.models import Channel, Language, Region, Service, Taxonomy, TaxonomyTerm


def card_names(html: str) -> set[str]:
    return set(re.findall(r'<h3 id="svc-\d+"><a href="[^"]+"><bdi>([^<]+)</bdi>', html))


def region_page(client, code, **params):
    return client.get(f"/en/r/{code}/", params)


def test_home_lists_countries_in_the_readers_language(client, demo):
    assert "France" in client.get("/en/").content.decode()
    assert "Royaume-Uni" in client.get("/fr/").content.decode()
    assert "المملكة المتحدة" in client.get("/ar/").content.decode()


def test_a_locality_page_includes_national_and_international_services(client, demo):
    names = card_names(region_page(client, "fr-ara-lyon").content.decode())
    assert "Example Emergency Shelter Lyon" in names  # the locality's own
    assert "Example National Helpline" in names  # national
    assert "Example Worldwide Chat Support" in names  # international
    assert "Example Legal and Immigration Clinic" not in names  # another region
    assert "Example Modern Slavery Helpline" not in names  # another country


def test_get_help_now_shows_the_regions_verified_lines_first(client, demo):
    html = region_page(client, "fr-ara-lyon").content.decode()
    help_now = html[html.index('id="help-now-heading"') : html.index("</section>")]
    assert 'href="tel:+33199001001"' in help_now
    assert "+44" not in help_now


def test_services_are_grouped_by_need(client, demo):
    html = region_page(client, "fr").content.decode()
    assert html.index(">Helpline</bdi></h2>") < html.index(">Counselling</bdi></h2>")


def term(code):
    return TaxonomyTerm.objects.get(code=code).pk


def test_filters_combine(client, demo):
    legal = {"type": term("legal")}
    names = card_names(region_page(client, "fr-idf", **legal).content.decode())
    assert names == {"Example Legal and Immigration Clinic"}
    spanish = Language.objects.get(code="spa").pk
    names = card_names(region_page(client, "fr-idf", language=spanish, free="on").content.decode())
    assert "Example Legal and Immigration Clinic" in names and "Example National Helpline" in names
    names = card_names(
        region_page(
            client, "fr-ara-lyon", trust=[term("no-id"), term("referrals")]
        ).content.decode()
    )
    assert names == {"Example Emergency Shelter Lyon"}  # both trust attributes, not either
    names = card_names(region_page(client, "fr", channel="sms").content.decode())
    assert names == {"Example National Helpline"}


def test_open_24_hours_filter_keeps_only_always_open_lines(client, demo):
    names = card_names(region_page(client, "gb-man", always_open="on").content.decode())
    assert names == {"Example Modern Slavery Helpline", "Example Worldwide Chat Support"}


def test_result_count_is_shown(client, demo):
    html = region_page(client, "fr-ara-lyon").content.decode()
    assert "4 services" in html  # the national reporting point for online content too


@pytest.mark.parametrize(
    "params",
    [
        {"type": "abc"},
        {"type": "999999"},
        {"language": "'; DROP TABLE x"},
        {"channel": "pigeon"},
        {"language": "999999"},
    ],
)
def test_malformed_filters_give_a_clear_400_not_a_500(client, demo, params):
    response = region_page(client, "fr", **params)
    assert response.status_code == 400
    assert "not valid" in response.content.decode()


@pytest.mark.parametrize("params", [{"id__gt": "0"}, {"_connector": "OR"}, {"status": "draft"}])
def test_unknown_parameters_are_ignored(client, demo, params):
    Service.objects.filter(name="Example National Helpline").update(status="draft")
    response = region_page(client, "fr", **params)
    assert response.status_code == 200
    assert "Example National Helpline" not in card_names(response.content.decode())


def test_service_page_has_tap_to_call_links_from_the_same_e164_value(client, demo):
    service = Service.objects.get(name="Example National Helpline")
    html = client.get(f"/en/s/{service.pk}/").content.decode()
    assert 'href="tel:+33199001001"' in html
    assert '<span dir="ltr" class="number">+33 1 99 00 10 01</span>' in html
    assert 'href="sms:+33199001002"' in html
    assert "Open 24 hours" in html
    assert "Last verified on" in html and "Example Safe Homes Network" in html


def test_service_page_links_to_outside_sites_without_referrer(client, demo):
    service = Service.objects.get(name="Example Worldwide Chat Support")
    html = client.get(f"/en/s/{service.pk}/").content.decode()
    assert re.search(r'href="https://chat\.example\.net/" rel="noopener noreferrer"', html)


def test_public_address_is_shown_when_public(client, demo):
    service = Service.objects.get(name="Example Legal and Immigration Clinic")
    assert "1 place de la Démonstration" in client.get(f"/fr/s/{service.pk}/").content.decode()


def test_search_is_post_only_and_finds_text_in_any_language(client, demo):
    for language, words in (("en", "immigration"), ("fr", "juridique"), ("es", "vivienda")):
        response = client.post(
            f"/{language}/find/", {"q": words}, HTTP_ORIGIN="http://testserver", follow=True
        )
        assert response.status_code == 200
        assert card_names(response.content.decode()), (language, words)
    page = client.get("/en/find/").content.decode()
    assert 'method="post"' in page and 'autocomplete="off"' in page


@pytest.mark.parametrize("query", ["x" * 256, "x" * 10001, "\x00", ""])
def test_bad_search_input_gets_a_400_with_a_message(client, demo, query):
    response = client.post("/en/find/", {"q": query}, HTTP_ORIGIN="http://testserver", follow=True)
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "<script>alert(1)</script>",
        '"><svg onload=alert(1)>',
        "{{ 7*7 }}",
        "{% debug %}",
        "' OR '1'='1",
        "%",
        "_",
        "\u202e\u2066",
        "😀" * 50,
    ],
)
def test_hostile_search_input_is_handled_and_escaped(client, demo, query):
    response = client.post("/en/find/", {"q": query}, HTTP_ORIGIN="http://testserver", follow=True)
    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert "<script>alert" not in html and "<svg onload" not in html
    box = 'name="q" id="id_q" maxlength="200" autocomplete="off" required'
    if response.status_code == 400:
        # A form sent back to be corrected shows the words exactly as typed, as text:
        # never evaluated as a template.
        assert f'{box} value="{escape(query)}"' in html
    else:
        # Results live at an address that holds no words, and do not show them (0011).
        assert f"{box}>" in html
        assert response.redirect_chain[0][1] == 303


def test_demo_banner_shows_while_demo_data_is_present(client, demo):
    assert "Demonstration data" in client.get("/en/").content.decode()


def test_no_banner_without_demo_data(client, db):
    assert "Demonstration data" not in client.get("/en/").content.decode()


def test_load_demo_if_empty_keeps_existing_data(demo):
    count = Service.objects.count()
    call_command("load_demo", "--if-empty")
    assert Service.objects.count() == count


def test_demo_numbers_come_from_ranges_reserved_for_fiction(demo):
    fiction = re.compile(r"^(\+331990\d{5}|\+44207946\d{4}|\+447700900\d{3}|\+1\d{3}55501\d{2})$")
    numbers = Channel.objects.exclude(number="").values_list("number", flat=True)
    assert numbers and all(fiction.match(n) for n in numbers)


def test_demo_covers_every_service_type_and_a_confidential_shelter(demo):
    types = TaxonomyTerm.objects.of(Taxonomy.SERVICE_TYPE)
    assert all(t.services.exists() for t in types)
    assert Channel.objects.filter(is_24_7=True).exists()
    assert Channel.objects.filter(closed_on_public_holidays=True).exists()
    assert Region.objects.filter(kind="locality").exists()


# A page with contact lines counts the 3 queries that read their hours for "open now"
# (channels, periods, exceptions: filled in for each answer, kept per process and
# publication); a page filtered by "open now" also the 3 that find the opening and
# closing times for its cache key (apps/core/pagecache.py).
@pytest.mark.parametrize(
    ("path", "queries"),
    [
        ("/en/", 2),
        # +1 each for the forms-of-exploitation filter, +1 for "Report something online"
        ("/en/r/fr/", 26),
        # +1: the shelter's space, filled for each answer (issue 21)
        ("/en/r/fr-ara-lyon/?free=on&open_now=on", 30),
        ("/en/s/{helpline}/", 14),
    ],
)
def test_public_pages_use_a_fixed_number_of_queries(
    client, demo, path, queries, django_assert_num_queries
):
    path = path.format(helpline=Service.objects.get(name="Example National Helpline").pk)
    with django_assert_num_queries(queries):
        assert client.get(path).status_code == 200


def test_region_page_queries_do_not_grow_with_results(client, demo):
    client.get("/en/r/fr/")  # warm the demo-banner cache
    pagecache.purge()  # count the queries of building the page, not of replaying it
    with CaptureQueriesContext(connection) as few:
        client.get("/en/r/fr/")
    original = Service.objects.get(name="Example National Helpline")
    for _ in range(5):
        copy = Service.objects.get(pk=original.pk)
        channels = list(copy.channels.all())
        terms = list(copy.terms.all())
        copy.pk = None
        copy.save()
        copy.terms.set(terms)
        copy.areas.create(scope="region", region=Region.objects.get(code="FR"))
        for channel in channels:
            channel.pk, channel.service = None, copy
            channel.save()
    pagecache.purge()
    with CaptureQueriesContext(connection) as many:
        assert client.get("/en/r/fr/").content.decode().count('class="card"') >= 10
    assert len(many) == len(few)


def test_filter_options_show_how_many_listed_services_have_them(client, demo):
    html = region_page(client, "fr-ara-lyon").content.decode()
    hotline = term("hotline")
    match = re.search(
        rf'value="{hotline}"[^>]*> <bdi>Helpline</bdi> <span class="count">\((\d+)\)', html
    )
    assert match and int(match.group(1)) == 2  # the national line and the worldwide chat
    sms = re.search(r'value="sms"[^>]*> Text message \(SMS\) <span class="count">\((\d+)\)', html)
    assert sms and int(sms.group(1)) == 1


def test_a_long_region_list_is_shown_a_page_at_a_time(client, demo):
    original = Service.objects.get(name="Example National Helpline")
    for number in range(25):
        copy = Service.objects.get(pk=original.pk)
        copy.pk = None
        copy.name_en = f"Example Copy {number:02d}"
        copy.save()
        copy.areas.create(scope="region", region=Region.objects.get(code="FR"))
    serving = Service.objects.published().serving(Region.objects.get(code="FR"))
    listed, free = serving.count(), serving.filter(is_free=True).count()
    first = client.get("/en/r/fr/?free=on").content.decode()
    assert first.count('class="card"') <= 20
    assert f"Page 1 of {-(-free // 20)}" in first
    assert 'href="?free=on&amp;page=2"' in first  # the filters travel with the page
    second = client.get("/en/r/fr/?free=on&page=2").content.decode()
    assert "Page 2 of" in second
    assert listed > 20
    # A page number out of range shows the last page rather than an error.
    assert client.get("/en/r/fr/?page=999").status_code == 200
