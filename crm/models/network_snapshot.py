"""Betweenness computed ahead of time for the network analysis (issue 5).

Exact betweenness of a district's network takes seconds, longer than a request may:
`flask crm network refresh` computes it and keeps it here. A snapshot belongs to one
`shape` of the network, a digest of its nodes and ties: a request uses it only while the
network it reads has exactly that shape, so stored figures are never stale, whatever
changed the data (an edit, an import, or just a new day ending a membership).
"""

import uuid
from datetime import date, datetime

from sqlalchemy import LargeBinary, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from crm.database import Base
from crm.models.base import UTCDateTime


class NetworkSnapshot(Base):
    __tablename__ = "network_snapshots"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    shape: Mapped[str] = mapped_column(String(64), unique=True)
    as_of: Mapped[date]  # the day of the network it was computed for
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    method: Mapped[str] = mapped_column(String(20))
    samples: Mapped[int | None]
    # One little-endian float64 per node, in the network's order of nodes (the shape's).
    betweenness: Mapped[bytes] = mapped_column(LargeBinary)
