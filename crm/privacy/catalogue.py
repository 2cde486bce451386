"""Which column holds personal data, for every table.

A column is classified by its `info`: `{"personal": True, "category": ..., "subjects": ...}`
(`crm.models.privacy.personal`). The contact's own tables carry their tags inline; the
personal columns of other tables are tagged here, in one list, and every other column is
named as not personal. `tests/privacy/test_catalogue.py` fails for a column that is
neither, so a new column cannot slip past the processing record (Art. 30) or the erasure.
"""

from sqlalchemy import Column, Table

from crm.database import Base
from crm.models.privacy import DataCategory, DataSubjects, personal

FREE_TEXT = personal(DataCategory.free_text)
USER = personal(DataCategory.user_identity, DataSubjects.staff)

# Free text may name people; the audit trail holds old and new values of contacts.
PERSONAL_ELSEWHERE = {
    "partners.notes": FREE_TEXT,
    "steering_groups.notes": FREE_TEXT,
    "memberships.notes": FREE_TEXT,
    "agreements.notes": FREE_TEXT,
    "meetings.notes": FREE_TEXT,
    "meeting_decisions.text": FREE_TEXT,
    "action_items.title": FREE_TEXT,
    "action_items.notes": FREE_TEXT,
    "audit_events.changes": personal(DataCategory.change_history),
    "audit_events.actor": USER,
    "imports.actor": USER,
    "merged_records.actor": USER,
    "idempotent_requests.actor": USER,
    "idempotent_requests.response_body": personal(DataCategory.change_history),
    "export_run_files.content": personal(DataCategory.exports),
    "export_schedules.email_recipients": USER,
    "export_runs.delivered_to": USER,
}

# Bookkeeping every resource has.
NEVER_PERSONAL = frozenset({"id", "created_at", "updated_at", "version", "position"})
# Everything else, by table: codes, dates, ids (pseudonymous), names of organisations.
NOT_PERSONAL = {
    "contacts": "status legal_basis consent_purposes consent_text_version "
    "consent_withdrawn_at review_on retain_until erased_at",
    "employments": "contact_id partner_id start_date end_date",
    "consent_records": "contact_id purposes text_version recorded_at withdrawn_at",
    "api_keys": "name role prefix key_hash revoked_at expires_at last_used_at",
    "audit_events": "occurred_at actor_kind request_id resource_type resource_id parent_id "
    "action data_subject_id personal_data_erased_at",
    "change_events": "txid occurred_at resource_type resource_id parent_id action changed_fields",
    "export_schedules": "name report parameters format date_format cron time_zone "
    "destination directory enabled next_run_at",
    "idempotent_requests": "key fingerprint status_code response_headers personal_data_erased_at",
    "imports": "actor_kind resource file_name file_sha256 rows created updated skipped",
    "merged_records": "resource_type survivor_id merged_at",
    "webhook_subscriptions": "url description event_types secret previous_secret "
    "previous_secret_expires_at active feed_txid feed_position",
    "webhook_deliveries": "subscription_id change_position event_type status attempts "
    "next_attempt_at leased_until last_attempt_at last_status_code last_error delivered_at",
    "export_runs": "schedule_id due_at status attempts started_at finished_at file_name "
    "media_type size_bytes checksum_sha256 error_message",
    "export_run_contacts": "run_id contact_id",
    "export_run_files": "run_id",
    "partners": "name short_name kind sector status street postal_code town website email "
    "phone mail_domain web_host languages external_ids search_text sort_name",
    "steering_groups": "name short_name kind purpose status founded_on dissolved_on "
    "funding_programme coordinating_partner_id coordinating_contact_id search_text sort_name",
    "agreements": "title reference_number kind status signed_on valid_from valid_until "
    "notice_period_days steering_group_id search_text sort_name",
    "memberships": "steering_group_id partner_id contact_id deputy_contact_id role "
    "voting_right start_date end_date",
    "agreement_parties": "agreement_id partner_id role signatory_contact_id joined_on left_on",
    "meetings": "steering_group_id title starts_at ends_at place agenda status",
    "meeting_attendances": "meeting_id partner_id contact_id status",
    "meeting_decisions": "meeting_id reference",
    "action_items": "meeting_id responsible_partner_id responsible_contact_id due_on status",
    "network_snapshots": "shape as_of computed_at method samples betweenness",
}
VOCABULARY = "code label_de label_en description search_text sort_name"
for _vocabulary in ("municipalities", "partner_kinds", "target_groups", "topics"):
    NOT_PERSONAL[_vocabulary] = VOCABULARY


def _tag_personal_columns() -> None:
    for name, info in PERSONAL_ELSEWHERE.items():
        table, column = name.split(".")
        if table in Base.metadata.tables:
            Base.metadata.tables[table].c[column].info.update(info)


def is_link_table(table: Table) -> bool:
    """A table of links between two records (partner_topics): ids only."""
    return all(column.primary_key and column.foreign_keys for column in table.columns)


def is_personal(column: Column) -> bool:
    return bool(column.info.get("personal"))


def personal_columns() -> list[Column]:
    return [
        column
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if is_personal(column)
    ]


def unclassified_columns() -> list[str]:
    """`table.column` for every column that is neither tagged nor named as not personal."""
    return [
        f"{table.name}.{column.name}"
        for table in Base.metadata.sorted_tables
        if not is_link_table(table)
        for column in table.columns
        if not is_personal(column)
        and column.name not in NEVER_PERSONAL
        and column.name not in NOT_PERSONAL.get(table.name, "").split()
    ]


_tag_personal_columns()
