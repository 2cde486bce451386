"""A partner or contact merged into another: its id keeps answering, with `410 Gone`
and a pointer to the record that survived, so that other systems can follow."""

import uuid
from datetime import datetime

from sqlalchemy import String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from crm.database import Base
from crm.models.base import UTCDateTime, utcnow


class MergedRecord(Base):
    __tablename__ = "merged_records"

    # The id of the record merged away. No foreign keys: the row it named is gone, and
    # the survivor may be merged or deleted later (the pointer is then followed or 404s).
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    resource_type: Mapped[str] = mapped_column(String(60))
    survivor_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    merged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
