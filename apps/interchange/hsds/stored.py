"""HSDS documents and ids kept in the database, so the API and the export do not rebuild
them on every request (issue #20).

- A **publication token** (``Publication``, one row) is replaced by every change to the
  directory, in the changing transaction itself (``changed``): approvals and imports
  (``purge_public_cache``, ``write_steps``), the generators, and any other save or delete
  of a directory row (the signals connected in ``apps.interchange.apps``). It lives in
  the database, not in the cache, so a document can never outlive a change because Redis
  was away.
- **Stored documents** (``StoredDocument``): each service's fully nested document (and
  each organization's) per content language, as compact JSON text, built the first time
  it is asked for under the current token and read back until the token changes. The
  token is read before the rows the document is built from, so a document built while a
  change commits is filed under the old token and never served after it.
- **HSDS keys** (``HsdsKey``): the uuid5 of every row, so finding ``/services/{id}`` is
  one indexed lookup instead of deriving the id of every published row. An id not found
  fills in the rows of that kind that have no key yet, then looks again. Keys never
  decide what is visible: the caller's queryset does.
"""

import json
import secrets
import threading
from contextlib import contextmanager

from apps.directory.models import Organization, Service, ServiceAtLocation, Taxonomy, TaxonomyTerm

from ..models import HsdsKey, Publication, StoredDocument
from . import documents, queries
from .ids import deployment_namespace, hsds_id, parse_uuid

KEYED = {
    "service": Service,
    "organization": Organization,
    "service_at_location": ServiceAtLocation,
    "taxonomy": Taxonomy,
    "taxonomy_term": TaxonomyTerm,
}
# The keys of a service document that a list item (one-to-one fields only) leaves out.
COLLECTIONS = (
    "phones",
    "contacts",
    "schedules",
    "service_areas",
    "languages",
    "service_at_locations",
    "cost_options",
    "attributes",
)
KEY_BATCH = 5000


# --- the publication token ----------------------------------------------------------------
def token() -> int:
    """The current publication token (0 before the first change)."""
    found = Publication.objects.filter(pk=1).values_list("token", flat=True).first()
    return found or 0


def changed() -> None:
    """Every stored document is stale from now on: call inside the transaction that
    changes the directory. Every call replaces the token (one small UPDATE): a transaction
    may read documents between two of its changes."""
    new = secrets.randbits(62) or 1
    if not Publication.objects.filter(pk=1).update(token=new):
        Publication.objects.bulk_create([Publication(pk=1, token=new)], ignore_conflicts=True)
        Publication.objects.filter(pk=1).update(token=new)


_deferred = threading.local()


@contextmanager
def deferred():
    """Saves inside leave the token alone; it is replaced once, when the block succeeds.
    An import holds its transaction for minutes: replacing the token at its first save
    would lock the token's row, and every approval, until the import commits."""
    _deferred.active = True
    try:
        yield
    finally:
        _deferred.active = False
    changed()


def directory_changed(sender, **kwargs) -> None:
    """Signal receiver: a directory row was saved or deleted (the admin, a shell...)."""
    if sender._meta.app_label != "directory" or sender._meta.model_name == "servicesearch":
        return
    if getattr(_deferred, "active", False):
        return
    if kwargs.get("action", "post_").startswith("pre_"):
        return
    changed()


# --- totals kept per token ------------------------------------------------------------------
_totals: dict[int, int] = {}


def published_total(current: int) -> int:
    """How many services are published: counted once per token in each process."""
    if current not in _totals:
        _totals.clear()
        _totals[current] = queries.published_services().count()
    return _totals[current]


# --- HSDS ids -------------------------------------------------------------------------------
def find(kind: str, value: str, allowed) -> int | None:
    """The pk among ``allowed`` (a queryset) whose HSDS id is ``value``, else None."""
    wanted = parse_uuid(value)
    if wanted is None:
        return None
    namespace = deployment_namespace()
    for attempt in range(2):
        target = HsdsKey.objects.filter(namespace=namespace, kind=kind, hsds_id=wanted).values(
            "target_id"
        )
        found = allowed.filter(pk__in=target).values_list("pk", flat=True).first()
        if found is not None or attempt or not _fill_keys(kind, namespace):
            return found
    return None


# (namespace, kind) -> (token, largest pk) when the rows of that kind were last keyed in
# this process: an unknown id looks again only after a change (no full scan per 404).
_filled: dict[tuple, tuple] = {}


def _fill_keys(kind: str, namespace) -> bool:
    """Key the rows of ``kind`` that have none yet; True when some were added."""
    model = KEYED[kind]
    state = (token(), model._default_manager.order_by("-pk").values_list("pk", flat=True).first())
    if _filled.get((namespace, kind)) == state:
        return False
    _filled[(namespace, kind)] = state
    return bool(fill_keys(kind, namespace))


