"""/api/v1/export-schedules and /api/v1/export-runs: geplante Exporte, admins only."""

from datetime import UTC, datetime

import pytest

from crm.models import ExportRun, ExportRunFile
from crm.models.export import ExportRunStatus
from tests.factories import MISSING_ID, make_group, make_schedule

SCHEDULES = "/api/v1/export-schedules"


def new_schedule(**fields) -> dict:
    return {
        "name": "Auslaufende Vereinbarungen",
        "report": "expiring_agreements",
        "format": "xlsx",
        "cron": "0 7 * * 1",
        "destination": "database",
    } | fields


def test_admin_creates_a_schedule_due_at_the_next_cron_time(admin):
    response = admin.post(SCHEDULES, json=new_schedule())
    assert response.status_code == 201
    due = datetime.fromisoformat(response.json["next_run_at"])
    assert due > datetime.now(UTC)
    # 07:00 in Berlin is 05:00 or 06:00 UTC, on a Monday.
    assert (due.weekday(), due.minute, due.hour in (5, 6)) == (0, 0, True)
    assert response.json["time_zone"] == "Europe/Berlin"


def test_editors_may_not_create_schedules(client):
    assert client.post(SCHEDULES, json=new_schedule()).status_code == 403


def test_viewers_may_list_schedules(viewer, session):
    schedule = make_schedule(session)
    response = viewer.get(SCHEDULES, query_string={"page_size": 100})
    assert str(schedule.id) in [s["id"] for s in response.json["data"]]


def test_a_bad_cron_expression_is_refused_by_name(admin):
    response = admin.post(SCHEDULES, json=new_schedule(cron="0 7 * *"))
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["cron"]


def test_an_unknown_time_zone_is_refused(admin):
    response = admin.post(SCHEDULES, json=new_schedule(time_zone="Europe/Bonn"))
    assert list(response.json["errors"]) == ["time_zone"]


def test_parameters_must_fit_the_report(admin):
    body = new_schedule(
        report="steering_group_report", parameters={"steering_group_id": MISSING_ID}
    )
    response = admin.post(SCHEDULES, json=body)
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["parameters.steering_group_id"]


def test_a_group_report_schedule_takes_a_relative_period(admin, session):
    parameters = {"steering_group_id": str(make_group(session).id), "period": "previous_quarter"}
    body = new_schedule(report="steering_group_report", parameters=parameters)
    response = admin.post(SCHEDULES, json=body)
    assert (response.status_code, response.json["parameters"]) == (201, parameters)


def test_email_needs_recipients(admin):
    response = admin.post(SCHEDULES, json=new_schedule(destination="email"))
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["email_recipients"]


def test_a_directory_outside_the_export_directory_is_refused(admin):
    response = admin.post(SCHEDULES, json=new_schedule(destination="directory", directory="../x"))
    assert list(response.json["errors"]) == ["directory"]


def test_a_new_cron_expression_moves_the_due_time(admin, session):
    schedule = make_schedule(session)
    response = admin.patch(
        f"{SCHEDULES}/{schedule.id}", json={"cron": "30 6 * * *"}, headers={"If-Match": '"v1"'}
    )
    assert datetime.fromisoformat(response.json["next_run_at"]) > datetime.now(UTC)


def test_other_changes_keep_the_due_time_of_a_pending_retry(admin, session):
    schedule = make_schedule(session)
    response = admin.patch(
        f"{SCHEDULES}/{schedule.id}", json={"name": "Neu"}, headers={"If-Match": '"v1"'}
    )
    assert response.json["next_run_at"] == "2026-01-01T06:00:00Z"


def test_disabling_a_schedule_clears_its_due_time(admin, session):
    schedule = make_schedule(session)
    response = admin.patch(
        f"{SCHEDULES}/{schedule.id}", json={"enabled": False}, headers={"If-Match": '"v1"'}
    )
    assert response.json["next_run_at"] is None


def stored_run(session, schedule, **fields) -> ExportRun:
    moment = datetime(2026, 1, 1, 6, tzinfo=UTC)
    run = ExportRun(
        schedule_id=schedule.id,
        due_at=moment,
        status=ExportRunStatus.succeeded,
        started_at=moment,
        finished_at=moment,
        file_name="expiring_agreements-2026-01-01-0700.csv",
        media_type="text/csv; charset=utf-8",
        **fields,
    )
    session.add(run)
    session.flush()
    return run


def test_a_kept_file_has_a_download_link(viewer, session):
    run = stored_run(
        session, make_schedule(session), file=ExportRunFile(content=b"\xef\xbb\xbfTitel")
    )
    listed = viewer.get("/api/v1/export-runs", query_string={"schedule_id": run.schedule_id})
    [entry] = listed.json["data"]
    assert entry["download_url"].endswith(f"/api/v1/export-runs/{run.id}/download")
    download = viewer.get(entry["download_url"])
    assert (download.data, download.mimetype) == (b"\xef\xbb\xbfTitel", "text/csv")


def test_a_file_that_was_not_kept_has_no_download(viewer, session):
    run = stored_run(session, make_schedule(session))
    assert viewer.get(f"/api/v1/export-runs/{run.id}").json["download_url"] is None
    assert viewer.get(f"/api/v1/export-runs/{run.id}/download").status_code == 404


def test_deleting_a_run_erases_its_file(admin, session):
    run = stored_run(session, make_schedule(session), file=ExportRunFile(content=b"x"))
    run_id = run.id
    response = admin.delete(f"/api/v1/export-runs/{run_id}", headers={"If-Match": '"v1"'})
    assert response.status_code == 204
    session.expire_all()
    assert session.get(ExportRunFile, run_id) is None


def test_a_cron_expression_with_ranges_steps_lists_and_names_is_accepted(admin):
    response = admin.post(SCHEDULES, json=new_schedule(cron="30 8-17/2 1,15 JAN-JUN MON-FRI"))
    assert response.status_code == 201


@pytest.mark.parametrize(
    "cron",
    [
        "0 7 30 2 *",  # never due
        "0 17-8 * * *",  # a range backwards
        "0 7 * * mon",  # names in capitals
        "0 0 7 * * *",  # six fields: seconds
        "0  7 * * 1",
        "0 7 31 1 *",  # after the 28th: only with every month
    ],
)
def test_a_cron_expression_outside_the_published_pattern_is_refused(admin, cron):
    response = admin.post(SCHEDULES, json=new_schedule(cron=cron))
    assert (response.status_code, list(response.json["errors"])) == (422, ["cron"])


def test_a_time_zone_the_host_knows_but_the_contract_does_not_list_is_refused(admin):
    response = admin.post(SCHEDULES, json=new_schedule(time_zone="posix/Europe/Berlin"))
    assert (response.status_code, list(response.json["errors"])) == (422, ["time_zone"])


def test_a_listed_time_zone_is_accepted(admin):
    response = admin.post(SCHEDULES, json=new_schedule(time_zone="America/Sao_Paulo"))
    assert (response.status_code, response.json["time_zone"]) == (201, "America/Sao_Paulo")


def test_a_group_report_without_parameters_is_refused(admin):
    response = admin.post(SCHEDULES, json=new_schedule(report="steering_group_report"))
    assert (response.status_code, list(response.json["errors"])) == (
        422,
        ["parameters.steering_group_id"],
    )
