"""How many statements a first-time search and a region page cost (issue #20).

On PostgreSQL a filtered search is one statement over the search table, and a results
page loads its listings in a fixed number of queries whatever their number and the
reader's language (only the languages its fallback chain reads): never one per row.
"""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.directory.models import Language, Service, Taxonomy, TaxonomyTerm

ORIGIN = "http://testserver"


def names(html):
    return re.findall(r'<h3 id="svc-\d+">', html)


@pytest.mark.parametrize("interface", ["en", "pt", "ar"])
def test_result_cards_load_in_five_queries_whatever_their_number_and_language(
    demo, require_postgres, interface
):
    """No query per listing: the cards of one listing or of all cost the same, and only
    the languages the reader's fallback chain reads are loaded (any other read would be
    a query per row)."""
    from django.utils import translation

    from apps.directory.cards import cards

    ids = list(Service.objects.published().order_by("pk").values_list("pk", flat=True))
    assert len(ids) > 5
    with translation.override(interface):
        for some in (ids[:1], ids):
            with CaptureQueriesContext(connection) as queries:
                shown = cards(some)
            assert [card.pk for card in shown] == some
            assert len(queries) == 5, [q["sql"][:120] for q in queries]
            loaded = " ".join(q["sql"] for q in queries)
            assert '"name_fr"' not in loaded and '"description_ru"' not in loaded
            assert '"name_en"' in loaded  # every chain ends in English


def test_a_filtered_word_search_is_one_statement(client, demo, require_postgres):
    english = Language.objects.get(code="eng")
    cache.clear()
    data = {"q": "example", "language": english.pk, "channel": "voice"}
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/en/find/", data, HTTP_ORIGIN=ORIGIN, follow=True)
    assert len(names(response.content.decode())) >= 5
    searches = [q["sql"] for q in queries if "directory_servicesearch" in q["sql"]]
    assert len(searches) == 1
    assert "language_ids" in searches[0] and "channel_kinds" in searches[0]


def test_every_filter_is_asked_in_the_statement_that_matches_the_words(
    client, demo, require_postgres
):
    helpline = TaxonomyTerm.objects.of(Taxonomy.SERVICE_TYPE).get(code="hotline")
    cache.clear()
    data = {"q": "example", "type": helpline.pk, "open_now": "on", "always_open": "on"}
    with CaptureQueriesContext(connection) as queries:
        client.post("/en/find/", {**data, "free": "on"}, HTTP_ORIGIN=ORIGIN)
    words = [q["sql"] for q in queries if "@@" in q["sql"]]
    assert words, "no word search"
    for column in ("term_ids", "directory_weeklyopening", "always_open", "is_free"):
        assert column in words[0], column
    assert "directory_service_terms" not in words[0]  # no correlated query per filter


def test_a_region_page_costs_the_same_statements_whatever_it_lists(client, demo, require_postgres):
    def statements(path):
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    # 26 as in test_pages: +1 the forms-of-exploitation filter, +1 "Report something online"
    assert statements("/en/r/fr/") == statements("/en/r/fr/?channel=voice&free=on") == 26
    assert Service.objects.published().count() > 1
