"""Where the generated directory is: countries, regions, fictional numbers and addresses.

Regions use real ISO 3166 codes (so names come from CLDR and pycountry) and codes the
demo already uses (``fr-ara-lyon``), so generating into a demo database adds to its
regions instead of duplicating them. Phone numbers come only from ranges reserved for
fiction, as in the demo: France +33 1 99 00 xx xx (ARCEP), the United Kingdom
+44 20 7946 0xxx and +44 7700 900xxx (Ofcom), and +1 NXX 555 01xx (NANP).
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Country:
    code: str
    time_zone: str
    centre: tuple[float, float]
    currency: str
    # Interface languages whose text a local service always has, besides English.
    interface_languages: tuple[str, ...]
    # ISO 639-3 languages nearly every local service speaks.
    spoken: tuple[str, ...]
    streets: tuple[str, ...]
    postal_format: str  # filled with a number from 1 to 95
    weight: int
    # Subdivisions whose public holidays the `holidays` package knows; FR uses the country.
    holidays_by_subdivision: bool = True


@dataclass(frozen=True)
class Place:
    code: str
    parent: str
    time_zone: str
    centre: tuple[float, float]
    name: str = ""  # localities only; subdivisions are named by pycountry
    area_codes: tuple[str, ...] = field(default=())  # NANP area codes
    city: str = ""  # the city a subdivision without localities is named after


COUNTRIES = {
    "FR": Country(
        "FR",
        "Europe/Paris",
        (46.6, 2.4),
        "EUR",
        ("fr",),
        ("fra",),
        ("rue de l'Exemple", "avenue de la Fiction", "boulevard Imaginaire", "place du Modèle"),
        "{:02d}000",
        30,
        holidays_by_subdivision=False,
    ),
    "GB": Country(
        "GB",
        "Europe/London",
        (54.0, -2.0),
        "GBP",
        (),
        ("eng",),
        ("Example Street", "Fiction Road", "Sample Lane", "Placeholder Avenue"),
        "EX{} 9ZZ",
        25,
    ),
    "US": Country(
        "US",
        "America/New_York",
        (39.8, -98.6),
        "USD",
        ("es",),
        ("eng", "spa"),
        ("Example Street", "Fiction Avenue", "Sample Boulevard", "Placeholder Way"),
        "{:03d}99",
        30,
    ),
    "CA": Country(
        "CA",
        "America/Toronto",
        (56.1, -106.3),
        "CAD",
        ("fr",),
        ("eng", "fra"),
        ("Example Street", "rue de l'Exemple", "Fiction Avenue", "Sample Road"),
        "X{}X 0X0",
        15,
    ),
}

PARIS, LONDON = "Europe/Paris", "Europe/London"
NY, CHI, DEN, PHX, LA = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
)

# Subdivisions first, then localities; a parent always comes before its children.
PLACES = [
    Place("FR-IDF", "FR", PARIS, (48.85, 2.35)),
    Place("FR-ARA", "FR", PARIS, (45.5, 4.5)),
    Place("FR-PAC", "FR", PARIS, (43.9, 6.1)),
    Place("FR-OCC", "FR", PARIS, (43.7, 2.2)),
    Place("FR-NAQ", "FR", PARIS, (45.2, 0.2)),
    Place("FR-HDF", "FR", PARIS, (50.0, 2.8)),
    Place("FR-GES", "FR", PARIS, (48.7, 5.6)),
    Place("FR-BRE", "FR", PARIS, (48.2, -2.9)),
    Place("FR-PDL", "FR", PARIS, (47.5, -0.8)),
    Place("FR-NOR", "FR", PARIS, (49.1, 0.1)),
    Place("fr-idf-paris", "FR-IDF", PARIS, (48.857, 2.352), "Paris"),
    Place("fr-idf-saint-denis", "FR-IDF", PARIS, (48.936, 2.357), "Saint-Denis"),
    Place("fr-ara-lyon", "FR-ARA", PARIS, (45.76, 4.84), "Lyon"),
    Place("fr-ara-grenoble", "FR-ARA", PARIS, (45.188, 5.724), "Grenoble"),
    Place("fr-pac-marseille", "FR-PAC", PARIS, (43.296, 5.37), "Marseille"),
    Place("fr-pac-nice", "FR-PAC", PARIS, (43.71, 7.262), "Nice"),
    Place("fr-occ-toulouse", "FR-OCC", PARIS, (43.605, 1.444), "Toulouse"),
    Place("fr-occ-montpellier", "FR-OCC", PARIS, (43.611, 3.877), "Montpellier"),
    Place("fr-naq-bordeaux", "FR-NAQ", PARIS, (44.838, -0.579), "Bordeaux"),
    Place("fr-hdf-lille", "FR-HDF", PARIS, (50.629, 3.057), "Lille"),
    Place("fr-ges-strasbourg", "FR-GES", PARIS, (48.573, 7.752), "Strasbourg"),
    Place("fr-bre-rennes", "FR-BRE", PARIS, (48.117, -1.678), "Rennes"),
    Place("fr-pdl-nantes", "FR-PDL", PARIS, (47.218, -1.554), "Nantes"),
    Place("fr-nor-rouen", "FR-NOR", PARIS, (49.443, 1.099), "Rouen"),
    Place("GB-ENG", "GB", LONDON, (52.5, -1.5)),
    Place("GB-SCT", "GB", LONDON, (56.5, -4.2)),
    Place("GB-WLS", "GB", LONDON, (52.3, -3.7)),
    Place("GB-NIR", "GB", LONDON, (54.6, -6.7)),
    Place("GB-MAN", "GB-ENG", LONDON, (53.48, -2.24), city="Manchester"),
    Place("GB-BIR", "GB-ENG", LONDON, (52.49, -1.89), city="Birmingham"),
    Place("GB-LDS", "GB-ENG", LONDON, (53.8, -1.55), city="Leeds"),
    Place("GB-LIV", "GB-ENG", LONDON, (53.41, -2.98), city="Liverpool"),
    Place("GB-BST", "GB-ENG", LONDON, (51.45, -2.59), city="Bristol"),
    Place("gb-eng-london", "GB-ENG", LONDON, (51.507, -0.128), "London"),
    Place("gb-eng-newcastle", "GB-ENG", LONDON, (54.978, -1.618), "Newcastle"),
    Place("gb-sct-glasgow", "GB-SCT", LONDON, (55.864, -4.252), "Glasgow"),
    Place("gb-sct-edinburgh", "GB-SCT", LONDON, (55.953, -3.188), "Edinburgh"),
    Place("gb-wls-cardiff", "GB-WLS", LONDON, (51.481, -3.179), "Cardiff"),
    Place("gb-nir-belfast", "GB-NIR", LONDON, (54.597, -5.93), "Belfast"),
    Place("US-NY", "US", NY, (42.9, -75.5), area_codes=("212", "718", "518")),
    Place("US-CA", "US", LA, (37.2, -119.4), area_codes=("415", "213", "619", "510")),
    Place("US-TX", "US", CHI, (31.0, -99.9), area_codes=("713", "214", "512")),
    Place("US-FL", "US", NY, (28.6, -82.4), area_codes=("305", "407")),
    Place("US-IL", "US", CHI, (40.0, -89.2), area_codes=("312", "773")),
    Place("US-WA", "US", LA, (47.4, -120.5), area_codes=("206", "509")),
    Place("US-GA", "US", NY, (32.7, -83.4), area_codes=("404",)),
    Place("US-MA", "US", NY, (42.3, -71.8), area_codes=("617",)),
    Place("US-AZ", "US", PHX, (34.3, -111.7), area_codes=("602",)),
    Place("US-CO", "US", DEN, (39.0, -105.5), area_codes=("303",)),
    Place("US-NJ", "US", NY, (40.1, -74.7), area_codes=("973", "201")),
    Place("US-PA", "US", NY, (40.9, -77.8), area_codes=("215", "412")),
    Place("US-MI", "US", "America/Detroit", (44.3, -85.4), area_codes=("313",)),
    Place("US-MN", "US", CHI, (46.3, -94.3), area_codes=("612",)),
    Place("US-NV", "US", LA, (39.3, -116.6), area_codes=("702",)),
    Place("us-ny-new-york", "US-NY", NY, (40.713, -74.006), "New York City"),
    Place("us-ny-buffalo", "US-NY", NY, (42.886, -78.878), "Buffalo"),
    Place("us-ca-los-angeles", "US-CA", LA, (34.052, -118.244), "Los Angeles"),
    Place("us-ca-san-francisco", "US-CA", LA, (37.775, -122.419), "San Francisco"),
    Place("us-ca-san-diego", "US-CA", LA, (32.716, -117.161), "San Diego"),
    Place("us-tx-houston", "US-TX", CHI, (29.76, -95.37), "Houston"),
    Place("us-tx-dallas", "US-TX", CHI, (32.777, -96.797), "Dallas"),
    Place("us-fl-miami", "US-FL", NY, (25.762, -80.192), "Miami"),
    Place("us-il-chicago", "US-IL", CHI, (41.878, -87.63), "Chicago"),
    Place("us-wa-seattle", "US-WA", LA, (47.606, -122.332), "Seattle"),
    Place("us-ga-atlanta", "US-GA", NY, (33.749, -84.388), "Atlanta"),
    Place("us-ma-boston", "US-MA", NY, (42.36, -71.059), "Boston"),
    Place("us-az-phoenix", "US-AZ", PHX, (33.448, -112.074), "Phoenix"),
    Place("us-co-denver", "US-CO", DEN, (39.739, -104.99), "Denver"),
    Place("us-pa-philadelphia", "US-PA", NY, (39.953, -75.165), "Philadelphia"),
    Place("us-nv-las-vegas", "US-NV", LA, (36.17, -115.14), "Las Vegas"),
    Place("CA-ON", "CA", "America/Toronto", (50.0, -85.3), area_codes=("416", "613")),
    Place("CA-QC", "CA", "America/Toronto", (52.9, -73.5), area_codes=("514", "418")),
    Place("CA-BC", "CA", "America/Vancouver", (53.7, -127.6), area_codes=("604", "250")),
    Place("CA-AB", "CA", "America/Edmonton", (53.9, -116.6), area_codes=("403", "780")),
    Place("CA-NS", "CA", "America/Halifax", (44.7, -63.7), area_codes=("902",)),
    Place("CA-MB", "CA", "America/Winnipeg", (53.8, -98.8), area_codes=("204",)),
    Place("ca-on-toronto", "CA-ON", "America/Toronto", (43.653, -79.383), "Toronto"),
    Place("ca-on-ottawa", "CA-ON", "America/Toronto", (45.421, -75.697), "Ottawa"),
    Place("ca-qc-montreal", "CA-QC", "America/Toronto", (45.502, -73.567), "Montréal"),
    Place("ca-bc-vancouver", "CA-BC", "America/Vancouver", (49.283, -123.121), "Vancouver"),
    Place("ca-ab-calgary", "CA-AB", "America/Edmonton", (51.045, -114.072), "Calgary"),
    Place("ca-ns-halifax", "CA-NS", "America/Halifax", (44.649, -63.575), "Halifax"),
    Place("ca-mb-winnipeg", "CA-MB", "America/Winnipeg", (49.895, -97.138), "Winnipeg"),
]

# ISO 639-3 languages services are delivered in, with how often they come up.
SPOKEN_LANGUAGES = {
    "eng": 60, "fra": 25, "spa": 25, "ara": 20, "por": 10, "ron": 10, "ukr": 10,
    "rus": 10, "fas": 8, "vie": 8, "zho": 8, "tgl": 8, "tir": 6, "amh": 5, "deu": 5,
    "ita": 5, "pol": 6, "bul": 5, "hun": 4, "sqi": 5, "srp": 3, "hrv": 2, "tur": 5,
    "kur": 4, "prs": 4, "pus": 4, "urd": 5, "hin": 5, "ben": 4, "pan": 4, "tam": 3,
    "sin": 2, "nep": 3, "tha": 4, "khm": 2, "mya": 2, "ind": 2, "kor": 3, "jpn": 2,
    "yor": 3, "ibo": 3, "hau": 2, "swa": 3, "som": 4, "orm": 2, "lin": 2, "wol": 2,
    "ful": 2, "bam": 2, "twi": 2, "hat": 3, "nld": 2, "ell": 2, "heb": 1, "mon": 1,
}  # fmt: skip


def country_of(code: str) -> str:
    return code.split("-")[0].upper()


def phone_number(rng, country: str, area_codes: tuple[str, ...], *, mobile=False) -> str:
    """A number, in E.164, from a range reserved for drama and fiction."""
    if country == "FR":
        return f"+3319900{rng.randrange(10000):04d}"
    if country == "GB":
        prefix = "+447700900" if mobile else "+442079460"
        return f"{prefix}{rng.randrange(1000):03d}"
    return f"+1{rng.choice(area_codes)}55501{rng.randrange(100):02d}"
