"""Apply a plan: every step in dependency order, in the caller's transaction.

Listing records (organisations, services, locations, channels) are written by the
curation registry's ``Spec.apply``, the code that applies an approved proposal: the same
validation (``full_clean``), the same collections. Each written record gets an audit
entry (old and new values) and a version, as an approval would give it (SR-10).
Vocabularies and regions are reference data and are written as they are.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils.translation import gettext as _

from apps.curation.models import Version
from apps.curation.registry import SPECS, spec_for
from apps.curation.services import _same, audit_record

from ..hsds.ids import hsds_id
from ..models import ImportedRecord
from .issues import ImportFailed, Issue
from .planning import MODELS, Planner, Step


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


def write_steps(steps: list[Step], *, by, job=None, check_stale: bool) -> dict:
    """Write the steps; returns the counts written per kind. Raises ImportFailed."""
    created: dict[tuple[str, str], int] = {}
    counts: dict[str, dict[str, int]] = {}
    checker = Planner({}, None) if check_stale else None
    owners: dict[int, int] = {}  # service → organisation, spares a query per channel
    mapped = []
    for step in steps:
        values = _resolve(step.values, created, step)
        model = MODELS[step.kind]
        if step.action == "create":
            instance = model()
            number = 1
        else:
            instance = model._default_manager.select_for_update().filter(pk=step.target_id).first()
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
            if checker is not None:
                current = checker.current_values(step.kind, instance)
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
            number = None
        try:
            if step.kind in SPECS:
                spec = spec_for(step.kind)
                names = set(spec.field_names())
                for name, value in values.items():
                    if name not in names:
                        setattr(instance, name, _coerce(name, value))
                spec.apply(instance, {k: v for k, v in values.items() if k in names})
                organization_id = _organization_id(step.kind, instance, owners)
            else:
                for name, value in values.items():
                    setattr(instance, name, value)
                instance.full_clean()
                instance.save()
                organization_id = None
        except ValidationError as error:
            raise _failed(step, error) from None
        created[(step.kind, step.source_id)] = instance.pk
        if step.kind != "region" and step.source_id != hsds_id(step.kind, instance.pk):
            mapped.append((step.kind, step.source_id, instance.pk))
        audit_record(
            actor=by,
            action="import.created" if step.action == "create" else "import.changed",
            target_model=step.kind,
            target_id=instance.pk,
            organization_id=organization_id,
            old=step.base or None,
            new=values,
        )
        if step.kind in SPECS:
            if number is None:
                last = Version.objects.filter(
                    target_model=step.kind, target_id=instance.pk
                ).aggregate(n=Max("number"))["n"]
                number = (last or 0) + 1
            Version.objects.create(
                target_model=step.kind,
                target_id=instance.pk,
                number=number,
                snapshot=spec_for(step.kind).snapshot(instance),
            )
        row = counts.setdefault(step.kind, {"created": 0, "changed": 0})
        row["created" if step.action == "create" else "changed"] += 1
    _remember(mapped, job)
    return counts


def _organization_id(kind: str, instance, owners: dict) -> int:
    if kind == "organization":
        return instance.pk
    if kind == "channel":
        if instance.service_id not in owners:
            owners[instance.service_id] = instance.service.organization_id
        return owners[instance.service_id]
    if kind == "service":
        owners[instance.pk] = instance.organization_id
    return instance.organization_id


def _remember(mapped, job) -> None:
    """Outside ids and the rows they became, so the next import finds them."""
    for kind, source_id, pk in mapped:
        ImportedRecord.objects.update_or_create(
            kind=kind, source_id=source_id, defaults={"target_id": pk, "job": job}
        )
