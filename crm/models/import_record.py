"""An import (Datenübernahme): who brought which file in when, and what it did.

Only imports that wrote something are recorded: a dry run or a refused file changes
nothing. The rows it created carry `import:<id>` as their actor in the audit trail.
"""

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from crm.database import Base
from crm.models.base import Resource, enum_column
from crm.models.enums import ActorKind, LabelledEnum


class ImportResource(LabelledEnum):
    partners = "partners", "Kooperationspartner", "partners"
    contacts = "contacts", "Ansprechpersonen", "contacts"
    memberships = "memberships", "Mitgliedschaften", "memberships"


class ImportRecord(Resource, Base):
    __tablename__ = "imports"

    actor: Mapped[str] = mapped_column(String(200), index=True)
    actor_kind: Mapped[ActorKind] = mapped_column(enum_column(ActorKind))
    resource: Mapped[ImportResource] = mapped_column(enum_column(ImportResource))
    file_name: Mapped[str] = mapped_column(String(255))
    # Which file it was, to tell it again: the SHA-256 of its bytes, in hex.
    file_sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(default=0)
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)

    dry_run = False

    @property
    def counts(self) -> dict[str, int]:
        """What the import did; an import with an invalid row is not recorded."""
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "skipped": self.skipped,
            "invalid": 0,
        }

    @property
    def audit_actor(self) -> str:
        """The actor of the audit events of the rows this import wrote."""
        return f"import:{self.id}"
