"""An outside feed imported twice (issue 19, item 4): its ids are kept beside Waymark's own
(``ImportedRecord``), so the changed feed updates the same records instead of adding."""

import json

from apps.directory.models import Channel, Location, Organization, Service
from apps.interchange.hsds.ids import hsds_id
from apps.interchange.models import ImportedRecord
from tests.interchange.importing import publish


def test_a_changed_outside_feed_updates_the_same_records(db, coordinator, hsds_examples, tmp_path):
    path = tmp_path / "feed.json"
    document = json.loads((hsds_examples / "service_full.json").read_text())
    path.write_text(json.dumps(document))
    publish(path, coordinator)
    service = Service.objects.get()
    kept = ImportedRecord.objects.get(kind="service", source_id=document["id"])
    assert kept.target_id == service.pk and hsds_id("service", service.pk) != document["id"]
    before = [m.objects.count() for m in (Service, Organization, Channel, Location)]

    document["name"] = "Renamed by the partner"
    path.write_text(json.dumps(document))
    publish(path, coordinator)

    assert [m.objects.count() for m in (Service, Organization, Channel, Location)] == before
    service.refresh_from_db()
    assert service.name_en == "Renamed by the partner"
