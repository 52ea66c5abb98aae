"""The synthetic directory for benchmarks: realistic, valid, reproducible, plainly fictional."""

import datetime as dt
import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db.models import F, Q
from django.utils.html import escape

from apps.directory.generate import MAX_SERVICES, generate_directory
from apps.directory.models import (
    Channel,
    CostOption,
    Language,
    Location,
    OpeningPeriod,
    Organization,
    Region,
    ScheduleException,
    Service,
    ServiceArea,
    Taxonomy,
    TaxonomyTerm,
)
from apps.directory.validators import validate_e164
from tests.interchange.schemas import errors

TODAY = dt.date(2026, 11, 1)
COLUMNS = [code.replace("-", "_") for code, _name in settings.LANGUAGES]
# The ranges reserved for fiction: ARCEP, Ofcom (London and mobile), NANP 555-01xx.
FICTION = re.compile(r"^\+(3319900\d{4}|442079460\d{3}|447700900\d{3}|1[2-9]\d{2}55501\d{2})$")


def generate(services=60, seed=7, **options):
    return generate_directory(services=services, seed=seed, today=TODAY, **options)


@pytest.fixture
def generated(db):
    generate()


def snapshot(services):
    """What a visitor would see of each service, without database ids."""
    return [
        (
            s.name_en,
            s.description_fr,
            s.status,
            s.organization.name_en,
            sorted(s.languages.values_list("code", flat=True)),
            sorted(s.channels.values_list("kind", "number", "url", "email")),
            sorted(
                (p.weekday, p.opens, p.closes)
                for p in OpeningPeriod.objects.filter(channel__service=s)
            ),
        )
        for s in services.select_related("organization").order_by("pk")
    ]


def test_generates_the_requested_number_of_services(generated):
    assert Service.objects.count() == 60
    assert Organization.objects.count() == 15
    assert Organization.objects.filter(services=None).count() == 0


def test_every_organisation_is_marked_as_demonstration_data(client, generated):
    assert not Organization.objects.filter(is_demo=False).exists()
    assert not Organization.objects.exclude(name_en__contains="(fictional)").exists()
    assert "Demonstration data" in client.get("/en/").content.decode()


def test_a_share_of_services_is_written_in_all_twelve_languages(generated):
    everything = Service.objects.filter(
        *[Q(**{f"{f}_{code}__gt": ""}) for code in COLUMNS for f in ("name", "description")]
    )
    assert 5 <= everything.count() <= 40
    assert not Service.objects.filter(name_en__isnull=True).exists()
    # The rest rely on fallback: a page in Portuguese shows Spanish or English text.
    assert Service.objects.filter(name_pt__isnull=True).exists()
    assert Service.objects.filter(name_pt__isnull=True, name_es__isnull=False).exists()


def test_every_generated_row_passes_model_validation(generated):
    for model in (
        Organization,
        Service,
        Location,
        Channel,
        OpeningPeriod,
        ScheduleException,
        ServiceArea,
        CostOption,
    ):
        rows = list(model.objects.all())
        assert rows, model
        for row in rows:
            row.full_clean()


def test_every_phone_number_is_valid_and_reserved_for_fiction(generated):
    numbers = list(Channel.objects.exclude(number="").values_list("number", flat=True))
    assert len(numbers) > 40
    for number in numbers:
        validate_e164(number)
        assert FICTION.match(number), number
    hosts = Channel.objects.exclude(url="").values_list("url", flat=True)
    assert all(".example.org/" in url for url in hosts)


def test_hours_include_past_midnight_24_7_and_exceptions(generated):
    assert OpeningPeriod.objects.filter(closes__lte=F("opens")).exists()
    assert Channel.objects.filter(is_24_7=True, periods=None).exists()
    assert ScheduleException.objects.filter(date__gt=TODAY).exists()
    assert set(Channel.objects.values_list("kind", flat=True)) >= {"voice", "email", "web"}


def test_some_services_are_unpublished_and_some_locations_confidential(db):
    generate(services=400)
    assert 300 < Service.objects.published().count() < 400
    confidential = Location.objects.exclude(visibility=Location.Visibility.PUBLIC).count()
    assert 0.05 < confidential / Location.objects.count() < 0.3
    assert Region.objects.filter(kind=Region.Kind.LOCALITY, service_areas__isnull=False).exists()
    assert Language.objects.filter(services__isnull=False).distinct().count() > 20


