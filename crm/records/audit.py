"""The audit trail (Änderungsprotokoll): one event per create, change, archive, delete,
erasure and merge.

`crm.records.items` calls these functions on its one write path, so every event is written
in the transaction of the change it records. Values are kept as the API shows them
(enumeration values, ISO dates, ids as strings; linked records as `topic_ids`), so that
they read back from JSON as they were.
"""

import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any

from flask import g
from sqlalchemy import ColumnElement, inspect, or_, select
from sqlalchemy.orm import ColumnProperty, RelationshipProperty, Session
from sqlalchemy.orm.attributes import instance_dict

from crm.database import db, insert_rows
from crm.models import AgreementParty, AuditEvent, Contact, Membership
from crm.models.base import singular, utcnow
from crm.models.change import record_changes
from crm.models.enums import ActorKind, AuditAction

# Bookkeeping every record has, and copies kept from other columns (for searching and
# the duplicate check); an event is about what people changed. A webhook's signing
# secrets must not be readable from the trail.
NOT_AUDITED = frozenset(
    {"id", "created_at", "updated_at", "version", "secret", "previous_secret"}
    | {"search_text", "sort_name", "mail_domain", "web_host", "family_sound"}
)
# Records that belong to another one: their events show in the owner's history too.
PARENT_IDS: dict[type, str] = {Membership: "steering_group_id", AgreementParty: "agreement_id"}
ARCHIVED = "archived"


def record_creation(record: Any) -> None:
    _add_event(AuditAction.create, record, _created(record))


def record_creations(records: Iterable[Any]) -> None:
    """`record_creation` for many stored records at once (a batch of an import): their
    events, and the changes of the feed, are inserted with one statement each."""
    events = [_event(AuditAction.create, record, _created(record)) for record in records]
    if events:
        connection = db.session.connection()
        insert_rows(connection, AuditEvent.__table__, events)
        record_changes(connection, events)


@contextmanager
def recording_change(record: Any, attributes: Iterable[str]) -> Iterator[None]:
    """Around an update of `attributes`: an event with what really changed, if anything."""
    attributes = list(attributes)
    before = audited_values(record, attributes)
    yield
    changes = _changed(before, audited_values(record, attributes))
    if changes:
        archived = changes.get("status", {}).get("new") == ARCHIVED
        _add_event(AuditAction.archive if archived else AuditAction.update, record, changes)


