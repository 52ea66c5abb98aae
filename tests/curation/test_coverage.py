"""Coverage and gaps (issue 22, item 4): counts per region, gaps under the filters, the CSV,
who may see it, bad filters, and no confidential location on the map."""

import csv
import io
import re

import pytest

from apps.curation.coverage_map import draw, outline
from apps.directory.models import Region
from tests.directory.test_confidentiality import assert_no_canary, plant_canaries

PAGE = "/en/staff/coverage/"
CSV = "/en/staff/coverage/gaps.csv"


def counts(page: str) -> dict:
    """Region code -> count, read off the table that is the map's text equivalent."""
    table = page.split('id="coverage-counts"')[1].split("</table>")[0]
    rows = re.findall(r"<td><bdi>([^<]+)</bdi></td><td>(\d+)</td>", table)
    return {code: int(number) for code, number in rows}


def gaps(page: str) -> list[tuple[str, str]]:
    if 'id="coverage-gap-table"' not in page:
        return []
    table = page.split('id="coverage-gap-table"')[1].split("</table>")[0]
    return re.findall(r'<th scope="row"><bdi>([^<]+)</bdi></th><td>.*?</td><td>([^<]+)</td>', table)


def rows_of(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def coordinator_client(staff_client, coordinator, demo):
    return staff_client(coordinator)


def test_services_count_towards_their_regions(coordinator_client):
    page = coordinator_client.get(PAGE).content.decode()
    # A national line counts in each subdivision; a city's shelter in its region and
    # country, not in the neighbouring region; the worldwide chat in no region.
    # Each country's online-reporting service (issue 21) serves the whole country.
    assert counts(page) == {
        "FR": 4,
        "FR-ARA": 3,
        "FR-IDF": 3,
        "GB": 3,
        "GB-ENG": 3,
        "GB-MAN": 3,
        "US": 3,
        "US-CA": 2,
        "US-NY": 2,
    }
    assert "Serving every country (international, not counted in any region): 1" in page
    # Each country is drawn, with its count in words for screen readers.
    assert page.count('role="img"') == 3
    assert "France — published services: 4" in page


def test_filters_change_the_gaps(coordinator_client):
    everything = coordinator_client.get(PAGE).content.decode()
    legal_in_arabic = coordinator_client.get(PAGE, {"kind": "legal", "language": "ara"})
    page = legal_in_arabic.content.decode()
    assert legal_in_arabic.status_code == 200
    # Arabic-speaking legal aid exists only in Île-de-France (so in France too).
    assert counts(page)["FR-IDF"] == 1 and counts(page)["FR-ARA"] == 0
    found = gaps(page)
    assert all(kind == "Legal advice" for _region, kind in found)
    assert {region for region, _kind in found} == {
        "Auvergne-Rhône-Alpes",
        "United Kingdom",
        "England",
        "Manchester",
        "United States",
        "California",
        "New York",
    }
    assert len(found) < len(gaps(everything))


def test_open_at_night_counts_hours_between_22_and_6(coordinator_client):
    """The counselling service open 17:00–22:00 is not open at night; the 24/7 line is."""
    by_day = coordinator_client.get(PAGE, {"kind": "counselling"}).content.decode()
    at_night = coordinator_client.get(PAGE, {"kind": "counselling", "night": "on"}).content
    at_night = at_night.decode()
    assert ("Manchester", "Counselling") not in gaps(by_day)
    assert ("Manchester", "Counselling") in gaps(at_night)
    # The French helpline is 24/7 on the phone: counselling there is open at night.
    assert counts(at_night)["FR"] == 3 - 2  # the legal clinic and shelter are not counselling


@pytest.mark.parametrize(
    "query", [{"kind": "no-such-kind"}, {"language": "xyz"}, {"kind": "<b>legal</b>"}]
)
def test_unknown_filters_are_refused_plainly(coordinator_client, query):
    for url in (PAGE, CSV):
        response = coordinator_client.get(url, query)
        assert response.status_code == 400
        page = response.content.decode()
        assert "These filters cannot be used" in page
        assert "<b>legal</b>" not in page
        assert 'id="coverage-counts"' not in page


def test_unknown_filters_are_refused_in_arabic(staff_client, coordinator, demo):
    response = staff_client(coordinator, language="ar").get("/ar/staff/coverage/", {"kind": "nope"})
    assert response.status_code == 400
    assert "لا يمكن استخدام عوامل التصفية هذه" in response.content.decode()


def test_the_gaps_download_as_csv(coordinator_client):
    response = coordinator_client.get(CSV, {"kind": "legal", "language": "ara", "night": ""})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, *rows = rows_of(response)
    assert header[:4] == ["Region code", "Region", "Part of", "Kind of help"]
    assert {row[0] for row in rows} == {
        "FR-ARA",
        "GB",
        "GB-ENG",
        "GB-MAN",
        "US",
        "US-CA",
        "US-NY",
    }
    assert all(row[3] == "Legal advice" and row[4] == "Arabic" and row[5] == "No" for row in rows)


def test_the_csv_is_safe_in_a_spreadsheet(coordinator_client):
    Region.objects.create(code="XX-EVIL", kind="subdivision", name='=HYPERLINK("http://x")')
    header, *rows = rows_of(coordinator_client.get(CSV))
    evil = [row for row in rows if row[0] == "XX-EVIL"]
    assert evil and all(row[1] == '\'=HYPERLINK("http://x")' for row in evil)


@pytest.mark.parametrize("who", ["editor_a", "manager_a"])
def test_only_coordinators(staff_client, demo, who, request):
    client = staff_client(request.getfixturevalue(who))
    assert client.get(PAGE).status_code == 403
    assert client.get(CSV).status_code == 403
    assert "Coverage and gaps" not in client.get("/en/staff/").content.decode()


def test_signed_out_people_are_sent_to_sign_in(client, demo):
    response = client.get(CSV)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_staff_home_links_to_it(coordinator_client):
    assert 'href="/en/staff/coverage/"' in coordinator_client.get("/en/staff/").content.decode()


def test_confidential_locations_are_never_drawn(coordinator_client):
    """A hidden or region-only location changes nothing on the map when its coordinates,
    name and address change: it counts only through its region."""
    before = coordinator_client.get(PAGE).content.decode()
    plant_canaries()
    after = coordinator_client.get(PAGE).content.decode()
    csv_text = coordinator_client.get(CSV).content.decode()
    assert_no_canary(after, PAGE)
    assert_no_canary(csv_text, CSV)
    svgs = re.findall(r"<svg viewBox.*?</svg>", before, re.S)
    assert svgs and svgs == re.findall(r"<svg viewBox.*?</svg>", after, re.S)


def test_the_shapes_come_from_the_installed_natural_earth_data():
    assert len(outline("FR")) >= 2  # mainland and Corsica; not French Guiana
    assert all(-6 < p.centroid.x < 10 and 41 < p.centroid.y < 52 for p in outline("FR"))
    drawing = draw("GB", {"man": (53.48, -2.24)})
    assert drawing.path.startswith("M") and 0 < drawing.points["man"].x < drawing.width
    assert draw("ZZ", {}).path == ""  # a code without a shape: no outline, no error


@pytest.mark.parametrize(
    "opens,closes,at_night",
    [
        ("17:00", "22:00", False),  # closes as the night starts
        ("06:00", "21:59", False),
        ("17:00", "22:30", True),
        ("05:30", "09:00", True),
        ("18:00", "02:00", True),  # past midnight
        ("20:00", "00:00", True),  # until midnight
    ],
)
def test_open_at_night_is_some_time_between_22_and_6(partner_a, opens, closes, at_night):
    from apps.curation.coverage import open_at_night_channels
    from apps.directory.models import Channel, OpeningPeriod, Service

    service = Service.objects.create(organization=partner_a, name_en="Line")
    channel = Channel.objects.create(service=service, kind="voice")
    OpeningPeriod.objects.create(channel=channel, weekday=2, opens=opens, closes=closes)
    assert open_at_night_channels().filter(pk=channel.pk).exists() is at_night


def test_round_the_clock_counts_and_unknown_hours_do_not(partner_a):
    from apps.curation.coverage import open_at_night_channels
    from apps.directory.models import Channel, Service

    service = Service.objects.create(organization=partner_a, name_en="Line")
    always = Channel.objects.create(service=service, kind="voice", is_24_7=True)
    unknown = Channel.objects.create(service=service, kind="sms", is_24_7=None)
    assert list(open_at_night_channels().filter(service=service)) == [always]
    assert unknown not in open_at_night_channels()
