"""meetings and exports: Sitzungen with attendance, Beschlüsse and Aufgaben; export
schedules, their runs and the files kept

Revision ID: 6c0e2b7d9a13
Revises: 3a0d1f2e4b11
Create Date: 2026-11-24 19:00:00
"""

import sqlalchemy as sa
from alembic import op

import crm.models.base

revision = "6c0e2b7d9a13"
down_revision = "3a0d1f2e4b11"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "export_schedules",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "report",
            sa.Enum(
                "steering_group_report",
                "expiring_agreements",
                "partner_directory",
                name="reportkind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column(
            "format",
            sa.Enum(
                "json",
                "csv",
                "xlsx",
                "pdf",
                name="exportformat",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "date_format",
            sa.Enum(
                "iso",
                "german",
                name="dateformat",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("cron", sa.String(length=100), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column(
            "destination",
            sa.Enum(
                "database",
                "directory",
                "email",
                name="exportdestination",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("directory", sa.String(length=200), nullable=True),
        sa.Column("email_recipients", sa.JSON(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("next_run_at", crm.models.base.UTCDateTime(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", crm.models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", crm.models.base.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_schedules")),
        sa.UniqueConstraint("name", name=op.f("uq_export_schedules_name")),
    )
    with op.batch_alter_table("export_schedules", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_export_schedules_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_export_schedules_next_run_at"), ["next_run_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_export_schedules_updated_at"), ["updated_at"], unique=False
        )

    op.create_table(
        "export_runs",
        sa.Column("schedule_id", sa.Uuid(), nullable=False),
        sa.Column("due_at", crm.models.base.UTCDateTime(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "succeeded",
                "failed",
                name="exportrunstatus",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("started_at", crm.models.base.UTCDateTime(), nullable=False),
        sa.Column("finished_at", crm.models.base.UTCDateTime(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=True),
        sa.Column("media_type", sa.String(length=100), nullable=True),
        sa.Column("size_bytes", sa.Integer(), nullable=True),
        sa.Column("checksum_sha256", sa.String(length=64), nullable=True),
        sa.Column("delivered_to", sa.String(length=500), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", crm.models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", crm.models.base.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["export_schedules.id"],
            name=op.f("fk_export_runs_schedule_id_export_schedules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_runs")),
        sa.UniqueConstraint(
            "schedule_id", "due_at", name=op.f("uq_export_runs_schedule_id_due_at")
        ),
    )
    with op.batch_alter_table("export_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_export_runs_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_export_runs_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_export_runs_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "export_run_contacts",
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("contact_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["export_runs.id"],
            name=op.f("fk_export_run_contacts_run_id_export_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("run_id", "contact_id", name=op.f("pk_export_run_contacts")),
    )
    with op.batch_alter_table("export_run_contacts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_export_run_contacts_contact_id"), ["contact_id"], unique=False
        )

    op.create_table(
        "export_run_files",
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["export_runs.id"],
            name=op.f("fk_export_run_files_run_id_export_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_export_run_files")),
    )
    op.create_table(
        "meetings",
        sa.Column("steering_group_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("starts_at", crm.models.base.UTCDateTime(), nullable=False),
        sa.Column("ends_at", crm.models.base.UTCDateTime(), nullable=True),
        sa.Column("place", sa.String(length=300), nullable=True),
        sa.Column("agenda", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "planned",
                "held",
                "cancelled",
                name="meetingstatus",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", crm.models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", crm.models.base.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "ends_at IS NULL OR ends_at >= starts_at", name=op.f("ck_meetings_ends_after_starts")
        ),
        sa.ForeignKeyConstraint(
            ["steering_group_id"],
            ["steering_groups.id"],
            name=op.f("fk_meetings_steering_group_id_steering_groups"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meetings_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_meetings_starts_at"), ["starts_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_meetings_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_meetings_steering_group_id"), ["steering_group_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_meetings_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "action_items",
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("responsible_partner_id", sa.Uuid(), nullable=True),
        sa.Column("responsible_contact_id", sa.Uuid(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "in_progress",
                "done",
                "cancelled",
                name="actionitemstatus",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", crm.models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", crm.models.base.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_action_items_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["responsible_contact_id"],
            ["contacts.id"],
            name=op.f("fk_action_items_responsible_contact_id_contacts"),
        ),
        sa.ForeignKeyConstraint(
            ["responsible_partner_id"],
            ["partners.id"],
            name=op.f("fk_action_items_responsible_partner_id_partners"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_items")),
    )
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_action_items_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_action_items_due_on"), ["due_on"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_action_items_meeting_id"), ["meeting_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_action_items_responsible_contact_id"),
            ["responsible_contact_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_action_items_responsible_partner_id"),
            ["responsible_partner_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_action_items_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_action_items_updated_at"), ["updated_at"], unique=False
        )

    op.create_table(
        "meeting_attendances",
        sa.Column("partner_id", sa.Uuid(), nullable=False),
        sa.Column("contact_id", sa.Uuid(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "present",
                "excused",
                "absent",
                name="attendancestatus",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_meeting_attendances_contact_id_contacts")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_attendances_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_meeting_attendances_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_attendances")),
    )
    with op.batch_alter_table("meeting_attendances", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_attendances_contact_id"), ["contact_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_meeting_attendances_meeting_id"), ["meeting_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_meeting_attendances_partner_id"), ["partner_id"], unique=False
        )

    op.create_table(
        "meeting_decisions",
        sa.Column("reference", sa.String(length=50), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_decisions_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_decisions")),
    )
    with op.batch_alter_table("meeting_decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_decisions_meeting_id"), ["meeting_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("meeting_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_decisions_meeting_id"))

    op.drop_table("meeting_decisions")
    with op.batch_alter_table("meeting_attendances", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_attendances_partner_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_attendances_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_attendances_contact_id"))

    op.drop_table("meeting_attendances")
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_items_updated_at"))
        batch_op.drop_index(batch_op.f("ix_action_items_status"))
        batch_op.drop_index(batch_op.f("ix_action_items_responsible_partner_id"))
        batch_op.drop_index(batch_op.f("ix_action_items_responsible_contact_id"))
        batch_op.drop_index(batch_op.f("ix_action_items_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_action_items_due_on"))
        batch_op.drop_index(batch_op.f("ix_action_items_created_at"))

    op.drop_table("action_items")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meetings_updated_at"))
        batch_op.drop_index(batch_op.f("ix_meetings_steering_group_id"))
        batch_op.drop_index(batch_op.f("ix_meetings_status"))
        batch_op.drop_index(batch_op.f("ix_meetings_starts_at"))
        batch_op.drop_index(batch_op.f("ix_meetings_created_at"))

    op.drop_table("meetings")
    op.drop_table("export_run_files")
    with op.batch_alter_table("export_run_contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_export_run_contacts_contact_id"))

    op.drop_table("export_run_contacts")
    with op.batch_alter_table("export_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_export_runs_updated_at"))
        batch_op.drop_index(batch_op.f("ix_export_runs_status"))
        batch_op.drop_index(batch_op.f("ix_export_runs_created_at"))

    op.drop_table("export_runs")
    with op.batch_alter_table("export_schedules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_export_schedules_updated_at"))
        batch_op.drop_index(batch_op.f("ix_export_schedules_next_run_at"))
        batch_op.drop_index(batch_op.f("ix_export_schedules_created_at"))

    op.drop_table("export_schedules")