def _changed(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {k: _change(before[k], after[k]) for k in before if before[k] != after[k]}


@contextmanager
def recording_merge(survivor: Any, duplicate: Any, attributes: Iterable[str]) -> Iterator[None]:
    """Around merging `duplicate` into `survivor` (changing the survivor's `attributes`):
    a `merge` event for each. The survivor's names what changed and the duplicate; the
    duplicate's keeps its last values, names the survivor and, having the survivor as its
    parent, shows in the survivor's history."""
    attributes = list(attributes)
    before = audited_values(survivor, attributes)
    merged_away = _deleted(duplicate)
    yield
    changes = _changed(before, audited_values(survivor, attributes))
    _add_event(
        AuditAction.merge, survivor, changes | {"duplicate_id": _change(None, str(duplicate.id))}
    )
    _add_event(
        AuditAction.merge,
        duplicate,
        merged_away | {"survivor_id": _change(None, str(survivor.id))},
        parent_id=survivor.id,
    )


def record_deletion(record: Any) -> None:
    _add_event(AuditAction.delete, record, _deleted(record))


def _deleted(record: Any) -> dict[str, Any]:
    """Each value the record holds, changed to nothing."""
    return {k: _change(v, None) for k, v in audited_values(record).items()}


def record_erasure(record: Any) -> None:
    """The erasure of a person's data (Art. 17 DSGVO): the action, the id, who and when;
    no values."""
    _add_event(AuditAction.erase, record, {})


def audited_values(record: Any, attributes: Iterable[str] | None = None) -> dict[str, Any]:
    """`{"name": "...", "topic_ids": [...]}` for the given mapped attributes, or for all
    that people edit; empty values are left out of a full snapshot."""
    columns, links = audited_attributes(type(record))
    full = attributes is None
    # What the record holds already, read as the attribute would, without its machinery:
    # an import records millions of values.
    loaded = instance_dict(record)
    values = {}
    for key in columns + links if full else attributes:
        if key in links:
            linked = getattr(record, key)
            values[f"{singular(key)}_ids"] = sorted(str(other.id) for other in linked)
        elif full or key in columns:
            values[key] = as_json(loaded[key] if key in loaded else getattr(record, key))
    if full:
        values = {k: v for k, v in values.items() if v not in (None, [], {})}
    return values


@cache
def audited_attributes(model: type) -> tuple[list[str], list[str]]:
    """The columns people edit, and the many-to-many links (topics, ...), of a model:
    what the trail records, and what a merge chooses between."""
    attrs = inspect(model).attrs
    columns = [
        key
        for key, prop in attrs.items()
        if isinstance(prop, ColumnProperty) and key not in NOT_AUDITED
    ]
    links = [
        key
        for key, prop in attrs.items()
        if isinstance(prop, RelationshipProperty) and prop.secondary is not None
    ]
    return columns, links


def as_json(value: Any) -> Any:
    """A column's value as JSON shows it, so that it reads back as it was written."""
    if value is None or type(value) in (str, int, bool, float):
        return value  # most values, answered first: an import asks for millions
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [as_json(item) for item in value]
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    return value


def story_of(record_id: uuid.UUID) -> ColumnElement[bool]:
    """The events of a record and of the records that belong to it (its memberships,
    its parties)."""
    return or_(AuditEvent.resource_id == record_id, AuditEvent.parent_id == record_id)


def has_story(record_id: uuid.UUID) -> bool:
    return db.session.scalar(select(AuditEvent.id).where(story_of(record_id)).limit(1)) is not None


def erase_personal_data(session: Session, contact_id: uuid.UUID) -> int:
    """Blank the values in every event about a contact; which fields changed, when and by
    whom stays. Returns how many events were blanked. Flushes; the caller commits."""
    events = session.scalars(
        select(AuditEvent).where(
            AuditEvent.data_subject_id == contact_id,
            AuditEvent.personal_data_erased_at.is_(None),
        )
    ).all()
    for event in events:
        event.changes = {field: _change(None, None) for field in event.changes}
        event.personal_data_erased_at = utcnow()
    session.flush()
    return len(events)


def _change(old: Any, new: Any) -> dict[str, Any]:
    return {"old": old, "new": new}


def _created(record: Any) -> dict[str, Any]:
    return {k: _change(None, v) for k, v in audited_values(record).items()}


def _add_event(
    action: AuditAction, record: Any, changes: dict[str, Any], parent_id: uuid.UUID | None = None
) -> None:
    db.session.add(AuditEvent(**_event(action, record, changes, parent_id)))


def current_actor() -> tuple[str, ActorKind]:
    """Who is acting: the request's caller, else the system (a command, a worker)."""
    return g.get("actor") or "system", g.get("actor_kind") or ActorKind.system


def _event(
    action: AuditAction, record: Any, changes: dict[str, Any], parent_id: uuid.UUID | None = None
) -> dict[str, Any]:
    """An audit event's columns: what happened to `record`, by whom, now."""
    parent = PARENT_IDS.get(type(record))
    if parent_id is None and parent:
        parent_id = getattr(record, parent)
    actor, actor_kind = current_actor()
    return {
        "id": uuid.uuid4(),
        "occurred_at": utcnow(),
        "actor": actor,
        "actor_kind": actor_kind,
        "request_id": g.get("request_id"),
        "resource_type": singular(record.__tablename__),
        "resource_id": record.id,
        "parent_id": parent_id,
        "action": action,
        "changes": changes,
        "data_subject_id": record.id if isinstance(record, Contact) else None,
        "personal_data_erased_at": None,
    }
