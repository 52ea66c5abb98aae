"""Searches kept on the server (apps/directory/cards.py): faster, never stale, no words kept.

These run on SQLite and PostgreSQL alike: what is cached is the same on both.
"""

import re

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.directory.models import Region, Service


def search(client, query, path="/en/find/", **choices):
    return client.post(path, {"q": query, **choices}, HTTP_ORIGIN="http://testserver", follow=True)


def names(response):
    html = response if isinstance(response, str) else response.content.decode()
    return re.findall(r'<h3 id="svc-\d+"><a href="[^"]+"><bdi>([^<]+)</bdi>', html)


def cached_bytes() -> list[bytes]:
    """Every key and value in the cache, as stored."""
    if hasattr(cache, "_cache") and isinstance(cache._cache, dict):  # the local-memory cache
        return [key.encode() + b" " + value for key, value in cache._cache.items()]
    client = cache._cache.get_client(None)
    return [key + b" " + (client.get(key) or b"") for key in client.keys("*")]


def test_a_repeated_search_is_answered_without_searching_or_loading_listings(client, demo):
    first = search(client, "housing", free="on")
    with CaptureQueriesContext(connection) as again:
        second = search(client, "housing", free="on")
    assert names(first) and names(second) == names(first)
    tables = " ".join(query["sql"] for query in again)
    assert "directory_channel" not in tables  # the cards were kept
    assert "directory_servicesearch" not in tables and "LIKE" not in tables  # so were the ids


def test_the_cache_keeps_no_search_words(client, demo):
    # Searches are case-insensitive; this spelling appears nowhere but in the request.
    response = search(client, "hOuSiNg", free="on")
    assert names(response)
    assert all(b"hOuSiNg" not in entry for entry in cached_bytes())


def test_a_change_shows_in_a_repeated_search_at_once(client, demo):
    assert "Example National Helpline" in names(search(client, "helpline"))
    service = Service.objects.get(name="Example National Helpline")
    service.name_en = "Example National Helpline (new number)"
    service.save()  # not through a proposal: any writer makes the kept searches stale
    assert "Example National Helpline (new number)" in names(search(client, "helpline"))


def test_a_change_shows_on_a_kept_region_page_at_once(client, demo):
    assert "Example National Helpline" in client.get("/en/r/fr/").content.decode()
    service = Service.objects.get(name="Example National Helpline")
    service.areas.all().delete()  # no longer serves France
    service.areas.create(scope="region", region=Region.objects.get(code="GB"))
    assert "Example National Helpline" not in client.get("/en/r/fr/").content.decode()


def test_each_visitor_keeps_their_own_referral_list_on_kept_cards(client, demo):
    first, second = Service.objects.published().order_by("pk")[:2]
    for carried, other in ((first, second), (second, first)):
        html = search(client, "helpline", path=f"/en/find/?ids={carried.pk}").content.decode()
        forms = html.count('<form method="get" action="#svc-')
        assert forms >= 1 and html.count("In your list") <= 1
        # Every card's "Add to list" keeps this visitor's list, and only theirs.
        assert html.count(f'name="ids" value="{carried.pk}"') == forms
        assert html.count(f'name="ids" value="{other.pk}"') <= 1  # its own card, if listed
        # So does every link to a listing.
        links = re.findall(r'href="/en/s/\d+/([^"]*)"', html)
        assert links and set(links) == {f"?ids={carried.pk}"}


def test_a_kept_search_answers_the_same_and_never_shows_the_words(client, demo):
    first = search(client, "housing")
    again = search(client, " housing   ")  # the same search, kept
    assert names(again) and names(again) == names(first)
    for response in (first, again):
        html = response.content.decode()
        assert 'value="housing' not in html and 'value=" housing' not in html
        # Each search has its own opaque address; neither holds the words.
        assert "housing" not in response.redirect_chain[0][0]
    assert first.redirect_chain[0][0] != again.redirect_chain[0][0]
