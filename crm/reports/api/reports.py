"""Reports (Berichte) on demand: a steering group's report, agreements that expire soon,
the partner directory, and contacts as vCard. Each report is one data structure rendered
as JSON, CSV, XLSX or PDF, so every format shows the same numbers."""

from datetime import date

import marshmallow as ma
from flask.views import MethodView
from marshmallow import fields

from crm.http.blueprint import Blueprint
from crm.models import SteeringGroup
from crm.models.export import DateFormat, ExportFormat
from crm.records.items import get_or_404
from crm.reports.catalogue import ExpiringAgreementsParameters, PartnerDirectoryParameters
from crm.reports.files import TEXT, documents_report_files, file_response
from crm.reports.formats import FORMATS, file_name, render
from crm.reports.group_report import group_report
from crm.reports.register_reports import (
    directory,
    expiring_agreements_report,
    partner_directory_report,
)
from crm.reports.report import Report, to_json
from crm.reports.vcard import contact_cards

blp = Blueprint(
    "reports",
    __name__,
    url_prefix="/api/v1",
    description="Berichte: the report of a Steuerungsgruppe, expiring Kooperationsvereinbarungen "
    "and the Partnerverzeichnis, as JSON, CSV (Excel, semicolons), XLSX or PDF.",
)


class FileFormatArgs(ma.Schema):
    format = fields.Enum(ExportFormat, by_value=True, load_default=ExportFormat.json)
    date_format = fields.Enum(
        DateFormat,
        by_value=True,
        load_default=DateFormat.iso,
        metadata={"description": "CSV only: `german` writes dates as dd.mm.yyyy."},
    )


class GroupReportArgs(FileFormatArgs):
    start = fields.Date(
        data_key="from",
        metadata={"description": "First day of the period; 1 January of `to`'s year if absent."},
    )
    end = fields.Date(data_key="to", metadata={"description": "Last day; today if absent."})

    @ma.post_load
    def default_period(self, args, **_kwargs) -> dict:
        args.setdefault("end", date.today())
        args.setdefault("start", date(args["end"].year, 1, 1))
        if args["start"] > args["end"]:
            raise ma.ValidationError("Must not be after `to`.", field_name="from")
        return args


class ExpiringAgreementsArgs(ExpiringAgreementsParameters, FileFormatArgs):
    pass


class PartnerDirectoryArgs(PartnerDirectoryParameters, FileFormatArgs):
    pass


class ColumnSchema(ma.Schema):
    key = fields.String(metadata={"example": "partner"})
    title = fields.String(metadata={"example": "Mitglied"})
    type = fields.String(
        metadata={"description": "text, integer, boolean, date, datetime or coded (a code)."}
    )


class SectionSchema(ma.Schema):
    key = fields.String(metadata={"example": "members"})
    title = fields.String(metadata={"example": "Aktuelle Mitglieder"})
    columns = fields.List(fields.Nested(ColumnSchema))
    rows = fields.List(fields.Dict(), metadata={"description": "Objects keyed by column."})


class ReportSchema(ma.Schema):
    report = fields.String(metadata={"example": "steering_group_report"})
    title = fields.String()
    subtitle = fields.String(allow_none=True)
    municipality = fields.String(metadata={"example": "Landkreis Wittenberg"})
    generated_at = fields.String(metadata={"example": "2026-11-24T07:00:00Z"})
    parameters = fields.Dict()
    sections = fields.List(fields.Nested(SectionSchema))


def report_response(report: Report, args: dict):
    """The report as JSON (through `ReportSchema`), or as a file in the format asked for."""
    file_format = args["format"]
    if file_format == ExportFormat.json:
        return to_json(report)
    german_dates = args["date_format"] == DateFormat.german
    content = render(report, file_format, german_dates=german_dates)
    name = file_name(report, file_format, report.generated_at)
    return file_response(content, FORMATS[file_format].media_type, name)


def _directory_filters(args: dict) -> dict:
    return {name: args.get(name, ()) for name in ("status", "kind", "sector")}


@blp.route("/steering-groups/<uuid:group_id>/report")
class GroupReport(MethodView):
    @blp.arguments(GroupReportArgs, location="query")
    @blp.response(200, ReportSchema)
    @documents_report_files(blp)
    def get(self, args, group_id):
        """Get the report of a steering group (Bericht der Steuerungsgruppe)

        For the period from `from` to `to`: current members by sector (verwaltungsintern/-extern)
        and kind, who joined and who left, attendance per member, the Beschlüsse, open
        and overdue Aufgaben, the group's Kooperationsvereinbarungen that started, are in
        force or expire within 90 days, and the Handlungsfelder and Zielgruppen covered.
        """
        group = get_or_404(SteeringGroup, group_id)
        return report_response(group_report(group, args["start"], args["end"]), args)


@blp.route("/reports/expiring-agreements")
class ExpiringAgreements(MethodView):
    @blp.arguments(ExpiringAgreementsArgs, location="query")
    @blp.response(200, ReportSchema)
    @documents_report_files(blp)
    def get(self, args):
        """Get the agreements that expire soon (auslaufende Vereinbarungen)

        Kooperationsvereinbarungen still binding whose `valid_until` lies within
        `within_days` (90 when absent), soonest first, with the last day to give notice
        (kündbar bis) and the current parties.
        """
        report = expiring_agreements_report(args["within_days"], date.today())
        return report_response(report, args)


@blp.route("/reports/partner-directory")
class PartnerDirectory(MethodView):
    @blp.arguments(PartnerDirectoryArgs, location="query")
    @blp.response(200, ReportSchema)
    @documents_report_files(blp)
    def get(self, args):
        """Get the partner directory (Partnerverzeichnis)

        Partners with their addresses and current Ansprechpersonen, one row per
        contact; filter by status (`active` when absent), kind and sector.
        """
        return report_response(partner_directory_report(**_directory_filters(args)), args)


@blp.route("/reports/contact-cards")
class ContactCards(MethodView):
    @blp.arguments(PartnerDirectoryParameters, location="query")
    @blp.response(200, TEXT, content_type="text/vcard", description="The contacts as vCard 3.0.")
    def get(self, args):
        """Get the partners' contacts as vCards (Ansprechpersonen als vCard)

        The current Ansprechpersonen of the partners in the directory, as one `.vcf`
        file for an address book; the same filters as the partner directory.
        """
        entries = directory(**_directory_filters(args))
        cards = [(contact, partner) for partner, _, contacts in entries for contact in contacts]
        return file_response(contact_cards(cards), "text/vcard; charset=utf-8", "kontakte.vcf")
