"""Data protection in the model (DSGVO): which columns hold personal data, and the record
of each consent a contact gave.

A column that holds personal data says so in its `info` (`info=personal(...)`), with the
category of data and of persons; the processing record (Art. 30) is generated from these
tags, and a test makes sure that no column is left unclassified.
"""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from crm.database import Base
from crm.models.base import UTCDateTime, utcnow
from crm.models.enums import PUBLISHED_ENUMS, LabelledEnum


class DataCategory(LabelledEnum):
    identity = "identity", "Name und Anrede", "name and salutation"
    contact_details = "contact_details", "Kontaktdaten", "contact details"
    professional = "professional", "Berufliche Angaben", "professional details"
    consent = "consent", "Einwilligung", "consent"
    free_text = "free_text", "Freitext (kann Namen enthalten)", "free text (may hold names)"
    change_history = "change_history", "Änderungsprotokoll", "change history"
    user_identity = "user_identity", "Kennung der Bearbeitenden", "user identity"
    exports = "exports", "Gespeicherte Exporte", "stored exports"


class DataSubjects(LabelledEnum):
    contact_persons = (
        "contact_persons",
        "Ansprechpersonen bei Kooperationspartnern",
        "contact persons at partners",
    )
    staff = "staff", "Mitarbeitende der Verwaltung (Bearbeitende)", "staff who edit records"


class ConsentPurpose(LabelledEnum):
    """What a person consented to; recorded with each consent (Art. 7 DSGVO)."""

    cooperation = (
        "cooperation",
        "Kontaktpflege in der Zusammenarbeit",
        "keeping in touch for the cooperation",
    )
    steering_groups = (
        "steering_groups",
        "Gremienarbeit: Einladungen, Protokolle, Mitgliederlisten",
        "steering group work: invitations, minutes, member lists",
    )
    reports = (
        "reports",
        "Nennung in Berichten und Verzeichnissen",
        "being named in reports and directories",
    )


PUBLISHED_ENUMS.update(consent_purpose=ConsentPurpose)


def personal(
    category: DataCategory, subjects: DataSubjects = DataSubjects.contact_persons
) -> dict[str, Any]:
    """The `info` of a column that holds personal data."""
    return {"personal": True, "category": category, "subjects": subjects}


class ConsentRecord(Base):
    """One consent as given: when, how, to what, on which text; and its withdrawal.

    The contact's `consent_*` fields show the consent in force; these rows are its history,
    kept until the person's data is erased (they are proof of consent, Art. 7 Abs. 1).
    """

    __tablename__ = "consent_records"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    contact_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    given_on: Mapped[date] = mapped_column(info=personal(DataCategory.consent))
    source: Mapped[str] = mapped_column(String(200), info=personal(DataCategory.consent))
    purposes: Mapped[list[str]] = mapped_column(JSON, default=list)
    text_version: Mapped[str | None] = mapped_column(String(50))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
