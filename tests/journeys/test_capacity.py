"""Space available and priority numbers (issue 21, items 1 and 4), as people use them.

A partner editor says in one click from the staff home that the Lyon shelter is full and
the public card says so at once; another organisation's editor has no such control; a
day and more without an update and the public reads "not updated recently" instead of
an old "available"; a caseworker ticks "Has space now"; a coordinator marks a country's
priority lines, which then lead its "Get help now" strip, and a fourth is refused.
"""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from tests.directory.factories import national_line
from tests.journeys.conftest import new_page, sign_in
from tests.journeys.staff_ops import axe_violations, click_through, no_sideways_scroll

pytestmark = [pytest.mark.browser]

SHOTS = Path("/work/shots/capacity")
SHELTER = "Example Emergency Shelter Lyon"
LYON = "/r/fr-ara-lyon/"


def _shelter():
    from apps.directory.models import Service

    return Service.objects.get(name=SHELTER)


def _card(page, service):
    # A service of two kinds of help is listed under both: the first card.
    return page.locator(f"article.card:has(#svc-{service.pk})").first


def _shoot(page, name, *, element=None):
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 800})
        assert no_sideways_scroll(page), f"{name} scrolls sideways at {width} px"
        target = page.locator(element) if element else page
        options = {} if element else {"full_page": True}
        target.screenshot(path=str(SHOTS / f"{name}-{width}.png"), **options)
    page.set_viewport_size(size)


@pytest.mark.parametrize(
    ("person", "button", "old_browser"),
    [("editor_a", "Full", False), ("manager_a", "Waiting list", True)],
    ids=["current", "no-sec-fetch-origin-null"],
)
def test_a_partner_sets_the_space_in_one_click_and_the_public_sees_it(
    browser, site, person, button, old_browser
):
    from apps.curation.models import AuditEntry

    shelter = _shelter()
    before = AuditEntry.objects.filter(action="service.capacity").count()
    context, page, _traffic = new_page(browser, site, old_browser=old_browser)
    try:
        sign_in(page, site, person)
        control = page.locator("form.capacity-form").filter(has_text=SHELTER)
        assert "Space available" in control.inner_text()  # the demo's status, shown first
        if not old_browser:
            assert not axe_violations(page), axe_violations(page)
            _shoot(page, "staff-home-capacity-en")
        click_through(page, control.get_by_role("button", name=button, exact=True))
        assert f"Saved: the public now sees “{button}” for {SHELTER}." in page.content()
        assert button in page.locator("form.capacity-form").filter(has_text=SHELTER).inner_text()
        if not old_browser:
            page.goto(f"{site.url}/ar/staff/")  # the same home in the person's other language
            _shoot(page, "staff-home-capacity-ar")
    finally:
        context.close()
    shelter.refresh_from_db()
    expected = {"Full": "full", "Waiting list": "waiting_list"}[button]
    assert shelter.capacity_status == expected
    assert AuditEntry.objects.filter(action="service.capacity").count() == before + 1

    context, page, _traffic = new_page(browser, site, phone=True)
    try:
        page.goto(f"{site.url}/en{LYON}")
        card = _card(page, shelter)
        assert f"{button} · updated less than an hour ago" in card.inner_text()
        click_through(page, card.get_by_role("link", name=SHELTER))
        assert f"{button} · updated less than an hour ago" in page.locator(".capacity").inner_text()
    finally:
        context.close()


def test_another_organisations_editor_has_no_control_and_cannot_update(browser, site):
    shelter = _shelter()
    before = (shelter.capacity_status, shelter.capacity_updated)
    context, page, _traffic = new_page(browser, site)
    try:
        sign_in(page, site, "editor_b")
        assert page.locator("#staff-work").count() == 1  # signed in, on the staff home
        assert page.locator("form.capacity-form").filter(has_text=SHELTER).count() == 0
        assert page.locator("#work-capacity").count() == 0  # partner B has no places
    finally:
        context.close()
    shelter.refresh_from_db()
    assert (shelter.capacity_status, shelter.capacity_updated) == before


