"""Public pages: thin views over named querysets; every lookup goes through published()."""

from collections import defaultdict

from django.core.paginator import Paginator
from django.db.models import Count, F
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from apps.core.pagecache import public_page
from apps.core.security import same_origin_required

from .cards import cards, entry_name, fragment, keep_page, kept_page, words_marker
from .filters import ServiceFilter
from .forms import SearchForm
from .models import Channel, Region, Service, Taxonomy, TaxonomyTerm
from .search import search_service_ids

SEARCH_RESULTS = 20
# The fields a search page depends on: the search form's and the filters'.
SEARCH_CHOICES = (*SearchForm.base_fields, *ServiceFilter.base_filters)
PAGE_SIZE = 20
# The strip at the top of a region page stays short enough to read in seconds (D7).
HELP_NOW_LINES = 6


def published_service_or_404(pk: int) -> Service:
    """Draft, archived and nonexistent ids all get the same 404 (SR-4)."""
    try:
        return Service.objects.published().for_listing().get(pk=pk)
    except Service.DoesNotExist:
        raise Http404 from None


@require_safe
@public_page
def home(request):
    countries = Region.objects.countries().order_by("code")
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
    help_now = (
        Channel.objects.help_now()
        .filter(service__in=base.values("pk"))
        .select_related("service")
        .order_by(F("is_24_7").desc(nulls_last=True), "position", "pk")[:HELP_NOW_LINES]
    )
    context = {
        "region": place,
        "subregions": place.children.all(),
        "filter": service_filter,
        "groups": group_by_need(services),
        "page": page,
        "count": paginator.count,
        "counts": facet_counts(Service.objects.filter(pk__in=matching.values("pk"))),
        "help_now": help_now,
        "now": timezone.now(),
        "search_form": SearchForm(),
    }
    return render(request, "directory/region.html", context, status=status)


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


@csrf_exempt  # Visitors have no CSRF cookie (QE-12); the same-origin check replaces it.
@same_origin_required
@require_http_methods(["GET", "POST"])
def search(request):
    """Search words travel by POST only, so they never reach a URL or a log (QE-14)."""
    if request.method == "GET":
        context = {"search_form": SearchForm(), "filter": ServiceFilter(queryset=Service.objects)}
        return render(request, "directory/search.html", context)
    language = translation.get_language()
    words = request.POST.get("q", "")
    # Everything that decides the page: the same choices give the same page until
    # something is published or a listing opens or closes (apps/directory/cards.py).
    choices = {name: sorted(request.POST.getlist(name)) for name in SEARCH_CHOICES}
    choices.update(q=" ".join(words.split()), path=request.get_full_path())
    scope, key, kept = kept_page(request, entry_name("page", language, choices))
    if kept is None:
        response = search_results(request, scope, language)
        if response.status_code != 200:
            return response
        kept = response.content.decode()
        keep_page(key, kept)
    return HttpResponse(kept.replace(words_marker(), escape(words)))


def search_results(request, scope: str, language: str) -> HttpResponse:
    """The results page, with a marker where it shows the words (``words_marker``)."""
    form = SearchForm(request.POST)
    if not form.is_valid():
        context = {"search_form": form, "filter": ServiceFilter(request.POST)}
        return render(request, "directory/search.html", context, status=400)
    place = form.cleaned_data["region"]
    service_filter = ServiceFilter(request.POST, queryset=Service.objects.all())
    if not service_filter.is_valid():
        context = {"search_form": form, "filter": service_filter, "region": place}
        return render(request, "directory/search.html", context, status=400)
    page = form.cleaned_data["page"] or 1
    start = (page - 1) * SEARCH_RESULTS
    # Publication and area are applied by the search itself; other filters narrow it.
    filters = {name: sorted(request.POST.getlist(name)) for name in service_filter.filters}
    among = service_filter.qs if any(filters.values()) else None
    matches = search_service_ids(form.cleaned_data["q"], language, among=among, region=place)
    ids = list(matches[start : start + SEARCH_RESULTS + 1])
    results = cards(ids[:SEARCH_RESULTS], scope)
    filter_fields = fragment(
        scope,
        entry_name("filters", language, filters),
        lambda: render_to_string(
            "directory/_filter_fields.html", {"filter": service_filter, "counts": None}
        ),
    )
    context = {
        "search_form": form,
        "search_words": words_marker(),
        "filter": service_filter,
        "filter_fields": filter_fields,
        "region": place,
        "results": results,
        "first_result": start + 1,
        "last_result": start + len(results),
        "next_page": page + 1 if len(ids) > SEARCH_RESULTS else None,
        "searched": True,
    }
    return render(request, "directory/search.html", context)
