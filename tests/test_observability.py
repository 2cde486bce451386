import json
import logging
import socket

from crm.jobs.queue import make_queue


def test_request_id_is_echoed(client):
    response = client.get("/healthz", headers={"X-Request-ID": "trace-42"})
    assert response.headers["X-Request-ID"] == "trace-42"


def test_request_id_is_generated_when_absent(client):
    assert len(client.get("/healthz").headers["X-Request-ID"]) == 32


def test_unsafe_request_id_is_replaced(client):
    response = client.get("/healthz", headers={"X-Request-ID": "a b\u00e4<script>"})
    assert response.headers["X-Request-ID"] != "a b\u00e4<script>"


def test_access_log_is_one_json_line_without_query_string(client, caplog):
    with caplog.at_level(logging.INFO, logger="crm.access"):
        client.get("/api/v1/partners?q=Caritas", headers={"X-Request-ID": "log-1"})
    record = next(r for r in caplog.records if getattr(r, "request_id", None) == "log-1")
    line = json.loads(logging.getLogger("crm").handlers[0].format(record))
    assert (line["path"], line["status"]) == ("/api/v1/partners", 200)
    assert "Caritas" not in json.dumps(line)


def test_healthz_answers_ok(anonymous):
    assert anonymous.get("/healthz").json == {"status": "ok"}


def test_readyz_answers_ready_at_head_and_reports_the_queue(anonymous):
    assert anonymous.get("/readyz").json == {
        "status": "ready",
        "queue": {"store": "sqlite", "queued": 0},
    }


def test_readyz_is_not_ready_while_the_queues_store_is_unreachable(app, anonymous, monkeypatch):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    url = f"redis://127.0.0.1:{closed}/0"
    monkeypatch.setitem(app.config, "CRM_QUEUE_URL", url)
    monkeypatch.setitem(app.extensions, "crm.queue", make_queue(url))
    response = anonymous.get("/readyz")
    assert response.status_code == 503
    assert response.json["detail"] == "The task queue's store (redis) is unreachable."
