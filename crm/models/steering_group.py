"""Steering group (Steuerungsgruppe, Netzwerk, Arbeitskreis, ...) and its memberships."""

import uuid
from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.database import Base
from crm.models.base import Resource, Searchable, enum_column
from crm.models.enums import MembershipRole, SteeringGroupKind, SteeringGroupStatus
from crm.models.vocabulary import Classified


class SteeringGroup(Resource, Searchable, Classified, Base):
    __tablename__ = "steering_groups"
    __search_fields__ = ("name", "short_name", "purpose", "funding_programme")
    __spans__ = (("founded_on", "dissolved_on"),)
    __table_args__ = (
        CheckConstraint(
            "dissolved_on IS NULL OR founded_on IS NULL OR dissolved_on >= founded_on",
            name="dissolved_after_founded",
        ),
    )

    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str | None] = mapped_column(String(50))
    kind: Mapped[SteeringGroupKind] = mapped_column(enum_column(SteeringGroupKind), index=True)
    purpose: Mapped[str | None] = mapped_column(Text)
    status: Mapped[SteeringGroupStatus] = mapped_column(
        enum_column(SteeringGroupStatus), default=SteeringGroupStatus.active, index=True
    )
    founded_on: Mapped[date | None]
    dissolved_on: Mapped[date | None]
    funding_programme: Mapped[str | None] = mapped_column(String(200))
    coordinating_partner_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("partners.id"), index=True
    )
    coordinating_contact_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("contacts.id"), index=True
    )
    notes: Mapped[str | None] = mapped_column(Text)


class Membership(Resource, Base):
    """A partner in a steering group, represented by a contact, with a role and a time span."""

    __tablename__ = "memberships"
    __spans__ = (("start_date", "end_date"),)
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_after_start"),
    )

    steering_group_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("steering_groups.id"), index=True
    )
    partner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("partners.id"), index=True)
    contact_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    deputy_contact_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("contacts.id"), index=True
    )
    role: Mapped[MembershipRole] = mapped_column(enum_column(MembershipRole), index=True)
    voting_right: Mapped[bool] = mapped_column(default=True)
    start_date: Mapped[date] = mapped_column(index=True)
    end_date: Mapped[date | None] = mapped_column(index=True)
    notes: Mapped[str | None] = mapped_column(Text)

    steering_group: Mapped[SteeringGroup] = relationship()
