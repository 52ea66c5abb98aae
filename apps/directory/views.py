"""Public pages: thin views over named querysets; every lookup goes through published()."""

from collections import defaultdict
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from apps.core.pagecache import fill_statuses, public_page
from apps.core.security import same_origin_required
from apps.referrals.templatetags.referrals import list_query_for, read_list

from . import results
from .cards import card_scope, cards, entry_name, fragment, keep_page, kept_page
from .emergency import emergency_numbers
from .filters import ServiceFilter, with_choices
from .forms import ResultPageForm, SearchForm
from .models import Channel, Region, Service, Taxonomy, TaxonomyTerm
from .priority import help_now_lines
from .search import search_service_ids

SEARCH_RESULTS = 20
PAGE_SIZE = 20
# The strip at the top of a region page stays short enough to read in seconds (D7).
HELP_NOW_LINES = 6
# The kind of help behind each country page's "Report something online" (issue #21).
ONLINE_HARMS = "online-harms"


def published_service_or_404(pk: int) -> Service:
    """Draft, archived and nonexistent ids all get the same 404 (SR-4)."""
    try:
        return Service.objects.published().for_listing().get(pk=pk)
    except Service.DoesNotExist:
        raise Http404 from None


@require_safe
@public_page
def home(request):
    countries = [
        (country, emergency_numbers(country.code))
        for country in Region.objects.countries().order_by("code")
    ]
    return render(request, "directory/home.html", {"countries": countries})


def group_by_need(services):
    """Services grouped under their service types, in taxonomy order."""
    groups = defaultdict(list)
    for service in services:
        types = service.terms_of(Taxonomy.SERVICE_TYPE) or [None]
        for term in types:
            groups[term].append(service)
    return sorted(groups.items(), key=lambda item: (item[0] is None, item[0] and item[0].position))


def facet_counts(queryset):
    ids = queryset.values("pk")
    terms = dict(
        TaxonomyTerm.objects.filter(services__in=ids)
        .annotate(n=Count("services", distinct=True))
        .values_list("pk", "n")
    )
    channels = dict(
        Channel.objects.filter(service__in=ids)
        .values_list("kind")
        .annotate(n=Count("service", distinct=True))
    )
    return {"terms": terms, "channels": channels}


