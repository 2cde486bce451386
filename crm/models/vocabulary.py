"""Managed vocabularies: lists that administrators extend, with German and English labels."""

from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from crm.database import Base
from crm.models.base import Resource, Searchable, singular


class Vocabulary(Resource, Searchable):
    __search_fields__ = ("code", "label_de", "label_en")
    __sort_name_field__ = "label_de"

    code: Mapped[str] = mapped_column(String(60), unique=True)
    label_de: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)


class Topic(Vocabulary, Base):
    """Handlungsfeld / Themenschwerpunkt."""

    __tablename__ = "topics"


class TargetGroup(Vocabulary, Base):
    """Zielgruppe."""

    __tablename__ = "target_groups"


class Municipality(Vocabulary, Base):
    """A town or member municipality (Stadt, Gemeinde) of the district."""

    __tablename__ = "municipalities"


class PartnerKind(Vocabulary, Base):
    """The kind of a partner (chamber, migrant organisation, job centre, ...)."""

    __tablename__ = "partner_kinds"


def association_table(owner_table: str, vocabulary_table: str) -> Table:
    """A link table between a resource and a vocabulary, owned by the resource."""
    owner = singular(owner_table)
    return Table(
        f"{owner}_{vocabulary_table}",
        Base.metadata,
        Column(
            f"{owner}_id",
            ForeignKey(f"{owner_table}.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        Column(
            f"{singular(vocabulary_table)}_id",
            ForeignKey(f"{vocabulary_table}.id"),
            primary_key=True,
            index=True,
        ),
    )


class Classified:
    """What a resource works on (topics, Handlungsfelder) and for whom (target groups,
    Zielgruppen), each through a link table of its own."""

    @declared_attr
    def topics(cls) -> Mapped[list[Topic]]:
        return relationship(
            secondary=association_table(cls.__tablename__, "topics"), order_by=Topic.sort_name
        )

    @declared_attr
    def target_groups(cls) -> Mapped[list[TargetGroup]]:
        return relationship(
            secondary=association_table(cls.__tablename__, "target_groups"),
            order_by=TargetGroup.sort_name,
        )