def test_a_day_without_an_update_reads_not_updated_recently(browser, site, settings):
    from apps.core import pagecache
    from apps.curation.services import capacity_set
    from apps.directory.capacity import version_of

    shelter = _shelter()
    capacity_set(
        by=site.staff["editor_a"],
        service_id=shelter.pk,
        status="available",
        shown_version=version_of(shelter),
    )
    for lang in ("en", "ar"):
        context, page, _traffic = new_page(browser, site)
        page.goto(f"{site.url}/{lang}{LYON}")
        if lang == "en":
            assert (
                "Space available · updated less than an hour ago"
                in _card(page, shelter).inner_text()
            )
        _shoot(
            page,
            f"card-space-available-{lang}",
            element=f"article.card:has(#svc-{shelter.pk}) >> nth=0",
        )
        context.close()

    # Time passes: the last update is now older than the deployment's limit. (The server
    # runs in another thread, so the clock cannot travel; the update's time is moved
    # back instead, and the cache emptied as the passing hours would have.)
    hours = settings.WAYMARK_CAPACITY_STALE_HOURS + 6
    type(shelter).objects.filter(pk=shelter.pk).update(
        capacity_updated=timezone.now() - dt.timedelta(hours=hours)
    )
    pagecache.purge()
    for lang in ("en", "ar"):
        context, page, _traffic = new_page(browser, site, phone=True)
        try:
            page.goto(f"{site.url}/{lang}{LYON}")
            card = _card(page, shelter)
            if lang == "en":
                assert "Space: not updated recently" in card.inner_text()
                assert "Space available" not in card.inner_text()
                assert not axe_violations(page), axe_violations(page)
            else:
                assert card.locator(".capacity-stale").count() == 1
            _shoot(
                page,
                f"card-not-updated-recently-{lang}",
                element=f"article.card:has(#svc-{shelter.pk}) >> nth=0",
            )
            click_through(page, card.get_by_role("link").first)
            assert page.locator(".capacity-stale").count() == 1
            if lang == "ar":
                assert not axe_violations(page), axe_violations(page)
        finally:
            context.close()


def test_a_caseworker_filters_has_space_now(browser, site):
    from apps.curation.services import capacity_set
    from apps.directory.capacity import version_of
    from apps.directory.models import Service

    shelter = _shelter()
    helpline = Service.objects.get(name="Example National Helpline")
    capacity_set(
        by=site.staff["manager_a"],
        service_id=shelter.pk,
        status="limited",
        shown_version=version_of(shelter),
    )
    context, page, _traffic = new_page(browser, site)
    try:
        page.goto(f"{site.url}/en{LYON}")
        assert page.locator(f"#svc-{helpline.pk}").count() >= 1
        page.get_by_text("Filter the list").click()
        page.get_by_label("Has space now").check()
        click_through(page, page.get_by_role("button", name="Show results"))
        assert "space_now=on" in page.url
        assert page.locator(f"#svc-{shelter.pk}").count() >= 1
        assert "Limited space" in _card(page, shelter).inner_text()
        assert page.locator(f"#svc-{helpline.pk}").count() == 0
        assert not axe_violations(page), axe_violations(page)
    finally:
        context.close()


def test_a_coordinator_marks_priority_lines_that_lead_the_strip_and_a_fourth_is_refused(
    browser, site
):
    from apps.core import pagecache
    from apps.directory.models import PriorityLine

    # Two more national lines in France (the demo has one), so there are four to choose.
    national_line("Example Crisis Line", "+33199004001")
    national_line("Example Night Line", "+33199004002")
    national_line("Example Migrants Line", "+33199004003")
    pagecache.purge()
    context, page, _traffic = new_page(browser, site)
    try:
        sign_in(page, site, "coordinator")
        page.get_by_label("Country").select_option(label="France")
        click_through(page, page.get_by_role("button", name="Priority lines"))
        assert "Priority lines for France (0/3)" in page.content()
        assert not axe_violations(page), axe_violations(page)
        for name in ("Example Night Line", "Example Crisis Line", "Example National Helpline"):
            row = page.locator("li").filter(has_text=name)
            click_through(page, row.get_by_role("button", name="Make it a priority line"))
            assert f"{name} is now a priority line for France." in page.content()
        row = page.locator("li").filter(has_text="Example Migrants Line")
        click_through(page, row.get_by_role("button", name="Make it a priority line"))
        assert "France already has three priority lines. Remove one first." in page.content()
        assert "Priority lines for France (3/3)" in page.content()
        _shoot(page, "staff-priority-lines-en")
    finally:
        context.close()
    assert PriorityLine.objects.filter(country__code="FR").count() == 3

    for lang in ("en", "ar"):
        context, page, _traffic = new_page(browser, site, phone=True)
        try:
            page.goto(f"{site.url}/{lang}/")
            click_through(page, page.locator(".region-list .region-link[href$='/r/fr/']"))
            numbers = page.locator(".help-now ul a[href^='tel:']").evaluate_all(
                "links => links.map(a => a.getAttribute('href'))"
            )
            assert numbers[:3] == ["tel:+33199004002", "tel:+33199004001", "tel:+33199001001"]
            assert "tel:+33199004003" not in numbers[:3]
            _shoot(page, f"help-now-priority-lines-{lang}", element=".help-now")
        finally:
            context.close()