def fill_keys(kind: str, namespace=None) -> int:
    """Key every row of ``kind`` that has no key yet (the migration keys existing rows)."""
    namespace = namespace or deployment_namespace()
    model = KEYED[kind]
    keyed = HsdsKey.objects.filter(namespace=namespace, kind=kind).values("target_id")
    missing = list(model._default_manager.exclude(pk__in=keyed).values_list("pk", flat=True))
    for start in range(0, len(missing), KEY_BATCH):
        HsdsKey.objects.bulk_create(
            [
                HsdsKey(namespace=namespace, kind=kind, target_id=pk, hsds_id=hsds_id(kind, pk))
                for pk in missing[start : start + KEY_BATCH]
            ],
            ignore_conflicts=True,
        )
    return len(missing)


# --- stored documents -------------------------------------------------------------------------
def service_documents(
    pks: list[int], language: str, *, store: bool = True, current: int | None = None, ctx=None
) -> dict[int, tuple]:
    """``{pk: (organization pk, full document without its organization)}`` for published
    service pks the caller selected: stored ones read back, the others built (and stored
    unless ``store`` is false) in a fixed number of queries. ``current`` is the token
    the caller read before choosing ``pks``."""
    current = token() if current is None else current
    found = _read("service", pks, language, current)
    missing = [pk for pk in pks if pk not in found]
    if missing:
        ctx = ctx or documents.Context.load(language)
        ctx.regions  # noqa: B018 - loaded once here, whatever the places need: a fixed cost
        rows = queries.with_documents(Service.objects.filter(pk__in=missing)).order_by("pk")
        built = {
            row.pk: (row.organization_id, documents.service_document(row, ctx, organization=False))
            for row in rows
        }
        if store:
            _write("service", built, language, current)
        found.update(built)
    return found


def organization_documents(
    pks, language: str, *, store: bool = True, current: int | None = None
) -> dict[int, dict]:
    """``{pk: organization document}`` (without services) for organization pks."""
    pks = list(pks)
    current = token() if current is None else current
    read = _read("organization", pks, language, current)
    found = {pk: body for pk, (_owner, body) in read.items()}
    missing = [pk for pk in pks if pk not in found]
    if missing:
        ctx = documents.Context(language=language)  # an organization names no region
        built = {
            org.pk: (None, documents.organization_document(org, ctx))
            for org in Organization.objects.filter(pk__in=missing)
        }
        if store:
            _write("organization", built, language, current)
        found.update({pk: body for pk, (_owner, body) in built.items()})
    return found


def _read(kind: str, pks: list[int], language: str, current: int) -> dict[int, tuple]:
    if not pks:
        return {}
    rows = StoredDocument.objects.filter(
        kind=kind, language=language, token=current, target_id__in=pks
    ).values_list("target_id", "owner_id", "body")
    return {pk: (owner, json.loads(body)) for pk, owner, body in rows}


def _write(kind: str, built: dict, language: str, current: int) -> None:
    StoredDocument.objects.bulk_create(
        [
            StoredDocument(
                kind=kind,
                target_id=pk,
                language=language,
                token=current,
                owner_id=owner,
                body=json.dumps(body, ensure_ascii=False, separators=(",", ":")),
            )
            for pk, (owner, body) in built.items()
        ],
        batch_size=500,
        update_conflicts=True,
        unique_fields=["kind", "target_id", "language"],
        update_fields=["token", "owner_id", "body"],
    )


# --- the shapes the API serves, from a stored document ----------------------------------------
def list_item(document: dict) -> dict:
    """The one-to-one fields of a full service document (``documents.service_list_item``)."""
    return {k: v for k, v in document.items() if k not in COLLECTIONS}


def minimal(document: dict) -> dict:
    """``documents.service_minimal`` from a full service document."""
    return {
        "id": document["id"],
        "name": document["name"],
        "status": document["status"],
        "last_modified": document.get("last_modified"),
    }


def services_by_pk(
    pks,
    language: str,
    shape: str = "list",
    *,
    organization=True,
    store=True,
    current=None,
    ctx=None,
) -> dict:
    """``{pk: document}`` of the services ``pks`` in one of the API's shapes: "full",
    "list" or "minimal"; with their organization nested unless told otherwise. ``ctx``:
    the caller's context, whose region tree is then loaded once for both."""
    current = token() if current is None else current
    stored = service_documents(list(pks), language, store=store, current=current, ctx=ctx)
    organizations = {}
    if organization and shape != "minimal":
        owners = {owner for owner, _d in stored.values()}
        organizations = organization_documents(owners, language, store=store, current=current)
    out = {}
    for pk, (owner, document) in stored.items():
        if shape == "minimal":
            out[pk] = minimal(document)
            continue
        document = document if shape == "full" else list_item(document)
        if organization:
            document["organization"] = organizations[owner]
        out[pk] = document
    return out


def services(
    pks: list[int], language: str, shape: str = "list", *, organization=True, current=None
) -> list:
    """The documents of ``services_by_pk``, in the order of ``pks``."""
    by_pk = services_by_pk(pks, language, shape, organization=organization, current=current)
    return [by_pk[pk] for pk in pks if pk in by_pk]


def migrated(sender, **kwargs) -> None:
    """After ``migrate`` (every release): the new code may build other documents."""
    from django.db import connections

    using = kwargs.get("using", "default")
    if Publication._meta.db_table in connections[using].introspection.table_names():
        changed()
