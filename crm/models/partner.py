"""Partner (Kooperationspartner, Akteur): an organisation the municipality cooperates with."""

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.database import Base
from crm.models.base import Resource, Searchable, enum_column
from crm.models.enums import PartnerStatus, Sector
from crm.models.vocabulary import Classified, Municipality, association_table


class Partner(Resource, Searchable, Classified, Base):
    __tablename__ = "partners"
    __search_fields__ = ("name", "short_name", "town")
    # Lists filtered by kind are read in name order: one index serves both (and the
    # foreign key), instead of scanning the name index for the rare kinds.
    __table_args__ = (Index("ix_partners_kind_sort_name", "kind", "sort_name", "id"),)

    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str | None] = mapped_column(String(50))
    kind: Mapped[str] = mapped_column(ForeignKey("partner_kinds.code"))
    sector: Mapped[Sector] = mapped_column(enum_column(Sector), index=True)
    status: Mapped[PartnerStatus] = mapped_column(
        enum_column(PartnerStatus), default=PartnerStatus.active, index=True
    )
    street: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    town: Mapped[str | None] = mapped_column(String(100))
    website: Mapped[str | None] = mapped_column(String(500))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(50))
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    external_ids: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    notes: Mapped[str | None] = mapped_column(Text)

    municipalities: Mapped[list[Municipality]] = relationship(
        secondary=association_table("partners", "municipalities"),
        order_by=Municipality.sort_name,
    )
