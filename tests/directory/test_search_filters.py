"""Search combined with the filters and a region's area, by POST (D2, D3, QE-14).

These run on SQLite and PostgreSQL alike: the filters narrow the candidates the same way
whatever the search engine underneath.
"""

import re

from apps.directory.models import Service, Taxonomy, TaxonomyTerm

ORIGIN = "http://testserver"


def names(response):
    html = response.content.decode()
    return re.findall(r'<h3 id="svc-\d+"><a href="[^"]+"><bdi>([^<]+)</bdi>', html)


def search(client, **data):
    return client.post("/en/find/", data, HTTP_ORIGIN=ORIGIN, follow=True)


def test_a_filter_narrows_a_text_search(client, demo):
    everything = names(search(client, q="Example"))
    free_only = names(search(client, q="Example", free="on"))
    paying = set(Service.objects.filter(is_free=False).values_list("name", flat=True))
    assert free_only and set(free_only) < set(everything)
    assert not set(free_only) & paying


def test_a_region_search_keeps_to_what_serves_the_region(client, demo):
    lyon = names(search(client, q="Example", region="FR-ARA-LYON"))
    assert "Example Legal and Immigration Clinic" not in lyon  # another region
    assert "Example Modern Slavery Helpline" not in lyon  # another country
    assert "Example National Helpline" in lyon


def test_the_type_filter_applies_to_search(client, demo):
    hotline = TaxonomyTerm.objects.of(Taxonomy.SERVICE_TYPE).get(code="hotline")
    found = names(search(client, q="Example", type=str(hotline.pk)))
    assert found
    assert all(Service.objects.get(name=n).terms.filter(pk=hotline.pk).exists() for n in found)


def test_unknown_region_or_filter_value_is_a_clear_400(client, demo):
    unknown_area = search(client, q="help", region="ZZ-NOWHERE")
    assert unknown_area.status_code == 400
    assert "not valid" in unknown_area.content.decode()
    bad_type = search(client, q="help", type="not-a-number")
    assert bad_type.status_code == 400


def test_the_region_page_search_box_searches_that_region(client, demo):
    html = client.get("/en/r/fr-ara-lyon/").content.decode()
    assert '<input type="hidden" name="region" value="fr-ara-lyon">' in html


def test_more_results_come_a_page_at_a_time(client, demo, settings):
    from apps.directory import views

    everything = names(search(client, q="Example"))
    assert len(everything) == min(views.SEARCH_RESULTS, Service.objects.published().count())
    original = Service.objects.get(name="Example National Helpline")
    for number in range(views.SEARCH_RESULTS):
        copy = Service.objects.get(pk=original.pk)
        copy.pk = None
        copy.name_en = f"Example Copy {number:02d}"
        copy.save()
    first = search(client, q="Example")
    # The next page is a link from the result address: the words are not sent again.
    more = re.search(r'href="\?page=2" rel="next"', first.content.decode())
    assert more, "no link to more results"
    second = client.get(first.redirect_chain[-1][0] + "?page=2")
    assert "Results 21 to" in second.content.decode()
    assert not set(names(second)) & set(names(first))
    assert (
        "Results 21 to" not in client.get(first.redirect_chain[-1][0] + "?page=x").content.decode()
    )
    assert search(client, q="Example", page="0").status_code == 400


def test_an_approved_change_reaches_the_search_filters_at_once(client, demo):
    """The search table's copies of the filters and the weekly hours (issue #20) change
    with the approval itself: the next search sees the new hours, language and kind of
    help, and a search made before the change is not served again."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from apps.curation.models import StaffProfile
    from apps.curation.services import proposal_approve, proposal_submit
    from apps.directory.models import Channel, Language

    from .factories import ChannelFactory

    channel = ChannelFactory(service__name_en="Zephyrine Lighthouse Line", is_24_7=False)
    service = channel.service
    people = {}
    for role in ("editor", "manager"):
        user = get_user_model().objects.create_user(f"{role}_z", f"{role}_z@example.org")
        StaffProfile.objects.create(user=user, role=role, organization=service.organization)
        people[role] = user
    shelter = TaxonomyTerm.objects.of(Taxonomy.SERVICE_TYPE).get(code="emergency-housing")
    tagalog = Language.objects.get_or_create(code="tgl")[0]

    def found(**choices):
        return "Zephyrine Lighthouse Line" in names(search(client, q="Zephyrine", **choices))

    assert found()
    for choices in ({"open_now": "on"}, {"language": tagalog.pk}, {"type": shelter.pk}):
        assert not found(**choices), choices
    # Open from an hour ago to an hour from now, in the service's time zone.
    local = timezone.now().astimezone(ZoneInfo(service.time_zone))
    start, end = local - dt.timedelta(hours=1), local + dt.timedelta(hours=1)
    hours = [[start.weekday(), f"{start:%H:%M}:00", f"{end:%H:%M}:00"]]
    changes = [
        (Channel, channel, {"periods": hours, "languages": ["tgl"]}),
        (Service, service, {"terms": [shelter.pk]}),
    ]
    for model, instance, values in changes:
        proposal = proposal_submit(
            by=people["editor"], model=model, instance=instance, values=values
        )
        proposal_approve(proposal=proposal, by=people["manager"])
    for choices in ({"open_now": "on"}, {"language": tagalog.pk}, {"type": shelter.pk}):
        assert found(**choices), choices
    assert found(open_now="on", language=tagalog.pk, type=shelter.pk, free="")


def _ticked(html):
    """(name, value) of every ticked box and selected option in the filter fields."""
    boxes = {
        (name, value or "on")
        for name, value in re.findall(
            r'<input type="checkbox" name="(\w+)"(?: value="([^"]*)")?[^>]* checked', html
        )
    }
    select = re.search(r'<select name="(\w+)"', html)
    options = re.findall(r'<option value="([^"]*)"[^>]* selected', html)
    return boxes | {(select.group(1), value) for value in options}


def test_kept_filter_fields_show_the_choices_as_the_form_would(demo):
    """The results page ticks a search's choices in filter fields rendered once per
    language (issue #20): the same boxes and option as the form itself renders."""
    from django.http import QueryDict
    from django.template.loader import render_to_string
    from django.utils import translation

    from apps.directory.filters import ServiceFilter, with_choices
    from apps.directory.models import Language

    def fields(data=None):
        service_filter = ServiceFilter(data, queryset=Service.objects.none())
        context = {"filter": service_filter, "counts": None}
        return render_to_string("directory/_filter_fields.html", context)

    kinds = TaxonomyTerm.objects.of(Taxonomy.SERVICE_TYPE).order_by("pk")[:2]
    trust = TaxonomyTerm.objects.of(Taxonomy.TRUST).order_by("pk").first()
    choices = {
        "type": [str(term.pk) for term in kinds],
        "trust": [str(trust.pk)],
        "language": [str(Language.objects.order_by("code").last().pk)],
        "channel": ["sms", "voice"],
        "free": ["on"],
        "open_now": ["on"],
    }
    with translation.override("ar"):
        unbound = fields()
        assert _ticked(unbound) == {("language", "")}  # "Any language"
        data = QueryDict(mutable=True)
        for name, values in choices.items():
            data.setlist(name, values)
        expected = _ticked(fields(data))
        assert len(expected) == 8
        assert _ticked(with_choices(unbound, choices)) == expected
        assert with_choices(unbound, {"type": [], "language": []}) == unbound
