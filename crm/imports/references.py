"""References in a list by what people write: a contact's partner by its name, short name
or external id ("VR 1234"), a membership's steering group by its name, a person by e-mail
address or name, topics and partner kinds by their German or English label.

Each lookup reads its table's names once per import (ids and names only) and answers every
row from memory: an import of 30,000 contacts asks the database once, not 30,000 times.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable
from functools import cached_property

from marshmallow import ValidationError
from sqlalchemy import select

from crm.database import db
from crm.imports.values import PARENTHESES
from crm.models import Contact, Partner, PartnerKind, SteeringGroup
from crm.models.base import singular
from crm.models.vocabulary import Vocabulary
from crm.text import fold


class Lookup:
    """Ids by folded name; a UUID stands for itself."""

    def __init__(
        self,
        label: str,
        named: Iterable[tuple[uuid.UUID, Iterable[str | None]]],
        listed_at: str = "",
    ):
        self.label = label
        self.listed_at = listed_at
        self.ids: dict[str, set[uuid.UUID]] = defaultdict(set)
        for record_id, names in named:
            self.add(record_id, *names)

    def resolve(self, text: str) -> str:
        """The id, as text, of the one record `text` names."""
        try:
            return str(uuid.UUID(text))
        except ValueError:
            pass
        found = self.ids.get(fold(text).strip(), set())
        if len(found) > 1:
            raise ValidationError(
                f"{len(found)} {self.label}s are called '{text}': use the id instead."
            )
        if not found:
            hint = f": see {self.listed_at}" if self.listed_at else ""
            raise ValidationError(f"No {self.label} is called '{text}'{hint}.")
        return str(next(iter(found)))

    def add(self, record_id: uuid.UUID, *names: str | None) -> None:
        for name in filter(None, names):
            self.ids[fold(name).strip()].add(record_id)
            # "Kammer (IHK, Handwerkskammer)" is also just "Kammer".
            short = PARENTHESES.sub("", name).strip()
            if short and short != name:
                self.ids[fold(short)].add(record_id)


class References:
    """The lookups of one import, each read when first needed."""

    @cached_property
    def partners(self) -> Lookup:
        rows = db.session.execute(
            select(Partner.id, Partner.name, Partner.short_name, Partner.external_ids)
        )
        return Lookup(
            "partner",
            (
                (row.id, [row.name, row.short_name, *(e["value"] for e in row.external_ids)])
                for row in rows
            ),
        )

    @cached_property
    def steering_groups(self) -> Lookup:
        rows = db.session.execute(
            select(SteeringGroup.id, SteeringGroup.name, SteeringGroup.short_name)
        )
        return Lookup("steering group", ((row.id, row[1:]) for row in rows))

    @cached_property
    def contacts(self) -> Lookup:
        """People by e-mail address, "Given Family" or "Family, Given"."""
        rows = db.session.execute(
            select(Contact.id, Contact.given_name, Contact.family_name, Contact.email).where(
                Contact.not_erased
            )
        )
        return Lookup(
            "contact",
            (
                (
                    row.id,
                    [
                        row.email,
                        f"{row.given_name} {row.family_name}" if row.given_name else None,
                        f"{row.family_name}, {row.given_name}" if row.given_name else None,
                    ],
                )
                for row in rows
            ),
        )

    def vocabulary(self, model: type[Vocabulary]) -> Lookup:
        """Entries by id, code, German or English label (a few hundred at most)."""
        cache = self.__dict__.setdefault("_vocabularies", {})
        if model not in cache:
            rows = db.session.execute(select(model.id, model.code, model.label_de, model.label_en))
            collection = model.__tablename__
            cache[model] = Lookup(
                singular(collection).replace("_", " "),
                ((row.id, row[1:]) for row in rows),
                listed_at=f"/api/v1/{collection.replace('_', '-')}",
            )
        return cache[model]

    def partner_kind(self, text: str) -> str:
        """A partner kind's code, also from its label ("Kammer" -> "chamber")."""
        if text not in self._kind_codes:
            try:
                kind_id = uuid.UUID(self.vocabulary(PartnerKind).resolve(text))
                self._kind_codes[text] = db.session.get(PartnerKind, kind_id).code
            except ValidationError:
                self._kind_codes[text] = text  # the schema says which codes there are
        return self._kind_codes[text]

    @cached_property
    def _kind_codes(self) -> dict[str, str]:
        return {}
