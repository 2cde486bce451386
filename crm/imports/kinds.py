"""What can be imported (partners, contacts, memberships), validated by the schemas the
API uses, so that a row passes exactly when the same POST or PATCH would; and how a row
finds the record it updates.

A row updates an existing record named by its `id`, or by what identifies it beyond doubt:
a partner by an external id or its exact name, a contact by e-mail address or by name at
the same partner, a membership by group, partner and start. Otherwise it creates one,
unless the matching (crm.matching) finds a record it very likely duplicates: then it is
skipped, with the reason, for a person to look at.
"""

import uuid
from dataclasses import dataclass, field
from typing import Any

import marshmallow as ma
from sqlalchemy import select

from crm.api.contacts import ContactPatchSchema, ContactSchema
from crm.api.memberships import MembershipPatchSchema, MembershipSchema
from crm.api.partners import PartnerPatchSchema, PartnerSchema
from crm.database import db
from crm.duplicates.detection import (
    CONTACT_COLUMNS,
    PARTNER_COLUMNS,
    contact_record,
    partner_record,
)
from crm.imports.columns import EXTERNAL_ID
from crm.matching.candidates import CandidateIndex, organisation_index, person_index
from crm.models import Contact, Membership, Partner, SteeringGroup
from crm.models.import_record import ImportResource
from crm.text import fold


@dataclass
class Kind:
    """One importable resource: its schemas and how rows find their records."""

    resource: ImportResource
    model: type
    schema: ma.Schema
    patch_schema: ma.Schema
    # Targets a row may fill that the schema does not load (they come from the path there).
    extra_targets: frozenset[str] = frozenset()

    @property
    def targets(self) -> set[str]:
        loaded = {f.data_key or name for name, f in self.schema.load_fields.items()}
        return loaded | {"id"} | self.extra_targets

    @property
    def required(self) -> set[str]:
        required = {f.data_key or n for n, f in self.schema.load_fields.items() if f.required}
        return required | self.extra_targets

    def existing(self) -> "Existing":
        return EXISTING[self.resource]()


@dataclass(frozen=True)
class Entry:
    """A record as `Existing` files it, worked out once for both looking for its likely
    twins and filing it: the keys that identify it, its record for the matching and the
    blocks that record goes in."""

    keys: list
    record: Any = None
    blocks: set = frozenset()


@dataclass
class Existing:
    """The stored records of one kind as far as rows need them to find theirs, read once
    per import; rows that create a record add it."""

    keys: dict[Any, set[uuid.UUID]] = field(default_factory=dict)
    index: CandidateIndex | None = None

    def identify(self, data: dict[str, Any]) -> list[uuid.UUID]:
        """The records `data` names beyond doubt (more than one: ambiguous)."""
        for key in self.identifying_keys(data):
            if key in self.keys:
                return sorted(self.keys[key])
        return []

    def entry(self, record_id: uuid.UUID, data: dict[str, Any]) -> Entry:
        if self.index is None:
            return Entry(self.identifying_keys(data))
        record = self.matching_record(record_id, data)
        return Entry(self.identifying_keys(data), record, set(self.index.keys(record)))

    def add(self, record_id: uuid.UUID, entry: Entry) -> None:
        for key in entry.keys:
            self.keys.setdefault(key, set()).add(record_id)
        if self.index is not None:
            self.index.add(entry.record, entry.blocks)

    def likely(self, entry: Entry) -> list:
        if self.index is None:
            return []
        return self.index.likely(entry.record, entry.blocks)

    def _load(self, statement) -> None:
        """Files the stored records `statement` reads (their id and what identifies them)."""
        for row in db.session.execute(statement):
            self.add(row.id, self.entry(row.id, row._mapping))

    def identifying_keys(self, data: dict[str, Any]) -> list:
        raise NotImplementedError

    def matching_record(self, record_id: uuid.UUID, data: dict[str, Any]):
        raise NotImplementedError


class ExistingPartners(Existing):
    def __init__(self):
        super().__init__(index=organisation_index())
        self._load(select(*PARTNER_COLUMNS))

    def identifying_keys(self, data):
        external_ids = data.get("external_ids") or ()
        keys = [("external_id", e["scheme"], fold(e["value"])) for e in external_ids]
        return [*keys, ("name", fold(data["name"]))] if data.get("name") else keys

    def matching_record(self, record_id, data):
        return partner_record({"id": record_id} | dict(data))


class ExistingContacts(Existing):
    def __init__(self):
        super().__init__(index=person_index())
        self._load(select(*CONTACT_COLUMNS, Contact.partner_id).where(Contact.not_erased))

    def identifying_keys(self, data):
        keys = [("email", data["email"].strip().lower())] if data.get("email") else []
        if data.get("family_name"):
            name = fold(f"{data.get('given_name') or ''} {data['family_name']}").strip()
            keys.append(("name", name, str(data.get("partner_id"))))
        return keys

    def matching_record(self, record_id, data):
        return contact_record({"id": record_id} | dict(data))


class ExistingMemberships(Existing):
    def __init__(self):
        super().__init__()
        columns = (Membership.id, Membership.steering_group_id, Membership.partner_id)
        self._load(select(*columns, Membership.start_date))

    def identifying_keys(self, data):
        wanted = ("steering_group_id", "partner_id", "start_date")
        if not all(data.get(name) for name in wanted):
            return []
        return [tuple(str(data[name]) for name in wanted)]


EXISTING = {
    ImportResource.partners: ExistingPartners,
    ImportResource.contacts: ExistingContacts,
    ImportResource.memberships: ExistingMemberships,
}

KINDS = {
    kind.resource: kind
    for kind in (
        Kind(ImportResource.partners, Partner, PartnerSchema(), PartnerPatchSchema()),
        Kind(ImportResource.contacts, Contact, ContactSchema(), ContactPatchSchema()),
        Kind(
            ImportResource.memberships,
            Membership,
            MembershipSchema(),
            MembershipPatchSchema(),
            extra_targets=frozenset({"steering_group_id"}),
        ),
    )
}
# The models a reference column names, by target.
REFERENCED = {
    "partner_id": Partner,
    "steering_group_id": SteeringGroup,
    "contact_id": Contact,
    "deputy_contact_id": Contact,
}
__all__ = ["EXTERNAL_ID", "KINDS", "REFERENCED", "Existing", "Kind"]
