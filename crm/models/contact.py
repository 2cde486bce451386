"""Contact (Ansprechperson): a person, usually working at a partner. Personal data (DSGVO)."""

import uuid
from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.database import Base
from crm.models.base import Resource, Searchable, enum_column
from crm.models.enums import ContactStatus, LegalBasis, Salutation


class Contact(Resource, Searchable, Base):
    __tablename__ = "contacts"
    __search_fields__ = ("given_name", "family_name", "email", "function")
    __sort_name_field__ = "sort_label"

    salutation: Mapped[Salutation | None] = mapped_column(enum_column(Salutation))
    title: Mapped[str | None] = mapped_column(String(50))
    given_name: Mapped[str | None] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    function: Mapped[str | None] = mapped_column(String(200))
    partner_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("partners.id"), index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(50))
    mobile: Mapped[str | None] = mapped_column(String(50))
    preferred_language: Mapped[str | None] = mapped_column(String(3))
    notes: Mapped[str | None] = mapped_column(Text)
    status: Mapped[ContactStatus] = mapped_column(
        enum_column(ContactStatus), default=ContactStatus.active, index=True
    )
    legal_basis: Mapped[LegalBasis] = mapped_column(enum_column(LegalBasis), index=True)
    consent_given_on: Mapped[date | None]
    consent_source: Mapped[str | None] = mapped_column(String(200))
    review_on: Mapped[date | None] = mapped_column(index=True)

    employments: Mapped[list["Employment"]] = relationship(
        back_populates="contact",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Employment.start_date",
    )

    @property
    def sort_label(self) -> str:
        return f"{self.family_name} {self.given_name or ''}"


class Employment(Base):
    """Where a contact worked when: the history kept when a contact changes employer."""

    __tablename__ = "employments"
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_after_start"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    contact_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("partners.id"), index=True)
    function: Mapped[str | None] = mapped_column(String(200))
    start_date: Mapped[date]
    end_date: Mapped[date | None]

    contact: Mapped[Contact] = relationship(back_populates="employments")
