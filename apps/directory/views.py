"""Public pages: thin views over named querysets; every lookup goes through published()."""

from collections import defaultdict

from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from apps.core.security import same_origin_required

from .filters import ServiceFilter
from .forms import SearchForm
from .models import Channel, Region, Service, Taxonomy, TaxonomyTerm
from .search import search_services


def published_service_or_404(pk: int) -> Service:
    """Draft, archived and nonexistent ids all get the same 404 (SR-4)."""
    try:
        return Service.objects.published().for_listing().get(pk=pk)
    except Service.DoesNotExist:
        raise Http404 from None


@require_safe
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
        services = base.none()
    else:
        services = service_filter.qs
    services = list(Service.objects.filter(pk__in=services.values("pk")).for_listing())
    help_now = (
        Channel.objects.help_now().filter(service__in=base.values("pk")).select_related("service")
    )
    context = {
        "region": place,
        "subregions": place.children.all(),
        "filter": service_filter,
        "groups": group_by_need(services),
        "count": len(services),
        "counts": facet_counts(Service.objects.filter(pk__in=[s.pk for s in services])),
        "help_now": help_now,
        "now": timezone.now(),
        "search_form": SearchForm(),
    }
    return render(request, "directory/region.html", context, status=status)


@require_safe
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
        return render(request, "directory/search.html", {"search_form": SearchForm()})
    form = SearchForm(request.POST)
    if not form.is_valid():
        return render(request, "directory/search.html", {"search_form": form}, status=400)
    matches = search_services(
        Service.objects.published(), form.cleaned_data["q"], translation.get_language()
    )
    ids = list(matches.values_list("pk", flat=True)[:50])
    by_id = {s.pk: s for s in Service.objects.filter(pk__in=ids).for_listing()}
    results = [by_id[pk] for pk in ids if pk in by_id]
    return render(
        request,
        "directory/search.html",
        {"search_form": form, "results": results, "searched": True, "now": timezone.now()},
    )
