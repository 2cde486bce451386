"""Importing a list (Datenübernahme): every row, or none.

Every valid row is written as it is read, in the caller's transaction; the caller commits
or, for a dry run, rolls back, so that the report of a dry run is exactly what the import
would do. Without a dry run, one invalid row makes the whole import a 422 and nothing
stays. Rows are written with `import:<id>` as their actor, so that the audit trail shows
them as created by the import, and the import records who ran it.
"""

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import PurePath
from typing import IO

from flask import g

from crm.collector import collector_paused
from crm.database import db
from crm.errors import InvalidInput
from crm.imports.columns import map_columns
from crm.imports.files import CHUNK, read_sheet, unreadable
from crm.imports.kinds import KINDS
from crm.imports.rows import RowImporter, RowOutcome
from crm.models import ImportRecord
from crm.models.import_record import ImportResource
from crm.records import audit

# Errors named in a refused import's 422, at most (the dry run reports every row).
MAX_ERRORS = 200
BATCH = 500


@dataclass
class ImportReport:
    resource: ImportResource
    file_name: str
    file_sha256: str
    dry_run: bool
    ignored_columns: list[str]
    outcomes: list[RowOutcome] = field(default_factory=list)
    record: ImportRecord | None = None

    @property
    def counts(self) -> dict[str, int]:
        actions = Counter(outcome.action for outcome in self.outcomes)
        return {"rows": len(self.outcomes)} | {
            name: actions[action]
            for name, action in (
                ("created", "create"),
                ("updated", "update"),
                ("skipped", "skip"),
                ("invalid", "invalid"),
            )
        }

    def __getattr__(self, name: str):
        # id, actor, created_at, ...: the record's, once the import is recorded.
        if name.startswith("_") or self.record is None:
            raise AttributeError(name)
        return getattr(self.record, name)


def import_file(
    stream: IO[bytes],
    file_name: str,
    resource: ImportResource,
    *,
    mapping: dict[str, str | None] | None = None,
    dry_run: bool = False,
    allow_duplicates: bool = False,
    progress: Callable[[int], None] = lambda rows: None,
) -> ImportReport:
    """Read, validate and write every row; flushes, the caller commits (or rolls back)."""
    kind = KINDS[resource]
    report = ImportReport(resource, _base_name(file_name), _sha256(stream), dry_run, [])
    sheet = read_sheet(stream, file_name)
    columns, report.ignored_columns = map_columns(
        sheet.headers, resource, kind.targets, mapping or {}, kind.required
    )
    importer = RowImporter(kind, columns, len(sheet.headers), allow_duplicates)
    record = _recorded(report)
    with _acting_as(record.audit_actor), _batched() as flush, collector_paused():
        for rows in _batches(sheet.rows):
            report.outcomes += importer.import_batch(rows, flush)
            progress(len(rows))
    if not report.outcomes:
        raise unreadable("It has no rows below the header.")
    _count(record, report.counts)
    invalid = [outcome for outcome in report.outcomes if outcome.action == "invalid"]
    if invalid and not dry_run:
        raise InvalidInput(
            f"{len(invalid)} of {len(report.outcomes)} rows are invalid, so nothing was imported. "
            "Correct them, or send the file with dry_run=true for a report of every row.",
            errors=_errors_by_row(invalid),
        )
    if dry_run:
        for outcome in report.outcomes:
            if outcome.action == "create":
                outcome.id = None  # made up: the dry run keeps nothing
    else:
        report.record = record
    return report


def _recorded(report: ImportReport) -> ImportRecord:
    actor, actor_kind = audit.current_actor()
    record = ImportRecord(
        actor=actor,
        actor_kind=actor_kind,
        resource=report.resource,
        file_name=report.file_name,
        file_sha256=report.file_sha256,
    )
    db.session.add(record)
    db.session.flush()
    return record


def _count(record: ImportRecord, counts: dict[str, int]) -> None:
    for name in ("rows", "created", "updated", "skipped"):
        setattr(record, name, counts[name])
    db.session.flush()


@contextmanager
def _acting_as(actor: str) -> Iterator[None]:
    """The audit trail names the import as the actor of what its rows write."""
    caller = g.get("actor")
    g.actor = actor
    try:
        yield
    finally:
        g.actor = caller


def _batches(rows: Iterable) -> Iterator[list]:
    rows = iter(rows)
    while batch := list(islice(rows, BATCH)):
        yield batch


@contextmanager
def _batched() -> Iterator[Callable[[], None]]:
    """Rows are written a batch at a time: queries do not flush what the rows before
    them wrote, and the flushes the write rules ask for wait for the batch's end (the
    returned flush), so that a batch costs one INSERT per table, not one per row."""
    session = db.session
    with session.no_autoflush:
        flush = session.flush
        session.flush = lambda objects=None: None  # deferred to `flush` at the batch's end
        try:
            yield flush
        finally:
            del session.flush


def _errors_by_row(invalid: list[RowOutcome]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for outcome in invalid:
        for column, messages in (outcome.errors or {}).items():
            if len(errors) == MAX_ERRORS:
                return errors | {"_more": ["Further errors: see the report of a dry run."]}
            errors[f"rows.{outcome.row}.{column}"] = messages
    return errors


def _sha256(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def _base_name(file_name: str) -> str:
    """The name without any folder a browser sent along, as long as it may be."""
    return PurePath(file_name.replace("\\", "/")).name[:255] or "upload"
