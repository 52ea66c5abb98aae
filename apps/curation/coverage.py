"""Coverage and gaps (issue 22, item 4): where help is, and where it is missing.

A coordinators' page in the staff area: a map of published services per region,
filterable by kind of help, language and "open at night", and a table of gaps — regions
with no published service of a kind of help under those filters — which can be
downloaded as CSV.

How a service counts towards a region:

* a service area covers its region, every region inside it (a national helpline serves
  each subdivision) and every region containing it (a city's shelter is help in that
  country);
* a location counts towards its region and the regions containing it, never towards
  neighbouring ones. Hidden and region-only locations count exactly like public ones,
  only through their region: the map draws regions, never locations, so no location's
  coordinates, name or address reach the page or the CSV;
* an international service (area "anywhere") is counted once, apart, not in any region,
  so that one worldwide chat does not hide every regional gap.

"Open at night": one of the service's channels is open at some time between 22:00 and
06:00 in its own local time by its weekly hours — a period that starts before 06:00, ends
after 22:00 or runs past midnight — or is open 24/7. Unknown hours are not "yes".
"""

import csv
import datetime as dt
import functools
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, F, OuterRef, Q
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.i18n import format_names, sorted_by_name, translated_text
from apps.directory.models import (
    Channel,
    Language,
    OpeningPeriod,
    Region,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from apps.interchange.tabular import neutralise

from . import coverage_map
from .services import is_coordinator

NIGHT_STARTS, NIGHT_ENDS = dt.time(22, 0), dt.time(6, 0)
# Map labels (SVG units, see coverage.css): the gap after a circle, an average letter.
CIRCLE_GAP, LETTER_WIDTH = 27, 10.5
# Shading: (lowest count, CSS class, legend) — the count itself is always written too.
BUCKETS = (
    (5, "coverage-5", gettext_lazy("5 or more services")),
    (2, "coverage-2", gettext_lazy("2 to 4 services")),
    (1, "coverage-1", gettext_lazy("1 service")),
    (0, "coverage-0", gettext_lazy("No service")),
)


def bucket(count: int) -> str:
    return next(css for lowest, css, _label in BUCKETS if count >= lowest)


def open_at_night_channels():
    """Channels open at some time between 22:00 and 06:00 local time (weekly hours)."""
    night_period = OpeningPeriod.objects.filter(channel=OuterRef("pk")).filter(
        Q(closes__lte=F("opens")) | Q(opens__lt=NIGHT_ENDS) | Q(closes__gt=NIGHT_STARTS)
    )
    return Channel.objects.filter(Q(is_24_7=True) | Exists(night_period))


def kinds_of_help():
    return list(TaxonomyTerm.objects.of(Taxonomy.SERVICE_TYPE))


class CoverageFilters(forms.Form):
    """The map's filters, read from the address (a GET form: works without scripts)."""

    kind = forms.ChoiceField(label=gettext_lazy("Kind of help"), required=False)
    language = forms.ChoiceField(label=gettext_lazy("Language spoken"), required=False)
    night = forms.BooleanField(
        label=gettext_lazy("Open at night (some time between 22:00 and 06:00)"), required=False
    )

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = {term.code: term for term in kinds}
        self.fields["kind"].choices = [("", _("Any kind of help"))] + sorted_by_name(
            (code, str(translated_text(term, "name"))) for code, term in self.kinds.items()
        )
        self.fields["language"].choices = [("", _("Any language"))] + sorted_by_name(
            (language.code, language.display_name) for language in Language.objects.all()
        )


@dataclass
class RegionCount:
    region: Region
    count: int
    depth: int

    @property
    def css(self) -> str:
        return bucket(self.count)


@dataclass
class Gap:
    region: Region
    kind: TaxonomyTerm

    @property
    def kind_name(self) -> str:
        return str(translated_text(self.kind, "name"))


@dataclass
class CountryMap:
    country: RegionCount
    drawing: coverage_map.CountryDrawing
    circles: list = field(default_factory=list)  # (RegionCount, Point, label_at_end)


@dataclass
class Coverage:
    rows: list[RegionCount]
    gaps: list[Gap]
    everywhere: int
    maps: list[CountryMap]

    @property
    def gaps_by_region(self) -> list[tuple[Region, str]]:
        """One line per region for the page: the kinds of help missing there, joined."""
        grouped: dict[int, tuple[Region, list[str]]] = {}
        for gap in self.gaps:
            grouped.setdefault(gap.region.pk, (gap.region, []))[1].append(gap.kind_name)
        return [(region, format_names(kinds)) for region, kinds in grouped.values()]


def _region_tree():
    regions = {region.pk: region for region in Region.objects.all()}
    children = defaultdict(list)
    for region in regions.values():
        if region.parent_id:
            children[region.parent_id].append(region.pk)
            region.parent = regions[region.parent_id]  # no query per region for its parent

    @functools.cache
    def up(pk) -> tuple:
        chain = []
        while pk is not None:
            chain.append(pk)
            pk = regions[pk].parent_id
        return tuple(chain)

    @functools.cache
    def down(pk) -> tuple:
        found, stack = [], [pk]
        while stack:
            current = stack.pop()
            found.append(current)
            stack.extend(children[current])
        return tuple(found)

    return regions, up, down


def measure(kind: TaxonomyTerm | None, language: str | None, night: bool, kinds) -> Coverage:
    """Published services per region and the gaps, under the filters."""
    services = Service.objects.published()
    if language:
        services = services.speaking([language])
    if night:
        services = services.filter(pk__in=open_at_night_channels().values("service_id"))
    ids = services.values("pk")  # a subquery: no list of ids travels to the database
    regions, up, down = _region_tree()

    areas, places, everywhere = defaultdict(set), defaultdict(set), set()
    for service_id, scope, region_id in ServiceArea.objects.filter(service_id__in=ids).values_list(
        "service_id", "scope", "region_id"
    ):
        if scope == ServiceArea.Scope.INTERNATIONAL:
            everywhere.add(service_id)
        else:
            areas[service_id].add(region_id)
    for service_id, region_id in ServiceAtLocation.objects.filter(service_id__in=ids).values_list(
        "service_id", "location__region_id"
    ):
        places[service_id].add(region_id)

    kinds_by_pk = {term.pk: term for term in kinds}
    kinds_of = defaultdict(set)
    for service_id, term_id in Service.terms.through.objects.filter(
        service_id__in=ids, taxonomyterm_id__in=kinds_by_pk
    ).values_list("service_id", "taxonomyterm_id"):
        kinds_of[service_id].add(term_id)

    # Services alike in areas, places and kinds count alike: add them up once per pattern.
    patterns = Counter(
        (frozenset(areas[pk]), frozenset(places[pk]), frozenset(kinds_of[pk]))
        for pk in areas.keys() | places.keys()
    )

    @functools.cache
    def counts_towards(area_ids: frozenset, place_ids: frozenset) -> frozenset:
        covered = set()
        for region_id in area_ids:
            covered.update(up(region_id), down(region_id))
        for region_id in place_ids:
            covered.update(up(region_id))
        return frozenset(covered)

    counted = defaultdict(int)  # region id -> services (of the chosen kind) counting there
    per_kind = defaultdict(lambda: defaultdict(int))
    for (area_ids, place_ids, term_ids), number in patterns.items():
        for region_id in counts_towards(area_ids, place_ids):
            for term_id in term_ids:
                per_kind[region_id][term_id] += number
            if kind is None or kind.pk in term_ids:
                counted[region_id] += number

    rows = []

    def add(region, depth):
        if region.kind == Region.Kind.LOCALITY:
            return
        rows.append(RegionCount(region, counted.get(region.pk, 0), depth))
        below = [regions[pk] for pk in down(region.pk) if regions[pk].parent_id == region.pk]
        for child in sorted(below, key=lambda r: r.display_name):
            add(child, depth + 1)

    for country in sorted(
        (r for r in regions.values() if r.parent_id is None), key=lambda r: r.display_name
    ):
        add(country, 0)

    checked = [kind] if kind else kinds
    gaps = [
        Gap(row.region, term)
        for row in rows
        for term in checked
        if not per_kind[row.region.pk][term.pk]
    ]
    if kind is not None:
        everywhere = {service_id for service_id in everywhere if kind.pk in kinds_of[service_id]}
    return Coverage(rows, gaps, len(everywhere), _maps(rows))


def _maps(rows: list[RegionCount]) -> list[CountryMap]:
    maps, current = [], None
    for row in rows:
        if row.region.kind == Region.Kind.COUNTRY:
            current = CountryMap(row, None, [])
            maps.append(current)
        elif current is not None and row.region.centroid_latitude is not None:
            current.circles.append(row)
    for country_map in maps:
        centres = {
            row.region.pk: (
                float(row.region.centroid_latitude),
                float(row.region.centroid_longitude),
            )
            for row in country_map.circles
        }
        drawing = coverage_map.draw(country_map.country.region.code, centres)
        country_map.drawing = drawing
        # A label that would run off the right edge is written leftwards of its circle.
        placed = [(row, drawing.points[row.region.pk]) for row in country_map.circles]
        country_map.circles = [
            (row, point, _runs_off(point, row.region.display_name, drawing.width))
            for row, point in placed
        ]
    return maps


def _runs_off(point, label: str, width: float) -> bool:
    """Whether a label written rightwards of its circle would pass the map's right edge
    (by an estimate of its length at the map's type size), with room on the left."""
    length = CIRCLE_GAP + len(label) * LETTER_WIDTH
    return point.x + length > width and point.x - length >= 0


def _filtered(request):
    """(form, coverage or None); a form with errors means nothing was measured."""
    if not is_coordinator(request.user):
        raise PermissionDenied
    kinds = kinds_of_help()
    form = CoverageFilters(request.GET or None, kinds=kinds)
    if form.is_bound and not form.is_valid():
        return form, None
    data = form.cleaned_data if form.is_bound else {}
    kind = form.kinds.get(data.get("kind") or "")
    coverage = measure(kind, data.get("language") or None, bool(data.get("night")), kinds)
    return form, coverage


def _page(request, form, coverage, status=200):
    context = {
        **admin.site.each_context(request),
        "title": _("Coverage and gaps"),
        "form": form,
        "coverage": coverage,
        "legend": [(css, label) for _lowest, css, label in reversed(BUCKETS)],
        "query": request.GET.urlencode(),
    }
    return TemplateResponse(request, "curation/coverage.html", context, status=status)


def coverage_view(request):
    form, coverage = _filtered(request)
    return _page(request, form, coverage, status=200 if coverage is not None else 400)


def gaps_csv_view(request):
    """The gaps table as CSV, text cells neutralised against spreadsheet formulas."""
    form, coverage = _filtered(request)
    if coverage is None:
        return _page(request, form, None, status=400)
    data = form.cleaned_data if form.is_bound else {}
    language = data.get("language") or ""
    language_name = (
        dict(form.fields["language"].choices).get(language) if language else _("Any language")
    )
    night = _("Yes") if data.get("night") else _("No")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            _("Region code"),
            _("Region"),
            _("Part of"),
            _("Kind of help"),
            _("Language spoken"),
            _("Open at night"),
        ]
    )
    for gap in coverage.gaps:
        parent = gap.region.parent.display_name if gap.region.parent_id else ""
        writer.writerow(
            neutralise(str(cell))
            for cell in (
                gap.region.code,
                gap.region.display_name,
                parent,
                gap.kind_name,
                language_name,
                night,
            )
        )
    stamp = timezone.localdate().isoformat()
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="waymark-gaps-{stamp}.csv"'
    return response
