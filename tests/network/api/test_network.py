"""/api/v1/network: the graph in several formats, metrics, overlaps and coverage."""

import csv
import io
from datetime import date
from xml.etree import ElementTree

import pytest

from crm.blueprints import openapi_document
from crm.network.model import NetworkFilter
from crm.network.snapshots import refresh
from tests.factories import MISSING_ID, make_group, make_membership, make_partner, topic


@pytest.fixture
def tied(session):
    group = make_group(session, name="Willkommen bei Freunden")
    partner = make_partner(session, name="Jobcenter Wittenberg")
    make_membership(session, group, partner, start_date=date(2016, 4, 14))
    session.commit()
    return partner, group


def test_a_viewer_reads_the_network(viewer, tied):
    assert viewer.get("/api/v1/network").status_code == 200


def test_the_network_needs_a_key(anonymous):
    assert anonymous.get("/api/v1/network").status_code == 401


def test_json_has_nodes_and_edges_with_attributes(viewer, tied):
    partner, group = tied
    body = viewer.get("/api/v1/network").json
    edge = body["edges"][0]
    assert (edge["source"], edge["target"], edge["type"]) == (
        str(partner.id),
        str(group.id),
        "membership",
    )
    assert {node["type"] for node in body["nodes"]} == {"partner", "steering_group"}


def test_as_of_shows_the_network_on_a_past_day(viewer, tied):
    assert viewer.get("/api/v1/network?as_of=2015-01-01").json["edges"] == []


def test_graphml_by_format_parameter(viewer, tied):
    response = viewer.get("/api/v1/network?format=graphml")
    root = ElementTree.fromstring(response.data)
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert (response.mimetype, len(root.findall("g:graph/g:node", ns))) == (
        "application/graphml+xml",
        2,
    )


def test_gexf_by_accept_header(viewer, tied):
    response = viewer.get("/api/v1/network", headers={"Accept": "application/gexf+xml"})
    root = ElementTree.fromstring(response.data)
    ns = {"x": "http://gexf.net/1.3"}
    assert len(root.findall("x:graph/x:edges/x:edge", ns)) == 1


def test_csv_edge_list_names_both_ends(viewer, tied):
    response = viewer.get("/api/v1/network?format=csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert (rows[0]["source_label"], rows[0]["target_label"]) == (
        "Jobcenter Wittenberg",
        "Willkommen bei Freunden",
    )


def test_a_file_is_offered_as_a_download(viewer, tied):
    disposition = viewer.get("/api/v1/network?format=gexf&as_of=2020-01-01").headers[
        "Content-Disposition"
    ]
    assert disposition == 'attachment; filename="netzwerk-2020-01-01.gexf"'


def test_an_accept_header_nothing_matches_is_406_problem(viewer):
    response = viewer.get("/api/v1/network", headers={"Accept": "image/png"})
    assert (response.status_code, response.mimetype) == (406, "application/problem+json")


def test_an_unknown_format_is_400_naming_the_parameter(viewer):
    response = viewer.get("/api/v1/network?format=pdf")
    assert (response.status_code, list(response.json["errors"])) == (400, ["format"])


def test_an_unknown_parameter_is_400(viewer):
    assert viewer.get("/api/v1/network?colour=red").status_code == 400


@pytest.mark.parametrize("query", ["topic_id=language", "as_of=2020-13-01", "sector=outside"])
def test_bad_filter_values_are_400(viewer, query):
    assert viewer.get(f"/api/v1/network?{query}").status_code == 400


def test_topic_filter(viewer, session, tied):
    language = topic(session, "language")
    make_partner(session, name="Sprachschule", topics=[language])
    session.commit()
    nodes = viewer.get(f"/api/v1/network?topic_id={language.id}").json["nodes"]
    assert [node["name"] for node in nodes] == ["Sprachschule"]


def test_metrics_per_partner(viewer, tied):
    partner = viewer.get("/api/v1/network/metrics").json["partners"][0]
    assert (partner["name"], partner["degree"], partner["community"]) == (
        "Jobcenter Wittenberg",
        1,
        1,
    )


def test_metrics_say_how_betweenness_was_computed(viewer, tied):
    found = viewer.get("/api/v1/network/metrics").json["betweenness"]
    assert (found["method"], found["samples"], found["precomputed"]) == ("exact", None, False)


def test_metrics_use_betweenness_computed_ahead_of_time(viewer, session, tied):
    computed = refresh(session, NetworkFilter(as_of=date.today())).betweenness.computed_at
    session.commit()
    found = viewer.get("/api/v1/network/metrics").json["betweenness"]
    assert (found["precomputed"], found["computed_at"]) == (
        True,
        computed.isoformat().replace("+00:00", "Z"),
    )


def test_metrics_of_a_network_changed_since_the_refresh_are_computed_anew(viewer, session, tied):
    refresh(session, NetworkFilter(as_of=date.today()))
    make_membership(session, tied[1], make_partner(session))
    session.commit()
    assert viewer.get("/api/v1/network/metrics").json["betweenness"]["precomputed"] is False


def test_overlaps_answer_with_the_threshold_used(viewer):
    body = viewer.get("/api/v1/network/overlaps").json
    assert (body["threshold"], body["overlaps"]) == (0.5, [])


def test_an_overlap_threshold_of_zero_is_400(viewer):
    assert viewer.get("/api/v1/network/overlaps?threshold=0").status_code == 400


def test_coverage_as_json_has_a_cell_per_topic_and_target_group(viewer):
    assert len(viewer.get("/api/v1/network/coverage").json["cells"]) == 16 * 10


def test_coverage_as_xlsx(viewer):
    response = viewer.get("/api/v1/network/coverage?format=xlsx")
    assert (response.mimetype, response.data[:2]) == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        b"PK",
    )


def test_coverage_as_csv_by_accept_header(viewer):
    response = viewer.get("/api/v1/network/coverage", headers={"Accept": "text/csv"})
    assert response.get_data(as_text=True).startswith("topic_code,topic,target_group_code")


def test_coverage_refuses_graph_formats(viewer):
    assert viewer.get("/api/v1/network/coverage?format=graphml").status_code == 400


def test_the_contract_documents_the_file_formats(app):
    content = openapi_document(app)["paths"]["/api/v1/network"]["get"]["responses"]["200"]
    assert set(content["content"]) == {
        "application/json",
        "application/graphml+xml",
        "application/gexf+xml",
        "text/csv",
    }


def test_metrics_of_an_empty_network(viewer):
    body = viewer.get("/api/v1/network/metrics").json
    assert (body["partners"], body["communities"]) == ([], [])


def test_coverage_per_municipality_of_unknown_municipalities_is_empty(viewer):
    response = viewer.get(
        f"/api/v1/network/coverage?per_municipality=true&municipality_id={MISSING_ID}"
    )
    assert (response.status_code, response.json["cells"]) == (200, [])
