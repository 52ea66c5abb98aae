"""Apply a plan: every step in dependency order, in the caller's transaction.

Listing records (organisations, services, locations, channels) are validated and written
as the curation registry's ``Spec.apply`` writes an approved proposal: the same
``full_clean``, the same collections. Each written record gets an audit entry (old and
new values) and a version, as an approval would give it (SR-10). Vocabularies and regions
are reference data and are written as they are.

New listing records are written in batches of ``BATCH`` of one kind: every record is
validated first, then the batch, its collections, audit entries and versions are each
inserted in one statement. A 100 000-service import is about 400 000 records; one at a
time, it took hours (docs/hsds.md, "Size"). Changes to existing records are written one
by one, each checked against what was planned.
"""

import datetime as dt
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.curation.models import AuditEntry, Version
from apps.curation.registry import SPECS, Lookups, spec_for
from apps.curation.services import _same, audit_entry, coordinator_reasons, verify_by_from
from apps.directory.models import Service, TaxonomyTerm
from apps.directory.reference import apply_vocabulary
from apps.directory.translation import unsaved

from ..hsds import stored
from ..hsds.ids import hsds_id
from ..models import ImportedRecord
from .issues import ImportFailed, Issue
from .planning import MODELS, Planner, Step

BATCH = 1000


