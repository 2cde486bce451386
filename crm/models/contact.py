"""Contact (Ansprechperson): a person, usually working at a partner. Personal data (DSGVO)."""

import uuid
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    and_,
    event,
    func,
    or_,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.database import Base
from crm.matching.records import name_sound
from crm.models.base import Resource, Searchable, UTCDateTime, enum_column
from crm.models.enums import ContactStatus, LegalBasis, Salutation
from crm.models.privacy import ConsentRecord, DataCategory, personal

IDENTITY = personal(DataCategory.identity)
CONTACT_DETAILS = personal(DataCategory.contact_details)
PROFESSIONAL = personal(DataCategory.professional)
CONSENT = personal(DataCategory.consent)


class Contact(Resource, Searchable, Base):
    __tablename__ = "contacts"
    __search_fields__ = ("given_name", "family_name", "email", "function")
    __sort_name_field__ = "sort_label"

    salutation: Mapped[Salutation | None] = mapped_column(enum_column(Salutation), info=IDENTITY)
    title: Mapped[str | None] = mapped_column(String(50), info=IDENTITY)
    given_name: Mapped[str | None] = mapped_column(String(100), info=IDENTITY)
    family_name: Mapped[str] = mapped_column(String(100), info=IDENTITY)
    # The key of the family name (`crm.matching.people.sound_key`), kept from it: the
    # duplicate check on create reads the contacts that may agree through this index.
    family_sound: Mapped[str | None] = mapped_column(String(100), index=True, info=IDENTITY)
    function: Mapped[str | None] = mapped_column(String(200), info=PROFESSIONAL)
    partner_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("partners.id"), index=True, info=PROFESSIONAL
    )
    email: Mapped[str | None] = mapped_column(String(254), info=CONTACT_DETAILS)
    # Indexed, as the e-mail address is (below), for the duplicate check on create.
    phone: Mapped[str | None] = mapped_column(String(50), index=True, info=CONTACT_DETAILS)
    mobile: Mapped[str | None] = mapped_column(String(50), index=True, info=CONTACT_DETAILS)
    preferred_language: Mapped[str | None] = mapped_column(String(3), info=CONTACT_DETAILS)
    notes: Mapped[str | None] = mapped_column(Text, info=personal(DataCategory.free_text))
    status: Mapped[ContactStatus] = mapped_column(
        enum_column(ContactStatus), default=ContactStatus.active, index=True
    )
    legal_basis: Mapped[LegalBasis] = mapped_column(enum_column(LegalBasis), index=True)
    consent_given_on: Mapped[date | None] = mapped_column(info=CONSENT)
    consent_source: Mapped[str | None] = mapped_column(String(200), info=CONSENT)
    consent_purposes: Mapped[list[str]] = mapped_column(JSON, default=list)
    consent_text_version: Mapped[str | None] = mapped_column(String(50))
    consent_withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_on: Mapped[date | None] = mapped_column(index=True)
    # Set by the retention rules (crm.privacy.retention): when the data is due for erasure.
    retain_until: Mapped[date | None] = mapped_column(index=True)
    # A tombstone: the personal data is erased (Art. 17 DSGVO); the row stays so that
    # memberships and agreement parties keep an anonymous placeholder.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    employments: Mapped[list["Employment"]] = relationship(
        back_populates="contact",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Employment.start_date",
    )
    consent_records: Mapped[list[ConsentRecord]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by=ConsentRecord.recorded_at
    )

    @hybrid_property
    def not_erased(self) -> bool:
        """Not a tombstone: an erased contact (Art. 17 DSGVO) has no name to list, search,
        import into or match."""
        return self.erased_at is None

    @not_erased.inplace.expression
    @classmethod
    def _not_erased(cls):
        return cls.erased_at.is_(None)

    @hybrid_property
    def legal_basis_valid(self) -> bool:
        """Whether the data may be kept and shown: not erased, and consent not withdrawn."""
        return self.not_erased and not (
            self.legal_basis == LegalBasis.consent and self.consent_withdrawn_at is not None
        )

    @legal_basis_valid.inplace.expression
    @classmethod
    def _legal_basis_valid(cls):
        return and_(
            cls.not_erased,
            or_(cls.legal_basis != LegalBasis.consent, cls.consent_withdrawn_at.is_(None)),
        )

    @property
    def sort_label(self) -> str:
        return f"{self.family_name} {self.given_name or ''}"


# Addresses are compared case-insensitively.
Index("ix_contacts_lower_email", func.lower(Contact.email))


@event.listens_for(Contact, "before_insert")
@event.listens_for(Contact, "before_update")
def _refresh_family_sound(_mapper, _connection, contact: Contact) -> None:
    contact.family_sound = name_sound(contact.family_name or "") or None


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
    function: Mapped[str | None] = mapped_column(String(200), info=PROFESSIONAL)
    start_date: Mapped[date]
    end_date: Mapped[date | None]

    contact: Mapped[Contact] = relationship(back_populates="employments")


# The search columns are copies of the names: personal data like the names themselves.
for _column in ("search_text", "sort_name"):
    Contact.__table__.c[_column].info.update(IDENTITY)
