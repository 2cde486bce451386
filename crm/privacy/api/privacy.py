"""Data protection (Datenschutz, DSGVO) over HTTP: the copy of a person's data (Art. 15),
withdrawing consent, erasure (Art. 17), the retention run and the processing record
(Art. 30)."""

from datetime import date

import marshmallow as ma
from flask.views import MethodView
from marshmallow import fields

from crm.api.contacts import ContactSchema
from crm.http.blueprint import Blueprint
from crm.http.fields import Timestamp
from crm.models.enums import ApiRole
from crm.privacy.access import personal_data
from crm.privacy.erasure import erase_contact
from crm.privacy.record import processing_record
from crm.privacy.retention import due_for_erasure, erase_due
from crm.records.consent import withdraw_consent
from crm.records.items import item_response, live_contact

blp = Blueprint(
    "privacy",
    __name__,
    url_prefix="/api/v1",
    read_role=ApiRole.editor,
    description="Datenschutz (DSGVO): Auskunft (Art. 15), Widerruf der Einwilligung und "
    "das Verzeichnis von Verarbeitungstätigkeiten (Art. 30). For editors.",
)
admin_blp = Blueprint(
    "privacy_admin",
    __name__,
    url_prefix="/api/v1",
    read_role=ApiRole.admin,
    write_role=ApiRole.admin,
    description="Löschung (Art. 17 DSGVO) on request and after the retention period "
    "(Speicherfrist). For administrators.",
)
blueprints = [blp, admin_blp]

RECORDS = fields.Dict(keys=fields.String(), values=fields.Raw())


class PersonalDataSchema(ma.Schema):
    generated_at = fields.String(metadata={"example": "2026-11-24T10:00:00Z"})
    controller = fields.String(metadata={"description": "The municipality (Verantwortlicher)."})
    contact = RECORDS
    legal_basis_valid = fields.Boolean()
    records = fields.Dict(
        keys=fields.String(),
        values=fields.List(RECORDS),
        metadata={
            "description": "Rows that refer to the person, by table: employments, "
            "consent_records, memberships, agreement_parties, meeting_attendances, ..."
        },
    )
    audit_events = fields.List(RECORDS)
    stored_exports = fields.List(RECORDS)


class ErasureSchema(ma.Schema):
    contact_id = fields.UUID()
    erased_at = Timestamp()
    audit_events_blanked = fields.Integer()
    export_runs_deleted = fields.Integer()


class DueSchema(ma.Schema):
    contact_id = fields.UUID()
    retain_until = fields.Date()
    reason = fields.String(
        metadata={"description": "`consent_withdrawn`, `roles_ended` or `no_role`."}
    )


class RetentionSchema(ma.Schema):
    as_of = fields.Date()
    erased = fields.Boolean(metadata={"description": "Whether the contacts were erased."})
    contacts = fields.List(fields.Nested(DueSchema))


class ProcessingRecordSchema(ma.Schema):
    controller = fields.String()
    purposes = fields.List(fields.String())
    legal_bases = fields.List(RECORDS)
    consent_purposes = fields.List(RECORDS)
    data_subjects = fields.List(RECORDS)
    recipients = fields.List(RECORDS)
    retention = RECORDS
    technical_measures = fields.List(fields.String())


@blp.route("/contacts/<uuid:contact_id>/personal-data")
class PersonalData(MethodView):
    @blp.response(200, PersonalDataSchema)
    @blp.alt_response(410, response="GONE")
    def get(self, contact_id):
        """Everything stored about a contact (Art. 15 DSGVO)

        Die Auskunft nach Art. 15 DSGVO: the Ansprechperson's record, employment history,
        consents, memberships, agreement parties, meeting records, the audit events about
        the person and the stored exports that hold them, in one JSON document.
        """
        return personal_data(live_contact(contact_id))


@blp.route("/contacts/<uuid:contact_id>/consent/withdrawal")
class ConsentWithdrawal(MethodView):
    @blp.response(200, ContactSchema)
    @blp.alt_response(410, response="GONE")
    def post(self, contact_id):
        """Withdraw a contact's consent

        Widerruf der Einwilligung (Art. 7 Abs. 3 DSGVO), in one call and without a body:
        from now on the contact has no valid legal basis (`legal_basis_valid` is false),
        is left out of reports and exports, and is due for erasure. 409 when the legal
        basis is not consent; a second withdrawal changes nothing.
        """
        contact = withdraw_consent(live_contact(contact_id))
        return item_response(contact)


@blp.route("/privacy/processing-record")
class ProcessingRecord(MethodView):
    @blp.response(200, ProcessingRecordSchema)
    def get(self):
        """The record of processing activities (Art. 30 DSGVO)

        Das Verzeichnis von Verarbeitungstätigkeiten: purposes, legal bases, categories
        of persons and of data (with the fields that hold them, from the tags on the
        model), recipients and retention rules.
        """
        return processing_record()


@admin_blp.route("/contacts/<uuid:contact_id>/erasure")
class Erasure(MethodView):
    @admin_blp.response(200, ErasureSchema)
    def post(self, contact_id):
        """Erase a contact's personal data (Art. 17 DSGVO)

        Löschung: the personal fields, employment history, consents, the values in the
        audit trail, the search index and the stored exports that hold the person are
        erased. A tombstone without personal data stays, so that memberships and agreement
        parties remain as anonymous placeholders; the contact then answers 410 Gone.
        Erasing again is harmless.
        """
        erasure = erase_contact(contact_id)
        return erasure


@admin_blp.route("/privacy/retention")
class Retention(MethodView):
    @admin_blp.response(200, RetentionSchema)
    def get(self):
        """Contacts due for erasure (Speicherfrist abgelaufen)

        Which contacts the retention rules make due today, by id only; nothing changes.
        """
        return {"as_of": date.today(), "erased": False, "contacts": due_for_erasure(date.today())}

    @admin_blp.response(200, RetentionSchema)
    def post(self):
        """Erase the contacts due for erasure

        Löschung nach Ablauf der Speicherfrist: erases every contact that
        `GET /api/v1/privacy/retention` lists, as `flask crm privacy retention` does.
        """
        erased = erase_due(date.today())
        return {"as_of": date.today(), "erased": True, "contacts": erased}
