"""Anonymous forms on browsers that give no origin, and bad input to the new parts
(issue #16): forged or expired form tokens, unknown result addresses, unreadable lists.
Each gets a clear, translated page and changes nothing."""

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone

from apps.core.security import FORM_TOKEN_MAX_AGE, form_token
from apps.curation.models import ProblemReport
from apps.directory.models import Service

OLD_BROWSER = {"HTTP_ORIGIN": "null"}  # and no Sec-Fetch-Site
CLINIC = "Example Legal and Immigration Clinic"


def report(client, service, token, lang="en", **headers):
    data = {"category": ProblemReport.Category.choices[0][0], "message": "Hours changed."}
    if token is not None:
        data["ft"] = token
    return client.post(f"/{lang}/s/{service.pk}/note/", data, **headers)


@pytest.fixture
def clinic(demo):
    return Service.objects.get(name_en=CLINIC)


def test_the_report_form_carries_a_token(client, clinic):
    html = client.get(f"/en/s/{clinic.pk}/note/").content.decode()
    assert re.search(r'<input type="hidden" name="ft" value="[^"]+:[^"]+">', html)


def test_an_old_browser_with_the_forms_token_is_accepted(client, clinic):
    response = report(client, clinic, form_token(), **OLD_BROWSER)
    assert response.status_code == 303
    assert ProblemReport.objects.filter(service=clinic).count() == 1
    assert not response.cookies


@pytest.mark.parametrize(
    "token",
    [
        None,  # no token at all
        "",
        "f:forged-signature",
        "x" * 5000,
        "g:" + form_token().split(":", 1)[1],  # another value under the same signature
    ],
)
@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_missing_or_forged_tokens_are_refused_with_a_translated_page(client, clinic, token, lang):
    response = report(client, clinic, token, lang=lang, **OLD_BROWSER)
    assert response.status_code == 403
    html = response.content.decode()
    assert 'class="exit-button"' in html  # the exit control is there
    assert f'<html lang="{lang}"' in html
    if lang == "en":
        assert "This form could not be sent" in html
    else:
        assert "This form could not be sent" not in html  # translated, not English
    assert "Forbidden" not in html
    assert ProblemReport.objects.count() == 0


def test_an_expired_token_is_refused(client, clinic):
    with time_machine.travel(timezone.now() - dt.timedelta(seconds=FORM_TOKEN_MAX_AGE + 60)):
        old = form_token()
    response = report(client, clinic, old, **OLD_BROWSER)
    assert response.status_code == 403
    assert "This form could not be sent" in response.content.decode()
    assert ProblemReport.objects.count() == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site", "HTTP_ORIGIN": "null"},
        {"HTTP_ORIGIN": "https://evil.example"},
    ],
)
def test_a_browser_that_says_elsewhere_is_refused_even_with_a_token(client, clinic, headers):
    assert report(client, clinic, form_token(), **headers).status_code == 403
    assert ProblemReport.objects.count() == 0


def test_an_old_browser_can_search_with_the_token_and_is_sent_to_a_result_address(client, demo):
    response = client.post("/en/find/", {"q": "helpline", "ft": form_token()}, **OLD_BROWSER)
    assert response.status_code == 303
    assert re.fullmatch(r"/en/find/r/[A-Za-z0-9_-]{12}/", response["Location"])
    assert "helpline" not in response["Location"]
    assert client.post("/en/find/", {"q": "helpline"}, **OLD_BROWSER).status_code == 403


@pytest.mark.parametrize("token", ["AAAAAAAAAAAA", "short", "x" * 300, "A%20B%20C%20D%20E"])
@pytest.mark.parametrize("lang", ["en", "uk"])
def test_an_unknown_result_address_says_so_and_offers_a_new_search(client, demo, token, lang):
    response = client.get(f"/{lang}/find/r/{token}/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'id="search-form"' in html and 'class="exit-button"' in html
    gone = "These results are no longer available"
    assert (gone in html) == (lang == "en")


def test_a_result_address_expires_after_30_minutes(client, demo):
    address = client.post("/en/find/", {"q": "helpline"}, HTTP_SEC_FETCH_SITE="same-origin")
    url = address["Location"]
    assert client.get(url).status_code == 200
    assert client.get(url + "?page=abc").status_code == 200  # a bad page number: page 1
    from django.core.cache import cache

    cache.delete(f"search-result:{url.rstrip('/').rsplit('/', 1)[1]}")  # as its lifetime ends
    assert client.get(url).status_code == 404


def test_a_list_of_ten_thousand_ids_on_a_page_is_refused_with_a_message(client, demo):
    query = "&".join(f"ids={n}" for n in range(1, 10_002))
    response = client.get(f"/en/r/fr/?{query}")
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()


@pytest.mark.parametrize("ids", ["abc", "-1", "1.5", "0", "99999999999999999999"])
def test_an_unreadable_list_is_left_out_with_a_message(client, demo, ids):
    response = client.get(f"/en/r/fr/?ids={ids}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "could not be read, so it was left out" in html
    assert 'class="your-list"' not in html
    french = client.get(f"/fr/r/fr/?ids={ids}").content.decode()
    assert 'role="alert"' in french and "could not be read" not in french
