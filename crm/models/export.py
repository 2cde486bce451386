"""Scheduled exports (geplante Exporte) of reports, and the record of each run.

A run records which contacts' personal data its file holds (`ExportRunContact`), so that
an erasure can find every stored export that must go with the person.
"""

import uuid
from datetime import datetime

from sqlalchemy import (
    JSON,
    ForeignKey,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    exists,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from crm.database import Base
from crm.models.base import Resource, UTCDateTime, enum_column
from crm.models.enums import PUBLISHED_ENUMS, LabelledEnum


class ReportKind(LabelledEnum):
    steering_group_report = (
        "steering_group_report",
        "Bericht der Steuerungsgruppe",
        "steering group report",
    )
    expiring_agreements = (
        "expiring_agreements",
        "Auslaufende Kooperationsvereinbarungen",
        "expiring agreements",
    )
    partner_directory = "partner_directory", "Partnerverzeichnis", "partner directory"


class Period(LabelledEnum):
    previous_month = "previous_month", "Vormonat", "previous month"
    previous_quarter = "previous_quarter", "Vorquartal", "previous quarter"
    previous_year = "previous_year", "Vorjahr", "previous year"
    year_to_date = "year_to_date", "laufendes Jahr bis heute", "year to date"


class ExportFormat(LabelledEnum):
    json = "json", "JSON", "JSON"
    csv = "csv", "CSV (Excel, Semikolon)", "CSV (semicolon)"
    xlsx = "xlsx", "Excel-Arbeitsmappe", "Excel workbook"
    pdf = "pdf", "PDF", "PDF"


class DateFormat(LabelledEnum):
    iso = "iso", "JJJJ-MM-TT", "yyyy-mm-dd"
    german = "german", "TT.MM.JJJJ", "dd.mm.yyyy"


class ExportDestination(LabelledEnum):
    database = "database", "Ablage zum Herunterladen", "kept for download"
    directory = "directory", "Verzeichnis", "directory"
    email = "email", "E-Mail", "e-mail"


class ExportRunStatus(LabelledEnum):
    succeeded = "succeeded", "erfolgreich", "succeeded"
    failed = "failed", "fehlgeschlagen", "failed"


PUBLISHED_ENUMS.update(
    report_kind=ReportKind,
    report_period=Period,
    export_format=ExportFormat,
    date_format=DateFormat,
    export_destination=ExportDestination,
    export_run_status=ExportRunStatus,
)


class ExportSchedule(Resource, Base):
    __tablename__ = "export_schedules"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    report: Mapped[ReportKind] = mapped_column(enum_column(ReportKind))
    parameters: Mapped[dict] = mapped_column(JSON, default=dict)
    format: Mapped[ExportFormat] = mapped_column(enum_column(ExportFormat))
    date_format: Mapped[DateFormat] = mapped_column(enum_column(DateFormat), default=DateFormat.iso)
    cron: Mapped[str] = mapped_column(String(100))
    time_zone: Mapped[str] = mapped_column(String(64), default="Europe/Berlin")
    destination: Mapped[ExportDestination] = mapped_column(enum_column(ExportDestination))
    directory: Mapped[str | None] = mapped_column(String(200))
    email_recipients: Mapped[list[str]] = mapped_column(JSON, default=list)
    enabled: Mapped[bool] = mapped_column(default=True)
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class ExportRun(Resource, Base):
    """One due time of a schedule. A failed run is retried in place (`attempts`)."""

    __tablename__ = "export_runs"
    __table_args__ = (UniqueConstraint("schedule_id", "due_at"),)

    schedule_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("export_schedules.id", ondelete="CASCADE")
    )
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[ExportRunStatus] = mapped_column(enum_column(ExportRunStatus), index=True)
    attempts: Mapped[int] = mapped_column(default=1)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime)
    file_name: Mapped[str | None] = mapped_column(String(200))
    media_type: Mapped[str | None] = mapped_column(String(100))
    size_bytes: Mapped[int | None]
    checksum_sha256: Mapped[str | None] = mapped_column(String(64))
    delivered_to: Mapped[str | None] = mapped_column(String(500))
    error_message: Mapped[str | None] = mapped_column(Text)

    schedule: Mapped[ExportSchedule] = relationship()
    file: Mapped["ExportRunFile | None"] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    contacts: Mapped[list["ExportRunContact"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )


class ExportRunFile(Base):
    """The file of a run, while it is kept: always for the destination `database`, and
    after a failed delivery, so that nothing is lost before the retry. A table of its own,
    so that listing runs never reads files."""

    __tablename__ = "export_run_files"

    run_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("export_runs.id", ondelete="CASCADE"), primary_key=True
    )
    content: Mapped[bytes] = mapped_column(LargeBinary)


ExportRun.has_file = column_property(
    exists().where(ExportRunFile.run_id == ExportRun.id).correlate_except(ExportRunFile)
)


class ExportRunContact(Base):
    """A contact whose personal data a run's file holds.

    No foreign key to `contacts`, on purpose: the row must outlive the contact, so that
    the erasure of a person still finds the files that name them.
    """

    __tablename__ = "export_run_contacts"

    run_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("export_runs.id", ondelete="CASCADE"), primary_key=True
    )
    contact_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, index=True)
