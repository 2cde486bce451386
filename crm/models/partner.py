"""Partner (Kooperationspartner, Akteur): an organisation the municipality cooperates with."""

from sqlalchemy import JSON, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.database import Base
from crm.matching.records import mail_domain, website_host
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
    phone: Mapped[str | None] = mapped_column(String(50), index=True)
    # What the duplicate check looks a new partner's likely twins up by
    # (crm.duplicates.detection), kept from `email` and `website` on every flush and
    # indexed, so that the check reads a few rows instead of the whole table.
    mail_domain: Mapped[str | None] = mapped_column(String(254), index=True)
    web_host: Mapped[str | None] = mapped_column(String(500), index=True)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    external_ids: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    notes: Mapped[str | None] = mapped_column(Text)

    municipalities: Mapped[list[Municipality]] = relationship(
        secondary=association_table("partners", "municipalities"),
        order_by=Municipality.sort_name,
    )


@event.listens_for(Partner, "before_insert")
@event.listens_for(Partner, "before_update")
def _refresh_lookup_columns(_mapper, _connection, partner: Partner) -> None:
    partner.mail_domain = mail_domain(partner.email)
    partner.web_host = website_host(partner.website)
