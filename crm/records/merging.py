"""Merging duplicates (Dubletten zusammenführen): one partner or contact survives, the
other's references move to it, and the other's id keeps answering with `410 Gone` and a
pointer to the survivor.

A merge is planned first (what would change, what conflicts, how many records refer to
the duplicate); a dry run answers the plan, a merge carries it out. Where both records
have a value and the values differ, the survivor's is kept unless the caller chose the
duplicate's; where only the duplicate has one, it is taken over; lists and linked topics,
target groups and municipalities are joined.
"""

import uuid
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any, Literal

from flask import has_request_context, request
from sqlalchemy import ForeignKey, delete, func, inspect, select, update

from crm.database import Base, db
from crm.errors import InvalidInput, Merged
from crm.models import AuditEvent, Contact, ExportRunContact, MergedRecord
from crm.models.base import Resource, singular, utcnow
from crm.records import audit
from crm.records.references import foreign_keys_to
from crm.records.write_rules import apply_write_rules

Side = Literal["survivor", "duplicate"]


@dataclass
class MergePlan:
    survivor: Any
    duplicate: Any
    # field -> the value the survivor gets (the API's JSON form in `changes`)
    values: dict[str, Any] = field(default_factory=dict)
    changes: dict[str, Any] = field(default_factory=dict)
    conflicts: dict[str, dict[str, Any]] = field(default_factory=dict)
    # "memberships" -> how many rows refer to the duplicate and move to the survivor
    moved: dict[str, int] = field(default_factory=dict)
    dry_run: bool = True

    @property
    def survivor_id(self) -> uuid.UUID:
        return self.survivor.id

    @property
    def duplicate_id(self) -> uuid.UUID:
        return self.duplicate.id


def plan_merge(survivor: Any, duplicate: Any, keep: dict[str, Side]) -> MergePlan:
    """What merging `duplicate` into `survivor` would do; changes nothing."""
    if survivor.id == duplicate.id:
        raise InvalidInput(
            "A record cannot be merged into itself.",
            errors={"duplicate_id": ["Name another record than the one in the path."]},
        )
    if getattr(duplicate, "erased_at", None):
        # Merging would tie the anonymous history of an erased person to a living record.
        raise InvalidInput(
            "An erased contact cannot be merged.",
            errors={"duplicate_id": ["The person's data was erased (Art. 17 DSGVO)."]},
        )
    _check_choices(type(survivor), keep)
    plan = MergePlan(survivor, duplicate)
    for name in _fields(type(survivor)):
        ours, theirs = getattr(survivor, name), getattr(duplicate, name)
        if isinstance(ours, list):
            value = _joined(ours, theirs)
        elif _empty(ours) or _empty(theirs) or ours == theirs:
            value = theirs if _empty(ours) else ours
        else:
            kept = keep.get(name, "survivor")
            plan.conflicts[name] = {
                "survivor": audit.as_json(ours),
                "duplicate": audit.as_json(theirs),
                "kept": kept,
            }
            value = theirs if kept == "duplicate" else ours
        if value != ours:
            plan.values[name] = value
    plan.changes = _changes_as_json(plan.values)
    plan.moved = {table: count for table, count in _count_references(duplicate).items() if count}
    return plan


def merge(plan: MergePlan) -> MergePlan:
    """Carry a plan out: the survivor takes the chosen values, every reference to the
    duplicate moves to the survivor, the duplicate is deleted and its id remembered."""
    survivor, duplicate = plan.survivor, plan.duplicate
    with audit.recording_merge(survivor, duplicate, plan.values):
        for name, value in plan.values.items():
            setattr(survivor, name, value)
        # The survivor's row is written (and its version checked) even if no value moves.
        survivor.updated_at = utcnow()
        db.session.flush()
        _move_references(duplicate, survivor.id)
        # What the ORM holds of both may now be stale (employments, link rows).
        db.session.expire(duplicate)
        db.session.expire(survivor)
        apply_write_rules(survivor)
    db.session.delete(duplicate)
    _remember(duplicate, survivor.id)
    db.session.flush()
    plan.dry_run = False
    return plan


def raise_if_merged(model: type, record_id: uuid.UUID) -> None:
    """Called where a record was not found: a merged one answers 410 with its survivor."""
    merged = db.session.get(MergedRecord, record_id)
    resource = singular(model.__tablename__)
    if merged is None or merged.resource_type != resource:
        return
    label = resource.replace("_", " ")
    collection = model.__tablename__.replace("_", "-")
    host = request.host_url if has_request_context() else "/"
    url = f"{host}api/v1/{collection}/{merged.survivor_id}"
    raise Merged(
        f"The {label} {record_id} was merged into {merged.survivor_id}.",
        survivor_id=str(merged.survivor_id),
        survivor_url=url,
        headers={"Link": f'<{url}>; rel="successor-version"'},
    )


