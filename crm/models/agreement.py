"""Agreement (Kooperationsvereinbarung, Rahmenvereinbarung, ...) and its parties."""

import uuid
from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.database import Base
from crm.models.base import Resource, Searchable, enum_column
from crm.models.enums import AgreementKind, AgreementStatus, PartyRole
from crm.models.vocabulary import Classified


class Agreement(Resource, Searchable, Classified, Base):
    __tablename__ = "agreements"
    __search_fields__ = ("title", "reference_number")
    __sort_name_field__ = "title"
    __spans__ = (("valid_from", "valid_until"),)
    __table_args__ = (
        CheckConstraint(
            "valid_until IS NULL OR valid_from IS NULL OR valid_until >= valid_from",
            name="valid_until_after_valid_from",
        ),
    )

    title: Mapped[str] = mapped_column(String(300))
    reference_number: Mapped[str | None] = mapped_column(String(100), unique=True)
    kind: Mapped[AgreementKind] = mapped_column(enum_column(AgreementKind), index=True)
    status: Mapped[AgreementStatus] = mapped_column(
        enum_column(AgreementStatus), default=AgreementStatus.draft, index=True
    )
    signed_on: Mapped[date | None]
    valid_from: Mapped[date | None]
    valid_until: Mapped[date | None] = mapped_column(index=True)
    notice_period_days: Mapped[int | None]
    steering_group_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("steering_groups.id"), index=True
    )
    notes: Mapped[str | None] = mapped_column(Text)

    parties: Mapped[list["AgreementParty"]] = relationship(
        back_populates="agreement", passive_deletes=True, order_by="AgreementParty.joined_on"
    )


class AgreementParty(Resource, Base):
    """A partner that is party to an agreement, with its role and time span."""

    __tablename__ = "agreement_parties"
    __spans__ = (("joined_on", "left_on"),)
    __table_args__ = (
        CheckConstraint("left_on IS NULL OR left_on >= joined_on", name="left_after_joined"),
    )

    agreement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("partners.id"), index=True)
    role: Mapped[PartyRole] = mapped_column(enum_column(PartyRole), index=True)
    signatory_contact_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("contacts.id"), index=True
    )
    joined_on: Mapped[date | None]
    left_on: Mapped[date | None]

    agreement: Mapped[Agreement] = relationship(back_populates="parties")