def _refs(value):
    """The (kind, source id) of every record the value names by reference."""
    if isinstance(value, dict) and set(value) == {"$ref"}:
        yield tuple(value["$ref"])
    elif isinstance(value, list):
        for item in value:
            yield from _refs(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _refs(item)


def _resolve(value, created: dict, step: Step):
    if isinstance(value, dict) and set(value) == {"$ref"}:
        kind, source_id = value["$ref"]
        if (kind, source_id) not in created:
            raise ImportFailed(
                [Issue(step.where, "", kind, _("%s was not created before it was needed.") % kind)]
            )
        return created[(kind, source_id)]
    if isinstance(value, list):
        return [_resolve(v, created, step) for v in value]
    if isinstance(value, dict):
        return {k: _resolve(v, created, step) for k, v in value.items()}
    return value


def _failed(step: Step, error: ValidationError) -> ImportFailed:
    messages = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    return ImportFailed(
        [
            Issue(step.where, f"{step.kind} {step.source_id}", name, text)
            for name, texts in messages.items()
            for text in texts
        ]
    )


def _coerce(name: str, value):
    if name == "assured_date" and value:
        return dt.date.fromisoformat(value)
    return value


def _service_types() -> dict[int, str]:
    """Service-type term id → code, for the verification cadence."""
    return dict(
        TaxonomyTerm.objects.filter(taxonomy__slug="service-type").values_list("pk", "code")
    )


def _set_verify_by(service, terms, types: dict[int, str]) -> None:
    """An imported listing takes part in verification (C4): it is due again one cadence
    after the source last verified it, or after the import when the source does not say,
    so a listing last verified years ago is overdue at once. Without a date from the
    source, a listing already due keeps its date."""
    if service.assured_date is None and service.verify_by is not None:
        return
    last_verified = service.assured_date or timezone.localdate()
    service.verify_by = verify_by_from(last_verified, [types[t] for t in terms if t in types])


def write_steps(steps: list[Step], *, by, job=None, check_stale: bool, proposed_by=None) -> dict:
    """Write the steps; returns the counts written per kind. Raises ImportFailed.

    Every import that goes live passes here, so the four-eyes rule lives here (SR-6,
    SR-7): new or changed contact data is written only when ``by`` is not the person who
    proposed it (``proposed_by``; by default the job's author, else ``by`` itself).
    """
    author = proposed_by or (job.author if job is not None and job.author_id else by)
    if by is None or author is None or author.pk == by.pk:
        held = contact_issues(steps)
        if held:
            raise ImportFailed(held)
    # Stored HSDS documents: stale once, at the end (batches are bulk inserts, which send
    # no signals; saves one by one would lock the token's row for the whole import).
    with stored.deferred():
        return _Writer(by=by, job=job, check_stale=check_stale).write(steps)


def contact_issues(steps: list[Step]) -> list[Issue]:
    """One issue per step that adds or changes contact data: such steps need a second
    coordinator, as a proposal with the same changes would (``coordinator_reasons``)."""
    issues = []
    for step in steps:
        if step.kind not in SPECS:
            continue
        changes = {k: v for k, v in step.values.items() if not _same(step.base.get(k), v)}
        reasons = coordinator_reasons(spec_for(step.kind), changes, step.base)
        if reasons:
            fields = sorted({reason.split(":", 1)[1] for reason in reasons})
            issues.append(
                Issue(
                    step.where,
                    f"{step.kind} {step.source_id}",
                    ", ".join(fields),
                    _(
                        "New or changed contact data goes live only when a second "
                        "coordinator approves it."
                    ),
                )
            )
    return issues


class _Writer:
    def __init__(self, *, by, job, check_stale: bool):
        self.by, self.job = by, job
        self.checker = Planner({}, None) if check_stale else None
        self.created: dict[tuple[str, str], int] = {}
        self.counts: dict[str, dict[str, int]] = {}
        self.owners: dict[int, int] = {}  # service → organisation, for channels' audit
        self.lookups = Lookups()
        self.mapped: list[tuple[str, str, int]] = []
        self.pending: list[Step] = []  # new listing records of one kind, not yet written
        self.waiting: set[tuple[str, str]] = set()  # and their (kind, source id)

    def write(self, steps: list[Step]) -> dict:
        for step in steps:
            if self.pending and (
                step.kind != self.pending[0].kind
                or len(self.pending) >= BATCH
                or any(ref in self.waiting for ref in _refs(step.values))
            ):
                self._create_pending()
            if step.action == "create" and step.kind in SPECS:
                self.pending.append(step)
                self.waiting.add((step.kind, step.source_id))
            else:
                self._write_one(step)
        self._create_pending()
        _remember(self.mapped, self.job)
        # Terms and cost words the shared vocabulary knows get its reviewed names in the
        # languages the file did not give (apps/directory/reference).
        apply_vocabulary()
        return self.counts

    # --- new listing records, a batch at a time ------------------------------------
    def _create_pending(self) -> None:
        steps, self.pending = self.pending, []
        self.waiting.clear()
        if not steps:
            return
        spec = spec_for(steps[0].kind)
        names = set(spec.field_names())
        relations = [f for f in spec.model._meta.concrete_fields if f.many_to_one]
        batch = []
        for step in steps:
            values = _resolve(step.values, self.created, step)
            instance = unsaved(spec.model)
            for name, value in values.items():
                if name not in names:
                    setattr(instance, name, _coerce(name, value))
            try:
                # The related rows are checked below, for the whole batch at once.
                spec.assign(instance, values, exclude=[f.name for f in relations])
            except ValidationError as error:
                raise _failed(step, error) from None
            batch.append((step, instance, values))
        self._check_relations(relations, batch)
        if spec.model is Service:
            types = _service_types()
            for _step, instance, values in batch:
                _set_verify_by(instance, values.get("terms") or [], types)
        instances = spec.model._default_manager.bulk_create([i for _s, i, _v in batch])
        rows = defaultdict(list)
        for step, instance, values in batch:
            try:
                for name, collection in spec.collections.items():
                    if name in values:
                        built = collection.rows(instance, values[name], self.lookups)
                        rows[collection.model].extend(built)
            except ValidationError as error:
                raise _failed(step, error) from None
        for model, items in rows.items():
            model._default_manager.bulk_create(items, batch_size=BATCH)
        self._finish(batch, numbers=[1] * len(instances))

    def _check_relations(self, relations, batch) -> None:
        """Every related row named exists (one query per relation for the whole batch) and
        every required one is named. A step that fails is validated in full, so the error
        is the field's own message."""
        for field in relations:
            named = {getattr(i, field.attname) for _s, i, _v in batch} - {None}
            found = set(
                field.related_model._base_manager.filter(pk__in=named).values_list("pk", flat=True)
            )
            for step, instance, _values in batch:
                value = getattr(instance, field.attname)
                missing = value not in found if value is not None else not field.blank
                if missing:
                    try:
                        instance.full_clean()
                    except ValidationError as error:
                        raise _failed(step, error) from None

    # --- changes, and reference data, one at a time --------------------------------
    def _write_one(self, step: Step) -> None:
        values = _resolve(step.values, self.created, step)
        model = MODELS[step.kind]
        if step.action == "create":
            instance, number = model(), 1
        else:
            instance, number = self._current(step), None
        try:
            if step.kind in SPECS:
                spec = spec_for(step.kind)
                names = set(spec.field_names())
                for name, value in values.items():
                    if name not in names:
                        setattr(instance, name, _coerce(name, value))
                if model is Service:
                    terms = values["terms"] if "terms" in values else spec_terms(instance)
                    _set_verify_by(instance, terms, _service_types())
                spec.apply(instance, {k: v for k, v in values.items() if k in names}, self.lookups)
            else:
                for name, value in values.items():
                    setattr(instance, name, value)
                instance.full_clean()
                instance.save()
        except ValidationError as error:
            raise _failed(step, error) from None
        if step.kind in SPECS and number is None:
            last = Version.objects.filter(target_model=step.kind, target_id=instance.pk).aggregate(
                n=Max("number")
            )["n"]
            number = (last or 0) + 1
        self._finish([(step, instance, values)], numbers=[number])

    def _current(self, step: Step):
        instance = MODELS[step.kind]._default_manager.select_for_update().filter(pk=step.target_id)
        instance = instance.first()
        if instance is None:
            raise ImportFailed(
                [
                    Issue(
                        step.where,
                        "",
                        "",
                        _("The record was deleted after the import was checked."),
                    )
                ]
            )
        if self.checker is not None:
            current = self.checker.current_values(step.kind, instance)
            stale = sorted(k for k, v in step.base.items() if not _same(current.get(k), v))
            if stale:
                raise ImportFailed(
                    [
                        Issue(
                            step.where,
                            f"{step.kind} {step.source_id}",
                            ", ".join(stale),
                            _("The record changed after the import was checked; import again."),
                        )
                    ]
                )
        return instance

    # --- what every written record gets ----------------------------------------------
    def _finish(self, batch, *, numbers) -> None:
        """Audit entries and versions for written records; remember their ids."""
        kind = batch[0][0].kind
        instances = [instance for _s, instance, _v in batch]
        organizations = self._organization_ids(kind, instances)
        AuditEntry.objects.bulk_create(
            audit_entry(
                actor=self.by,
                action="import.created" if step.action == "create" else "import.changed",
                target_model=kind,
                target_id=instance.pk,
                organization_id=organization_id,
                old=step.base or None,
                new=values,
            )
            for (step, instance, values), organization_id in zip(batch, organizations, strict=True)
        )
        if kind in SPECS:
            snapshots = spec_for(kind).snapshots(instances)
            Version.objects.bulk_create(
                Version(target_model=kind, target_id=i.pk, number=n, snapshot=s)
                for i, n, s in zip(instances, numbers, snapshots, strict=True)
            )
        row = self.counts.setdefault(kind, {"created": 0, "changed": 0})
        for step, instance, _values in batch:
            self.created[(kind, step.source_id)] = instance.pk
            if kind != "region" and step.source_id != hsds_id(kind, instance.pk):
                self.mapped.append((kind, step.source_id, instance.pk))
            row["created" if step.action == "create" else "changed"] += 1

    def _organization_ids(self, kind: str, instances) -> list[int | None]:
        if kind not in SPECS:
            return [None] * len(instances)
        if kind == "organization":
            return [instance.pk for instance in instances]
        if kind == "service":
            self.owners.update((i.pk, i.organization_id) for i in instances)
        if kind == "channel":
            unknown = {i.service_id for i in instances} - self.owners.keys()
            self.owners.update(
                Service.objects.filter(pk__in=unknown).values_list("pk", "organization_id")
            )
            return [self.owners[instance.service_id] for instance in instances]
        return [instance.organization_id for instance in instances]


def spec_terms(service) -> list[int]:
    return list(service.terms.values_list("pk", flat=True)) if service.pk else []


def _remember(mapped, job) -> None:
    """Outside ids and the rows they became, so the next import finds them."""
    ImportedRecord.objects.bulk_create(
        (
            ImportedRecord(kind=kind, source_id=source_id, target_id=pk, job=job)
            for kind, source_id, pk in mapped
        ),
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["kind", "source_id"],
        update_fields=["target_id", "job"],
    )
