"""Meeting (Sitzung) of a steering group: attendance, decisions (Beschlüsse), action items."""

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.database import Base
from crm.models.base import Resource, UTCDateTime, enum_column
from crm.models.enums import PUBLISHED_ENUMS, LabelledEnum
from crm.models.steering_group import SteeringGroup


class MeetingStatus(LabelledEnum):
    planned = "planned", "geplant", "planned"
    held = "held", "durchgeführt", "held"
    cancelled = "cancelled", "abgesagt", "cancelled"


class AttendanceStatus(LabelledEnum):
    present = "present", "anwesend", "present"
    excused = "excused", "entschuldigt", "excused"
    absent = "absent", "unentschuldigt abwesend", "absent"


class ActionItemStatus(LabelledEnum):
    open = "open", "offen", "open"
    in_progress = "in_progress", "in Bearbeitung", "in progress"
    done = "done", "erledigt", "done"
    cancelled = "cancelled", "entfallen", "cancelled"

    @property
    def is_open(self) -> bool:
        return self in (ActionItemStatus.open, ActionItemStatus.in_progress)


PUBLISHED_ENUMS.update(
    meeting_status=MeetingStatus,
    attendance_status=AttendanceStatus,
    action_item_status=ActionItemStatus,
)


class Meeting(Resource, Base):
    __tablename__ = "meetings"
    __spans__ = (("starts_at", "ends_at"),)
    __table_args__ = (
        CheckConstraint("ends_at IS NULL OR ends_at >= starts_at", name="ends_after_starts"),
    )

    steering_group_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("steering_groups.id"), index=True
    )
    title: Mapped[str | None] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    place: Mapped[str | None] = mapped_column(String(300))
    agenda: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[MeetingStatus] = mapped_column(
        enum_column(MeetingStatus), default=MeetingStatus.planned, index=True
    )
    notes: Mapped[str | None] = mapped_column(Text)

    steering_group: Mapped[SteeringGroup] = relationship()
    attendance: Mapped[list["Attendance"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="Attendance.position"
    )
    decisions: Mapped[list["Decision"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="Decision.position"
    )


class MeetingEntry:
    """A line of a meeting's record, owned by the meeting and kept in the order given."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    meeting_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)


class Attendance(MeetingEntry, Base):
    """Whether a member partner, and which of its contacts, attended a meeting."""

    __tablename__ = "meeting_attendances"

    partner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("partners.id"), index=True)
    contact_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    status: Mapped[AttendanceStatus] = mapped_column(enum_column(AttendanceStatus))


class Decision(MeetingEntry, Base):
    """A Beschluss taken at a meeting."""

    __tablename__ = "meeting_decisions"

    reference: Mapped[str | None] = mapped_column(String(50))
    text: Mapped[str] = mapped_column(Text)


class ActionItem(Resource, Base):
    """What was agreed to be done at a meeting, by whom and by when (Aufgabe)."""

    __tablename__ = "action_items"

    meeting_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(500))
    responsible_partner_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("partners.id"), index=True
    )
    responsible_contact_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("contacts.id"), index=True
    )
    due_on: Mapped[date | None] = mapped_column(index=True)
    status: Mapped[ActionItemStatus] = mapped_column(
        enum_column(ActionItemStatus), default=ActionItemStatus.open, index=True
    )
    notes: Mapped[str | None] = mapped_column(Text)

    meeting: Mapped[Meeting] = relationship()
