"""The rules a write of a record must pass beyond its schema, in their order: applied by
the API's views and by the writes that do not come through them (an import, a merge),
so that every write stores only what a POST or PATCH would."""

from typing import Any

from crm.models import Contact
from crm.records.consent import update_consent_history
from crm.records.contacts import check_legal_basis, update_employment_history

RULES = {Contact: (check_legal_basis, update_employment_history, update_consent_history)}


def apply_write_rules(record: Any) -> None:
    for rule in RULES.get(type(record), ()):
        rule(record)