def _fields(model: type) -> list[str]:
    """Column attributes people edit, then the many-to-many links (topics, ...)."""
    columns, links = audit.audited_attributes(model)
    return columns + links


def _check_choices(model: type, keep: dict[str, Side]) -> None:
    choosable = set(_fields(model))
    unknown = sorted(set(keep) - choosable)
    if unknown:
        raise InvalidInput(
            "Only fields of the record can be chosen.",
            errors={
                f"keep.{name}": [f"Not a field of a {singular(model.__tablename__)}."]
                for name in unknown
            },
        )


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _joined(ours: list, theirs: list) -> list:
    """Ours, then what only theirs has (records by id, values by equality)."""
    joined = list(ours)
    for item in theirs:
        if item not in joined:
            joined.append(item)
    return joined


def _changes_as_json(values: dict[str, Any]) -> dict[str, Any]:
    changes = {}
    for name, value in values.items():
        if isinstance(value, list) and value and isinstance(value[0], Base):
            changes[f"{singular(name)}_ids"] = [str(item.id) for item in value]
        else:
            changes[name] = audit.as_json(value)
    return changes


def _references(model: type) -> list[ForeignKey]:
    """The foreign keys that point at `model`, except the link tables of its own
    many-to-many relationships (joined in the plan, deleted with the duplicate)."""
    _, links = audit.audited_attributes(model)
    own_links = {getattr(model, key).property.secondary for key in links}
    return [fk for fk in foreign_keys_to(model.__table__) if fk.parent.table not in own_links]


def _count_references(record: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for fk in _references(type(record)):
        found = db.session.scalar(select(func.count()).where(fk.parent == record.id))
        counts[fk.parent.table.name] = counts.get(fk.parent.table.name, 0) + found
    return counts


def _move_references(duplicate: Any, survivor_id: uuid.UUID) -> None:
    """Each row that refers to the duplicate refers to the survivor instead; rows of
    resources record the change in the audit trail."""
    classes = {mapper.local_table: mapper.class_ for mapper in Base.registry.mappers}
    for fk in _references(type(duplicate)):
        model = classes.get(fk.parent.table)
        if model is None:
            db.session.execute(
                update(fk.parent.table)
                .where(fk.parent == duplicate.id)
                .values({fk.parent.name: survivor_id})
            )
            continue
        attribute = inspect(model).get_property_by_column(fk.parent).key
        for row in db.session.scalars(select(model).where(fk.parent == duplicate.id)).all():
            audited = issubclass(model, Resource)
            with audit.recording_change(row, [attribute]) if audited else nullcontext():
                setattr(row, attribute, survivor_id)
    db.session.flush()


def _remember(duplicate: Any, survivor_id: uuid.UUID) -> None:
    """The duplicate's id, and every id merged into it before, now lead to the survivor."""
    db.session.execute(
        update(MergedRecord)
        .where(MergedRecord.survivor_id == duplicate.id)
        .values(survivor_id=survivor_id)
    )
    db.session.add(
        MergedRecord(
            id=duplicate.id,
            resource_type=singular(duplicate.__tablename__),
            survivor_id=survivor_id,
            actor=audit.current_actor()[0],
        )
    )
    if isinstance(duplicate, Contact):
        _hand_over_traces(duplicate.id, survivor_id)


def _hand_over_traces(duplicate_id: uuid.UUID, survivor_id: uuid.UUID) -> None:
    """Where the person's data was noted without a foreign key (values in the audit
    trail, the contacts of stored export files), the survivor now stands for the
    duplicate: erasing the survivor (DSGVO Art. 17) must reach them too."""
    db.session.execute(
        update(AuditEvent)
        .where(AuditEvent.data_subject_id == duplicate_id)
        .values(data_subject_id=survivor_id)
    )
    named_already = select(ExportRunContact.run_id).where(
        ExportRunContact.contact_id == survivor_id
    )
    db.session.execute(
        delete(ExportRunContact).where(
            ExportRunContact.contact_id == duplicate_id,
            ExportRunContact.run_id.in_(named_already),
        )
    )
    db.session.execute(
        update(ExportRunContact)
        .where(ExportRunContact.contact_id == duplicate_id)
        .values(contact_id=survivor_id)
    )
