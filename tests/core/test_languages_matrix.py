"""Every public page type, in all twelve languages: content in another language is never
shown without its ``lang`` and a "(shown in …)" marker (issue #17, WCAG 3.1.2)."""

import re

import pytest

from apps.directory.models import Service
from tests.content_languages import LANGUAGE_CODES, known_content, unmarked_content
from tests.public_routes import public_paths
from tests.referrals.support import ORIGIN, all_pks, ids_query, make_code, post_sheet

pytestmark = pytest.mark.django_db


def pages(client, language):
    """(description, HTML) of every public page type in this language."""
    for path in public_paths(language):
        yield path, client.get(path).content.decode()
    pks = all_pks()
    # A search answers with a 303 to its result address (decision 0011): follow it.
    found = client.post(f"/{language}/find/", {"q": "Example"}, follow=True, **ORIGIN)
    yield "search", found.content.decode()
    filtered = {"q": "Example", "type": ["1"], "trust": ["20"]}
    found = client.post(f"/{language}/find/", filtered, follow=True, **ORIGIN)
    yield "search+filters", found.content.decode()
    yield "note form", client.get(f"/{language}/s/{pks[0]}/note/").content.decode()
    yield "list", client.get(f"/{language}/list/?area=fr&{ids_query(*pks)}").content.decode()
    for extra in ({}, {"second_language": "fa"}, {"discreet": "on"}):
        html = post_sheet(client, pks, language=language, interface=language, **extra)
        yield f"sheet {extra}", html.content.decode()
    code = make_code(client, pks[:3], interface=language)
    yield "code", client.get(f"/{language}/list/{code}/").content.decode()


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_no_content_in_another_language_goes_unmarked(client, demo, language):
    content = known_content()
    seen = 0
    for page, html in pages(client, language):
        assert "<html" in html, page
        assert "&lt;p&gt;" not in html, page  # paragraphs are markup, not text
        problems = unmarked_content(html, content)
        assert not problems, f"{language} {page}:\n" + "\n".join(map(str, problems[:10]))
        seen += len(re.findall(r'class="shown-in"', html))
    if language != "en":
        assert seen, "no fallback at all: the check would not have seen one"


def test_the_checker_finds_unmarked_and_wrongly_marked_content(demo):
    # The check itself: a fallback with neither lang nor marker, with lang but no marker,
    # and with both.
    content = known_content()
    page = '<html lang="fa"><body><h1>{}</h1></body></html>'
    bare = page.format("Example National Helpline")
    assert [p.why for p in unmarked_content(bare, content)] == ["no lang attribute"]
    no_marker = page.format('<bdi lang="en" dir="ltr">Example National Helpline</bdi>')
    assert [p.why for p in unmarked_content(no_marker, content)] == ["no “shown in” marker"]
    wrong = page.format('<bdi lang="ar">Example National Helpline</bdi> <small class="shown-in">x')
    assert [p.why for p in unmarked_content(wrong, content)] == ["no lang attribute"]
    good = page.format(
        '<bdi lang="en" dir="ltr">Example National Helpline</bdi> <small class="shown-in">x</small>'
    )
    assert unmarked_content(good, content) == []


def test_a_persian_reader_gets_english_not_arabic(client, demo):
    service = Service.objects.get(name_en="Example Worldwide Chat Support")
    html = client.get(f"/fa/s/{service.pk}/").content.decode()
    assert service.name_ar not in html
    assert '<bdi lang="en" dir="ltr">Example Worldwide Chat Support</bdi>' in html
