"""Helpers for the import tests: export, empty the directory, compare documents up to ids."""

import json
import re
from pathlib import Path

from django.core.management import call_command

from apps.curation.models import AuditEntry, Proposal, StaffProfile, Version
from apps.directory.models import (
    Channel,
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from apps.interchange.models import ImportedRecord, ImportItem, ImportJob

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
LISTINGS = (Organization, Service, Location, Channel, TaxonomyTerm, Taxonomy)


def export(folder: Path, **options) -> Path:
    call_command("export_hsds", output=folder, **options)
    return folder


def empty_directory() -> None:
    """Delete every listing and vocabulary; regions and languages (reference data) stay."""
    ImportItem.objects.all().delete()
    ImportedRecord.objects.all().delete()
    ImportJob.objects.all().delete()
    # The audit trail and versions are append-only in the app; a test may start over.
    AuditEntry.objects.all()._raw_delete(AuditEntry.objects.db)
    Version.objects.all()._raw_delete(Version.objects.db)
    Proposal.objects.all().delete()
    StaffProfile.objects.filter(organization__isnull=False).update(
        organization=None, role="coordinator"
    )
    ServiceAtLocation.objects.all().delete()
    Channel.objects.all().delete()
    Service.objects.all().delete()
    Location.objects.all().delete()
    Organization.objects.all().delete()
    TaxonomyTerm.objects.filter(parent__isnull=False).delete()
    TaxonomyTerm.objects.all().delete()
    Taxonomy.objects.all().delete()


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in LISTINGS} | {
        "ImportJob": ImportJob.objects.count(),
        "ImportedRecord": ImportedRecord.objects.count(),
        "Proposal": Proposal.objects.count(),
        "AuditEntry": AuditEntry.objects.count(),
    }


def up_to_ids(document):
    """The document with every UUID replaced by the order in which it first appears."""
    seen = {}

    def walk(node):
        if isinstance(node, dict):
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        if isinstance(node, str) and UUID.match(node):
            return f"id-{seen.setdefault(node, len(seen))}"
        return node

    return walk(document)


def load(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def without_timestamps(documents):
    """``last_modified`` is the moment of the import; everything else must match, except
    the space available (issue 21): a provider's live word, set by its staff, which an
    import does not copy from another directory."""
    text = json.dumps(documents, sort_keys=True)
    text = re.sub(r'"capacity_(status|updated)": "[^"]*", ', "", text)
    return json.loads(re.sub(r'"last_modified": "[^"]*"', '"last_modified": "-"', text))


def differences(a, b, path="") -> list[str]:
    """Where two documents differ, as JSON pointers (for a readable assertion message)."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                out.append(f"{path}/{key}: only in {'after' if key not in a else 'before'}")
            else:
                out += differences(a[key], b[key], f"{path}/{key}")
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in differences(x, y, f"{path}/{i}")
        ]
    return [] if a == b else [f"{path}: {str(a)[:120]} != {str(b)[:120]}"]


def publish(path: Path, coordinator, **options) -> tuple[str, str]:
    """Import as ``coordinator`` with "publish now". New or changed contact data cannot go
    live on one person's word (SR-6, SR-7): such a batch waits, and a second coordinator
    approves it here. Returns the command's output and warnings."""
    from io import StringIO

    from apps.interchange.services import import_job_approve
    from tests.curation.conftest import make_staff

    out, err = StringIO(), StringIO()
    call_command(
        "import_hsds",
        path,
        publish=True,
        username=coordinator.username,
        stdout=out,
        stderr=err,
        **options,
    )
    waiting = ImportJob.objects.awaiting_review().filter(author=coordinator).order_by("-pk")
    for job in waiting[:1]:
        second = (
            StaffProfile.objects.filter(role=StaffProfile.Role.COORDINATOR)
            .exclude(user=coordinator)
            .select_related("user")
            .first()
        )
        reviewer = (
            second.user
            if second
            else make_staff("second_coordinator", StaffProfile.Role.COORDINATOR)
        )
        import_job_approve(job=job, by=reviewer)
    return out.getvalue(), err.getvalue()