def test_confidential_addresses_never_appear_on_the_service_page(client, db):
    generate(services=200)
    links = Service.objects.published().filter(service_at_locations__isnull=False)
    checked = {Location.Visibility.PUBLIC: 0, "confidential": 0}
    for service in links.distinct():
        body = client.get(f"/en/s/{service.pk}/").content.decode()
        for location in Location.objects.filter(service_at_locations__service=service):
            shown = escape(location.address_1_en) in body
            if location.is_public:
                checked[Location.Visibility.PUBLIC] += 1
                assert shown, "a public address should be shown (the check would be blind)"
            else:
                checked["confidential"] += 1
                assert not shown, f"address of {location.name} leaked"
                assert escape(location.name_en) not in body
                assert f"{location.latitude:.4f}" not in body
    assert checked[Location.Visibility.PUBLIC] and checked["confidential"]


def test_the_same_seed_gives_the_same_directory(db):
    generate(services=25, seed=3)
    first_max = Service.objects.order_by("-pk").values_list("pk", flat=True)[0]
    generate(services=25, seed=3)
    second_max = Service.objects.order_by("-pk").values_list("pk", flat=True)[0]
    generate(services=25, seed=4)
    runs = [
        snapshot(Service.objects.filter(pk__lte=first_max)),
        snapshot(Service.objects.filter(pk__gt=first_max, pk__lte=second_max)),
        snapshot(Service.objects.filter(pk__gt=second_max)),
    ]
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_region_and_service_pages_of_generated_data_render(client, generated):
    service = Service.objects.published().select_related("organization").first()
    response = client.get(f"/fr/s/{service.pk}/")
    assert response.status_code == 200
    assert escape(service.name_fr or service.name_en) in response.content.decode()
    draft = Service.objects.exclude(status="published").first()
    if draft is not None:
        assert client.get(f"/en/s/{draft.pk}/").status_code == 404
    area = ServiceArea.objects.filter(service=service, region__isnull=False).first()
    codes = ["fr", "us", "gb-eng", area.region.code if area else "ca"]
    for code in codes:
        assert client.get(f"/ar/r/{code}/").status_code == 200, code
    assert client.get("/zh-hans/").status_code == 200


def test_search_finds_a_realistic_share_of_services(client, db):
    generate(services=120)
    response = client.post(
        "/en/find/", {"q": "legal advice"}, HTTP_ORIGIN="http://testserver", follow=True
    )
    assert response.status_code == 200
    found = response.content.decode().count('href="/en/s/')
    assert 0 < found < Service.objects.published().count() / 2


def test_hsds_api_serves_generated_services_that_validate(client, generated, shared_dir):
    schema = shared_dir / "hsds-3.0" / "schema"
    page = client.get("/api/hsds/services", {"full": "true", "per_page": 100}).json()
    assert page["total_items"] == Service.objects.published().count()
    for item in page["contents"]:
        assert not errors(schema, "compiled/service_list.json", item), item["id"]
    detail = client.get(f"/api/hsds/services/{page['contents'][0]['id']}", {"lang": "fa"})
    assert detail.status_code == 200
    assert not errors(schema, "compiled/service.json", detail.json())


def test_adds_to_the_demo_without_duplicating_reference_data(demo):
    regions = set(Region.objects.values_list("code", flat=True))
    terms = TaxonomyTerm.objects.count()
    generate(services=30)
    assert Service.objects.count() == 11 + 30
    assert Region.objects.filter(code__iexact="fr-ara-lyon").count() == 1
    assert regions < set(Region.objects.values_list("code", flat=True))
    assert Taxonomy.objects.count() == 4 and TaxonomyTerm.objects.count() == terms
    lyon = Region.objects.get(code="fr-ara-lyon")
    assert ServiceArea.objects.filter(region=lyon, service__organization__is_demo=True).exists()


def test_command_generates_and_reports_its_rate(db):
    out = StringIO()
    call_command("generate_directory", services=30, countries="gb,ca", stdout=out)
    assert Service.objects.count() == 30
    assert set(Region.objects.countries().values_list("code", flat=True)) == {"GB", "CA"}
    assert re.search(
        r"Generated 30 fictional services in [\d.]+ s \([\d,]+ services/s\)", out.getvalue()
    )


@pytest.mark.parametrize(
    "options",
    [
        {"services": 0},
        {"services": -5},
        {"services": MAX_SERVICES + 1},
        {"services": 10, "organizations": 11},
        {"services": 10, "countries": "FR,XX"},
    ],
)
def test_command_refuses_impossible_requests(db, options):
    with pytest.raises(CommandError):
        call_command("generate_directory", stdout=StringIO(), **options)
    assert not Service.objects.exists() and not Organization.objects.exists()
