"""Stored HSDS documents and ids (issue #20): the API reads documents built once per
publication, finds an id in one indexed lookup, and never serves a document older than
the last change."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.curation.services import proposal_approve, proposal_archive, proposal_submit
from apps.directory.models import Channel, Organization, Service
from apps.directory.models.organizations import PublicationStatus
from apps.interchange.export import export_directory
from apps.interchange.hsds import stored
from apps.interchange.hsds.ids import hsds_id
from apps.interchange.models import ImportJob, StoredDocument
from apps.interchange.services import import_job_approve
from tests.curation.test_proposals import cast, hotline_channel  # noqa: F401 - the fixture
from tests.interchange.importing import export, load
from tests.interchange.test_import import run

API = "/api/hsds"


def detail(client, service, **params):
    response = client.get(f"{API}/services/{hsds_id('service', service.pk)}", params)
    assert response.status_code == 200
    return response.json()


def exported(tmp_path, service) -> dict:
    folder = tmp_path / "export"
    export_directory(folder, ["en"], per_language=False)
    services = json.loads((folder / "hsds" / "services.json").read_text(encoding="utf-8"))
    return next(s for s in services if s["id"] == hsds_id("service", service.pk))


def stored_body(service, language="en") -> dict | None:
    """The stored document of the current publication, if there is one."""
    row = StoredDocument.objects.filter(
        kind="service", target_id=service.pk, language=language, token=stored.token()
    ).first()
    return json.loads(row.body) if row else None


def test_a_document_asked_for_is_stored_and_served_from_storage(client, demo):
    service = Service.objects.published().order_by("pk").first()
    assert stored_body(service) is None
    first = detail(client, service)
    assert stored_body(service)["name"] == first["name"]
    # Served again without being built again: no query reads the service's channels.
    with CaptureQueriesContext(connection) as queries:
        assert detail(client, service) == first
    assert not any("directory_channel" in q["sql"] for q in queries.captured_queries)


def test_an_approval_changes_the_stored_document_the_api_and_the_export_at_once(
    cast, client, tmp_path
):
    service = cast.service
    before = detail(client, service)
    assert any(p["number"] == "+33199001001" for p in before["phones"])
    listed = client.get(f"{API}/services", {"per_page": 100}).json()["contents"]
    assert stored_body(service)["name"] == before["name"] != "Renamed helpline"

    rename = proposal_submit(
        by=cast.editor_a, model=Service, instance=service, values={"name_en": "Renamed helpline"}
    )
    proposal_approve(proposal=rename, by=cast.coordinator)
    archive = proposal_archive(by=cast.editor_a, instance=hotline_channel())
    proposal_approve(proposal=archive, by=cast.coordinator)

    # Nothing stored before the approvals is current any more.
    assert stored_body(service) is None
    after = detail(client, service)
    assert after["name"] == "Renamed helpline"
    assert not any(p["number"] == "+33199001001" for p in after.get("phones", []))
    assert stored_body(service)["name"] == "Renamed helpline"
    listed = client.get(f"{API}/services", {"per_page": 100}).json()["contents"]
    assert [s["name"] for s in listed if s["id"] == after["id"]] == ["Renamed helpline"]
    document = exported(tmp_path, service)
    assert document["name"] == "Renamed helpline"
    assert "+33199001001" not in json.dumps(document)


def test_unpublishing_takes_a_stored_document_off_the_api(client, demo):
    service = Service.objects.published().order_by("pk").first()
    url = f"{API}/services/{hsds_id('service', service.pk)}"
    assert client.get(url).status_code == 200
    Organization.objects.filter(pk=service.organization_id).update(status=PublicationStatus.DRAFT)
    # A queryset update sends no signal; the stored document is never what decides.
    assert client.get(url).status_code == 404
    ids = [s["id"] for s in client.get(f"{API}/services", {"per_page": 100}).json()["contents"]]
    assert hsds_id("service", service.pk) not in ids


def test_a_changed_channel_is_in_the_next_answer(client, demo):
    channel = Channel.objects.filter(
        service__in=Service.objects.published(), kind=Channel.Kind.VOICE
    ).first()
    service = channel.service
    assert "+33199004242" not in json.dumps(detail(client, service))
    channel.number = "+33199004242"
    channel.save()  # as the admin or a shell would
    assert "+33199004242" in json.dumps(detail(client, service))


def test_list_shapes_match_the_documents_built_directly(client, demo):
    from apps.interchange.hsds import documents, queries

    ctx = documents.Context.load("fr")
    rows = queries.with_documents(Service.objects.published()).order_by("pk")
    for params, build in (
        ({}, documents.service_list_item),
        ({"full": "true"}, documents.service_document),
        ({"minimal": "true"}, documents.service_minimal),
    ):
        for _round in range(2):  # built, then read back from storage
            page = client.get(f"{API}/services", {"per_page": 100, "lang": "fr", **params})
            contents = page.json()["contents"]
            assert contents == [build(row, ctx) for row in rows]
            assert [list(item) for item in contents] == [list(build(r, ctx)) for r in rows]


@pytest.mark.parametrize(
    "path, params, queries",
    [
        # the publication token, the page of ids, the stored documents, their organizations
        # (the total of every published service is counted once per publication)
        ("/services", {}, 4),
        ("/services", {"full": "true"}, 4),
        ("/services", {"minimal": "true"}, 3),
        # the id, the publication token, the document, its organization
        ("/services/{id}", {}, 4),
    ],
)
def test_stored_answers_cost_a_pinned_number_of_queries_whatever_the_page_size(
    client, demo, require_postgres, django_assert_num_queries, path, params, queries
):
    service = Service.objects.published().order_by("pk").first()
    url = API + path.format(id=hsds_id("service", service.pk))
    sizes = [{"per_page": 1}, {"per_page": 100}] if "{id}" not in path else [{}]
    for size in sizes:
        client.get(url, {"per_page": 100, **params} if size else {})  # builds, stores
        with django_assert_num_queries(queries):
            response = client.get(url, {**size, **params})
        assert response.status_code == 200


def test_an_approved_import_changes_the_stored_document_at_once(
    demo, client, coordinator, second_coordinator, tmp_path
):
    folder = export(tmp_path / "export")
    services = load(folder / "hsds/services.json")
    services[0]["description"] = "New description from the partner's system."
    (folder / "hsds/services.json").write_text(json.dumps(services), encoding="utf-8")
    service = Service.objects.get(
        pk=next(
            pk
            for pk in Service.objects.values_list("pk", flat=True)
            if hsds_id("service", pk) == services[0]["id"]
        )
    )
    assert detail(client, service)["description"] != services[0]["description"]
    run(folder / "hsds", username=coordinator.username)
    assert detail(client, service)["description"] != services[0]["description"]  # pending
    import_job_approve(job=ImportJob.objects.get(), by=second_coordinator)
    assert detail(client, service)["description"] == services[0]["description"]
    assert stored_body(service)["description"] == services[0]["description"]