@require_safe
@public_page
def region(request, code):
    try:
        place = Region.objects.select_related("parent__parent").get(code__iexact=code)
    except Region.DoesNotExist:
        raise Http404 from None
    base = Service.objects.published().serving(place)
    service_filter = ServiceFilter(request.GET or None, queryset=base)
    status = 200
    if service_filter.is_bound and not service_filter.is_valid():
        status = 400
        matching = base.none()
    else:
        matching = service_filter.qs
    # A country can have thousands of listings: one page of them, whatever the total.
    paginator = Paginator(matching.order_by("name", "pk").values_list("pk", flat=True), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    services = list(Service.objects.filter(pk__in=list(page)).for_listing())
    help_now = help_now_lines(place, base, HELP_NOW_LINES)
    context = {
        "region": place,
        "report_online": _report_online(place, base),
        "subregions": place.children.all(),
        "filter": service_filter,
        "groups": group_by_need(services),
        "page": page,
        "count": paginator.count,
        "counts": facet_counts(Service.objects.filter(pk__in=matching.values("pk"))),
        "help_now": help_now,
        # Always shown, whatever the directory holds: from libphonenumber's metadata.
        "emergency": emergency_numbers(place.country.code),
        "now": timezone.now(),
        "search_form": SearchForm(),
    }
    return render(request, "directory/region.html", context, status=status)


def _report_online(place, base) -> TaxonomyTerm | None:
    """The online-harms kind of help, on a country page that lists such a service."""
    if place.kind != Region.Kind.COUNTRY:
        return None
    terms = TaxonomyTerm.objects.of(Taxonomy.SERVICE_TYPE).filter(code=ONLINE_HARMS)
    return terms.filter(services__in=base.values("pk")).first()


@require_safe
@public_page
def service_detail(request, pk):
    service = published_service_or_404(pk)
    locations = [
        sal.location.public_view()
        for sal in service.service_at_locations.select_related("location__region")
    ]
    return render(
        request,
        "directory/service.html",
        {"service": service, "locations": locations, "now": timezone.now()},
    )


class SeeOther(HttpResponseRedirect):
    status_code = 303


@csrf_exempt  # Visitors have no CSRF cookie (QE-12); the same-origin check replaces it.
@same_origin_required
@require_http_methods(["GET", "POST"])
def search(request):
    """Search words travel by POST only, so they never reach a URL or a log (QE-14).

    The answer is a 303 to an opaque result address that holds only the ids found
    (decision 0011), so Back and reload show the results again, never the browser's
    "Confirm Form Resubmission" page, and the words are neither in the address nor kept.
    """
    if request.method == "GET":
        context = {"search_form": SearchForm(), "filter_fields": _kept_filter_fields(request)}
        return render(request, "directory/search.html", context)
    form = SearchForm(request.POST)
    service_filter = ServiceFilter(request.POST, queryset=Service.objects.all())
    if not form.is_valid() or not service_filter.is_valid():
        place = form.cleaned_data.get("region") if form.is_valid() else None
        context = {"search_form": form, "filter": service_filter, "region": place}
        return render(request, "directory/search.html", context, status=400)
    language = translation.get_language()
    place = form.cleaned_data["region"]
    filters = {name: sorted(request.POST.getlist(name)) for name in service_filter.filters}
    ids = _found_ids(request, language, form.cleaned_data["q"], place, service_filter, filters)
    token = results.create(ids, region=place.code if place else "", filters=filters)
    if token is None:
        # No cache to hold the result address (Redis away, RR-5): answer in this
        # response instead, as a search did before; only Back is less comfortable.
        return _results_page(request, ids, place, filters, page=1)
    url = reverse("search-results", args=[token])
    carried = request.GET.getlist("ids")
    if carried:
        url += "?" + urlencode({"ids": carried}, doseq=True)
    return SeeOther(url)


def _found_ids(request, language, words, place, service_filter, filters) -> list[int]:
    """The ids the words find, best first; kept under an HMAC of the search (0009)."""
    choices = {"q": " ".join(words.split()), "region": place.code if place else "", **filters}
    clock = bool(filters.get("open_now"))  # which services are open depends on the time
    _scope, key, kept = kept_page(request, entry_name("ids", language, choices), clock=clock)
    if kept is not None:
        return kept
    # Publication and area are applied by the search itself; other filters narrow it,
    # on PostgreSQL in the same statement (the search table keeps what they ask).
    among = where = None
    if any(filters.values()):
        if connection.vendor == "postgresql":
            where = service_filter.search_conditions()
        if where is None:
            among = service_filter.qs
    matches = search_service_ids(words, language, among=among, where=where, region=place)
    ids = list(matches[: results.MAX_IDS])
    keep_page(key, ids)
    return ids


@require_safe
def search_results(request, token):
    """The results behind an opaque address: ids only, for 30 minutes (decision 0011)."""
    entry = results.get(token)
    if entry is None:
        context = {"search_form": SearchForm(), "filter_fields": _kept_filter_fields(request)}
        return render(request, "directory/results_gone.html", context, status=404)
    page_form = ResultPageForm(request.GET)
    page = page_form.cleaned_data["page"] if page_form.is_valid() else None
    place = Region.objects.filter(code=entry.region).first() if entry.region else None
    return _results_page(request, entry.ids, place, entry.filters, page=page or 1)


def _kept_filter_fields(request, scope=None) -> str:
    """The filter fields without choices, rendered once per language (issue #20)."""
    scope = card_scope(request) if scope is None else scope
    name = entry_name("filters", translation.get_language(), {})
    return fragment(scope, name, _unbound_filter_fields)


def _unbound_filter_fields() -> str:
    service_filter = ServiceFilter(queryset=Service.objects.none())
    return render_to_string(
        "directory/_filter_fields.html", {"filter": service_filter, "counts": None}
    )


def _results_page(request, ids, place, filters, *, page) -> HttpResponse:
    scope = card_scope(request)
    start = (page - 1) * SEARCH_RESULTS
    shown = cards(ids[start : start + SEARCH_RESULTS], scope, list_query_for(read_list(request)[0]))
    # The filter fields as the visitor left them: rendered once per language and kept
    # (issue #20), their choices ticked in the copy; the choices were checked before the
    # search ran, so the form is not built again.
    filter_fields = with_choices(_kept_filter_fields(request, scope), filters)
    context = {
        "search_form": SearchForm(),
        "filter_fields": filter_fields,
        "region": place,
        "results": shown,
        "first_result": start + 1,
        "last_result": start + len(shown),
        "previous_page": page - 1 if page > 1 else None,
        "next_page": page + 1 if len(ids) > start + SEARCH_RESULTS else None,
        "searched": True,
    }
    return fill_statuses(render(request, "directory/search.html", context), scope or None)
