"""The rules a write of a record must pass beyond its schema, in their order: applied by
the write path itself (`crm.records.items.create` and `apply_changes`), so that no
caller can forget them, and by the two writes that go past it (an import's batch of new
records, a merge), so that every write stores only what a POST or PATCH would."""

from typing import Any

from crm.models import Contact
from crm.records.consent import update_consent_history
from crm.records.contacts import check_legal_basis, update_employment_history

RULES = {Contact: (check_legal_basis, update_employment_history, update_consent_history)}


def apply_write_rules(record: Any) -> None:
    for rule in RULES.get(type(record), ()):
        rule(record)
