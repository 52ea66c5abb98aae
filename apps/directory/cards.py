"""Search results, kept ready on the server like public pages (issue #9).

A search costs its SQL (tens of milliseconds at 100 000 services) and the loading and
rendering of twenty listings with their contact lines and hours (more again). Both are
the same for every visitor until something is published, so both are kept under the
page cache's scope (a generation; a schedule epoch too for what "open now" decides,
apps/core/pagecache.py):

- the ids a search found, under an HMAC of the words and choices (keyed with the
  site's secret): the cache holds no search words (QE-14), and a repeated search costs
  a cache read (the results page itself lives at an opaque address, decision 0011);
- the filter choices as the visitor left them (a long form, slow to render);
- each listing's card (name, organisation, summary, contact lines), per language, with
  a placeholder for each line's "open now" that every answer fills
  (``pagecache.fill_statuses``). The "Add to list" form, which carries the visitor's own
  list, is not part of the card and is added for each answer.
"""

import json
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from apps.core.pagecache import TIMEOUT, lookup, scoped
from apps.referrals.templatetags.referrals import LIST_MARKER

from .models import Service

CARD_TEMPLATE = "directory/_service_card_body.html"


@dataclass(frozen=True)
class Card:
    pk: int
    html: SafeString


def entry_name(kind: str, language: str, choices: dict) -> str:
    """A cache entry's name: an HMAC of everything that decides what it holds, so a
    search's words can neither be read from the cache nor listed."""
    text = json.dumps([kind, language, choices], sort_keys=True, ensure_ascii=False)
    return f"{kind}:{salted_hmac('waymark.search', text).hexdigest()}"


def card_scope(request) -> str:
    """The scope kept cards live in for this request ("" for staff: fresh cards)."""
    if not settings.PUBLIC_PAGE_CACHE or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return ""
    return lookup("scope")[0]


def kept_page(request, name: str, *, clock: bool = False) -> tuple[str, str, object]:
    """A kept search answer: (scope, key, the value or None); ``clock``: it depends on the
    time of day ("open now"). Staff, whose pages differ, are served fresh answers, as on
    the other public pages."""
    if not settings.PUBLIC_PAGE_CACHE or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return "", "", None
    return lookup(name, clock=clock)


def keep_page(key: str, value) -> None:
    if key:
        cache.set(key, value, TIMEOUT)


def fragment(scope: str, name: str, render) -> SafeString:
    """``render()``'s HTML, kept under ``name`` in this scope (rendered at once without one)."""
    if not scope:
        return render()
    key = scoped(scope, name)
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, str(html), TIMEOUT)
    return mark_safe(html)  # noqa: S308 - our own template's output


def cards(ids: list[int], scope: str = "", list_query: str = "") -> list[Card]:
    """The cards of these published services, in this order, rendered once per scope.

    Kept cards are shared by every visitor, so their links hold a marker where each
    answer puts its own referral list (``list_query``, "?ids=…" or "")."""
    language = translation.get_language()
    keys = {pk: scoped(scope, f"card:{language}:{pk}") for pk in ids}
    found = cache.get_many(list(keys.values())) if scope else {}
    missing = [pk for pk in ids if keys[pk] not in found]
    if missing:
        template = get_template(CARD_TEMPLATE)
        now = timezone.now()
        fresh = {
            keys[service.pk]: template.render(
                {"service": service, "now": now, "list_marker": LIST_MARKER}
            )
            for service in Service.objects.published().filter(pk__in=missing).for_cards(language)
        }
        if scope:
            cache.set_many(fresh, TIMEOUT)
        found.update(fresh)
    return [
        Card(pk, mark_safe(found[keys[pk]].replace(LIST_MARKER, escape(list_query))))  # noqa: S308 - our own template's output
        for pk in ids
        if keys[pk] in found
    ]
