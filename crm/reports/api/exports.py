"""/api/v1/export-schedules and /api/v1/export-runs: geplante Exporte of reports, and the
record of every run with its file for download while it is kept."""

from flask.views import MethodView
from sqlalchemy import select

from crm.errors import NotFound
from crm.http.blueprint import Blueprint
from crm.http.listing.pages import envelope, equality_filters, paginate
from crm.models import ExportRun, ExportSchedule
from crm.models.enums import ApiRole
from crm.records.items import check_if_match, create, get_or_404, item_response, update
from crm.reports.api.export_schemas import (
    ExportRunListArgs,
    ExportRunSchema,
    ExportScheduleListArgs,
    ExportSchedulePatchSchema,
    ExportScheduleSchema,
)
from crm.reports.export_runs import delete_run, delete_schedule
from crm.reports.export_schedules import check_schedule, timing
from crm.reports.files import BINARY, file_response

blp = Blueprint(
    "exports",
    __name__,
    url_prefix="/api/v1",
    write_role=ApiRole.admin,
    description="Geplante Exporte: a report, its parameters and format, a cron expression "
    "in a time zone, and where the file goes (kept for download, a directory, e-mail). "
    "`flask crm exports run-due` runs what is due. Only admins change schedules: their files "
    "hold contacts' personal data.",
)

SCHEDULES_SORTABLE = {
    "name": ExportSchedule.name,
    "next_run_at": ExportSchedule.next_run_at,
    "created_at": ExportSchedule.created_at,
    "updated_at": ExportSchedule.updated_at,
}
RUNS_SORTABLE = {
    "due_at": ExportRun.due_at,
    "created_at": ExportRun.created_at,
    "updated_at": ExportRun.updated_at,
}


@blp.route("/export-schedules")
class ExportSchedules(MethodView):
    @blp.arguments(ExportScheduleListArgs, location="query")
    @blp.response(200, envelope(ExportScheduleSchema))
    def get(self, args):
        """List export schedules (geplante Exporte)

        Filter by report, destination and whether they are enabled.
        """
        filters = {"report": ExportSchedule.report, "destination": ExportSchedule.destination}
        conditions = equality_filters(args, filters)
        if "enabled" in args:
            conditions.append(ExportSchedule.enabled.is_(args["enabled"]))
        return paginate(
            select(ExportSchedule),
            args,
            conditions=conditions,
            sortable=SCHEDULES_SORTABLE,
            default_sort="name",
        )

    @blp.arguments(ExportScheduleSchema)
    @blp.response(201, ExportScheduleSchema)
    def post(self, data):
        """Create an export schedule

        A geplanter Export: which report with which parameters, the format, when (cron,
        e.g. `0 7 1 * *` for 07:00 on the first of every month, Berlin time) and where
        the file goes. Admins only.
        """
        schedule = create(ExportSchedule, data | timing(data))
        check_schedule(schedule)
        return item_response(schedule, 201)


@blp.route("/export-schedules/<uuid:schedule_id>")
class ExportScheduleItem(MethodView):
    @blp.response(200, ExportScheduleSchema)
    def get(self, schedule_id):
        """Get an export schedule"""
        return item_response(get_or_404(ExportSchedule, schedule_id))

    @blp.arguments(ExportSchedulePatchSchema)
    @blp.response(200, ExportScheduleSchema)
    def patch(self, changes, schedule_id):
        """Change an export schedule (JSON Merge Patch)

        A new cron expression, time zone or `enabled` sets the next due time afresh;
        other changes keep it, so that a failed run is still retried. Admins only.
        """
        schedule = get_or_404(ExportSchedule, schedule_id)
        schedule = update(schedule, changes | timing(changes, schedule))
        check_schedule(schedule)
        return item_response(schedule)

    @blp.response(204)
    def delete(self, schedule_id):
        """Delete an export schedule

        Deletes the geplanter Export with its runs and their files: those kept for
        download and those written to the export directory. E-mails already sent stay
        with their recipients.
        """
        schedule = get_or_404(ExportSchedule, schedule_id)
        check_if_match(schedule)
        delete_schedule(schedule)


@blp.route("/export-runs")
class ExportRuns(MethodView):
    @blp.arguments(ExportRunListArgs, location="query")
    @blp.response(200, envelope(ExportRunSchema))
    def get(self, args):
        """List export runs

        Every run of the geplante Exporte, latest first: status, times, size, checksum,
        the error of a failed run, and the download link while the file is kept.
        """
        filters = {"schedule_id": ExportRun.schedule_id, "status": ExportRun.status}
        return paginate(
            select(ExportRun),
            args,
            conditions=equality_filters(args, filters),
            sortable=RUNS_SORTABLE,
            default_sort="-due_at",
        )


@blp.route("/export-runs/<uuid:run_id>")
class ExportRunItem(MethodView):
    @blp.response(200, ExportRunSchema)
    def get(self, run_id):
        """Get an export run"""
        return item_response(get_or_404(ExportRun, run_id))

    @blp.response(204)
    def delete(self, run_id):
        """Delete an export run and its file

        Erases the record of the run and its file, kept for download or written to the
        export directory, e.g. when a person's data must be erased (DSGVO Art. 17).
        Admins only.
        """
        run = get_or_404(ExportRun, run_id)
        check_if_match(run)
        delete_run(run)


@blp.route("/export-runs/<uuid:run_id>/download")
class ExportRunDownload(MethodView):
    @blp.response(200, BINARY, content_type="application/octet-stream", description="The file.")
    def get(self, run_id):
        """Download the file of an export run

        The file as it was made, with its own media type (CSV, XLSX, PDF or JSON).
        Files sent by e-mail or written to a directory are not kept here.
        """
        run = get_or_404(ExportRun, run_id)
        if run.file is None:
            raise NotFound(f"There is no file kept for the export run {run_id}.")
        return file_response(run.file.content, run.media_type, run.file_name)
