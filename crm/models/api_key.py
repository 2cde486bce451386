"""API keys: only a hash of each key is stored."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from crm.database import Base
from crm.models.base import Resource, UTCDateTime, enum_column
from crm.models.enums import ApiRole


class ApiKey(Resource, Base):
    __tablename__ = "api_keys"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[ApiRole] = mapped_column(enum_column(ApiRole))
    prefix: Mapped[str] = mapped_column(String(12))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Coarse on purpose (see crm.http.auth): at most one write per key and minute.
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
