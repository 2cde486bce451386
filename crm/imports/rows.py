"""One row of a list: its cells as the schema's input, validated, and then created,
updated or skipped. Errors name the column as the file names it."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from marshmallow import ValidationError
from sqlalchemy import select

from crm.database import db
from crm.errors import Problem
from crm.http.fields import Ref, RefList, VocabularyCode
from crm.imports.columns import EXTERNAL_ID, Column
from crm.imports.files import Cell
from crm.imports.kinds import REFERENCED, Existing, Kind
from crm.imports.references import Lookup, References
from crm.imports.storing import store_new
from crm.imports.values import as_text, converted
from crm.records import audit
from crm.records.items import apply_changes
from crm.records.merging import raise_if_merged
from crm.records.write_rules import apply_write_rules

Action = Literal["create", "update", "skip", "invalid"]
DEFAULT_SCHEME = "external"


@dataclass
class RowOutcome:
    row: int
    action: Action
    id: uuid.UUID | None = None
    reason: str | None = None
    errors: dict[str, list[str]] | None = None


class RowImporter:
    """Imports the rows of one file, a batch at a time, into one transaction."""

    def __init__(self, kind: Kind, columns: list[Column], width: int, allow_duplicates: bool):
        self.kind = kind
        self.columns = columns
        self.width = width
        self.allow_duplicates = allow_duplicates
        self.references = References()
        self.existing: Existing = kind.existing()
        self.headers = {column.field: column.header for column in columns}
        if EXTERNAL_ID in self.headers:
            self.headers["external_ids"] = self.headers[EXTERNAL_ID]
        self.created_by_row: dict[str, int] = {}
        # Created by the batch's rows, stored at its end (crm.imports.storing), by id.
        self.created: dict[uuid.UUID, Any] = {}
        self.flush: Callable[[], None] = lambda: None
        self.held: dict[uuid.UUID, Any] = {}

    def import_batch(
        self, rows: list[tuple[int, list[Cell]]], flush: Callable[[], None]
    ) -> list[RowOutcome]:
        """Import some rows, then write what they created (`flush`) and record it."""
        self.flush = flush
        read = [(number, *self._read(cells)) for number, cells in rows]
        self._prefetch([data for _, data, _, errors in read if not errors])
        self._hold_updated(read)
        outcomes = [self._import(*row) for row in read]
        self._store()
        return outcomes

    def _store(self) -> None:
        """Write what the rows so far changed and created, and record it."""
        self.flush()
        created = list(self.created.values())
        store_new(db.session, created)
        # Recorded once stored: the audit trail shows the defaults filled in.
        audit.record_creations(created)
        self.created.clear()

    def _import(self, number: int, data: dict, record_id: uuid.UUID | None, errors: dict):
        if errors:
            return RowOutcome(number, "invalid", errors=errors)
        try:
            existing = self._existing(record_id, data)
            if existing is not None:
                return self._update(number, existing, data)
            return self._create(number, data)
        except ValidationError as error:
            return RowOutcome(number, "invalid", errors=self._by_column(error.messages))
        except Problem as problem:  # a rule beyond the schema (consent needs a date, ...)
            errors = self._by_column(problem.errors or {"_row": [problem.detail]})
            return RowOutcome(number, "invalid", errors=errors)

    def _prefetch(self, rows: list[dict[str, Any]]) -> None:
        """The records a batch refers to that no batch before it did, read in one query
        per kind and held until the import ends: the schema's check of each reference
        then finds them in the session (30,000 contacts name each of 10,000 partners
        about three times; each is read once). So are the topics and target groups
        that rows list."""
        for name, field in self.kind.schema.load_fields.items():
            if isinstance(field, Ref):
                self._hold(field.model, {uuid.UUID(row[name]) for row in rows if row.get(name)})
            elif isinstance(field, RefList):
                listed = {uuid.UUID(i) for row in rows for i in row.get(name) or ()}
                self._hold(field.model, listed)

    def _hold_updated(self, read: list[tuple]) -> None:
        """The stored records the batch's rows update, by id or by what identifies them,
        read in one query: `_existing` then finds them in the session."""
        ids = set()
        for _, data, record_id, errors in read:
            if not errors:
                found = [record_id] if record_id else self.existing.identify(data)
                ids.update(found if len(found) == 1 else ())
        self._hold(self.kind.model, ids)

    def _hold(self, model: type, ids: set[uuid.UUID]) -> None:
        """Reads the records not held yet, in one query, and holds them until the import
        ends (the session alone would let go of those it does not change)."""
        ids -= self.held.keys()
        if ids:
            for record in db.session.scalars(select(model).where(model.id.in_(ids))):
                self.held[record.id] = record

    def _read(self, cells: list[Cell]) -> tuple[dict[str, Any], uuid.UUID | None, dict]:
        data: dict[str, Any] = {}
        record_id, errors = None, {}
        for column in self.columns:
            cell = cells[column.index] if column.index < len(cells) else None
            try:
                text = as_text(cell, column.field)
                if text is None:
                    continue
                if column.field == "id":
                    record_id = _uuid(text)
                elif column.field == EXTERNAL_ID:
                    scheme = column.target.partition(":")[2] or DEFAULT_SCHEME
                    data.setdefault("external_ids", []).append({"scheme": scheme, "value": text})
                else:
                    data[column.field] = self._value(column.field, text)
            except ValidationError as error:
                errors[column.header] = _messages(error.messages)
        if any(cell not in (None, "") for cell in cells[self.width :]):
            errors["_row"] = ["More values than the file has columns."]
        return data, record_id, errors

    def _value(self, name: str, text: str) -> Any:
        if name in REFERENCED:
            return self._lookup(REFERENCED[name]).resolve(text)
        schema_field = self.kind.schema.load_fields.get(name)
        if isinstance(schema_field, RefList):
            lookup = self.references.vocabulary(schema_field.model)
            return [lookup.resolve(item) for item in converted(schema_field, text)]
        if isinstance(schema_field, VocabularyCode):
            return self.references.partner_kind(text)
        return converted(schema_field, text)

    def _lookup(self, model: type) -> Lookup:
        return getattr(self.references, model.__tablename__)

    def _existing(self, record_id: uuid.UUID | None, data: dict[str, Any]) -> Any:
        if record_id is not None:
            record = db.session.get(self.kind.model, record_id)
            if record is None:
                raise_if_merged(self.kind.model, record_id)
                raise ValidationError({"id": [f"There is no {self._label} {record_id}."]})
            if getattr(record, "erased_at", None):
                raise ValidationError({"id": ["The person's data was erased (Art. 17 DSGVO)."]})
            return record
        found = self.existing.identify(data)
        if len(found) > 1:
            raise ValidationError(
                {"_row": [f"{len(found)} stored {self._label}s match this row: add an id column."]}
            )
        if not found:
            return None
        if found[0] in self.created:  # made by an earlier row of this batch: store it first
            self._store()
        return db.session.get(self.kind.model, found[0])

    def _create(self, number: int, data: dict[str, Any]) -> RowOutcome:
        outside = self._outside_schema(data)
        loaded = self.kind.schema.load(data) | outside
        record_id = uuid.uuid4()
        entry = self.existing.entry(record_id, loaded)
        likely = [] if self.allow_duplicates else self.existing.likely(entry)
        if likely:
            return RowOutcome(number, "skip", reason=self._duplicate_reason(likely[0]))
        record = self.kind.model(id=record_id, **loaded)
        # Stored with its batch past the write path (crm.imports.storing): its rules here.
        apply_write_rules(record)
        self.created[record_id] = record
        self.existing.add(record_id, entry)
        self.created_by_row[str(record.id)] = number
        return RowOutcome(number, "create", id=record.id)

    def _update(self, number: int, record: Any, data: dict[str, Any]) -> RowOutcome:
        outside = self._outside_schema(data)
        loaded = self.kind.patch_schema.load(data) | outside
        if "external_ids" in loaded:
            known = record.external_ids or []
            loaded["external_ids"] = known + [e for e in loaded["external_ids"] if e not in known]
        changes = {k: v for k, v in loaded.items() if getattr(record, k) != v}
        if not changes:
            return RowOutcome(number, "skip", id=record.id, reason="Nothing to change.")
        apply_changes(record, changes)
        return RowOutcome(number, "update", id=record.id)

    def _outside_schema(self, data: dict[str, Any]) -> dict[str, uuid.UUID]:
        """Takes the references the schema does not load (a membership's group) out of
        `data`: resolved already, they are ids."""
        targets = self.kind.extra_targets & data.keys()
        return {name: uuid.UUID(data.pop(name)) for name in targets}

    def _duplicate_reason(self, match) -> str:
        row = self.created_by_row.get(match.second)
        same_as = f"row {row}" if row else f"the stored {self._label} {match.second}"
        return f"Very likely the same as {same_as} ({', '.join(match.reasons)}); not created."

    @property
    def _label(self) -> str:
        return self.kind.resource.value.removesuffix("s")

    def _by_column(self, messages: dict | list) -> dict[str, list[str]]:
        """Schema messages by field, as messages by the file's column header."""
        if isinstance(messages, list):
            return {"_row": _messages(messages)}
        return {
            self.headers.get(str(name).split(".")[0], str(name)): _messages(value)
            for name, value in messages.items()
        }


def _uuid(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise ValidationError("Not a valid id (a UUID).") from None


def _messages(messages: Any) -> list[str]:
    if isinstance(messages, str):
        return [messages]
    if isinstance(messages, dict):
        return [m for value in messages.values() for m in _messages(value)]
    return [m for value in messages for m in _messages(value)]
