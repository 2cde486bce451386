"""/api/v1/network: the Netzwerkanalyse. Who works with whom, on which topics; which
structures duplicate each other (Doppelstrukturen) and which are missing."""

from collections.abc import Callable
from datetime import date

from flask import request
from flask.views import MethodView
from marshmallow import fields
from werkzeug.utils import get_content_type

from crm.collector import collector_paused
from crm.database import db
from crm.errors import Problem
from crm.http.blueprint import Blueprint
from crm.models.export import ExportFormat
from crm.network import formats as network_formats
from crm.network.api.schemas import (
    CoverageSchema,
    GraphSchema,
    MetricsSchema,
    NetworkArgs,
    OverlapArgs,
    OverlapsSchema,
    format_field,
)
from crm.network.coverage import compute_coverage
from crm.network.loading import load_network
from crm.network.metrics import CLASSIFIED_BY, compute_metrics
from crm.network.model import Network, NetworkFilter
from crm.network.overlaps import find_overlaps
from crm.network.snapshots import stored_or_on_request
from crm.reports.files import BINARY, TEXT, file_response
from crm.reports.formats import FORMATS

# Each view reads, analyses and writes as JSON a network of up to millions of objects, so
# the collector is paused for the whole view (see crm.collector): the dump and
# the JSON encoding too, which would otherwise rescan the network's objects as they go.
blp = Blueprint(
    "network",
    __name__,
    url_prefix="/api/v1/network",
    description="Netzwerkanalyse: partners, steering groups and agreements as a network, "
    "its key figures, overlapping bodies (Doppelstrukturen) and coverage gaps.",
)

JSON = "application/json"
GRAPH_FORMATS = {
    "json": JSON,
    "graphml": "application/graphml+xml",
    "gexf": "application/gexf+xml",
    "csv": "text/csv",
}
COVERAGE_FORMATS = {
    "json": JSON,
    "csv": "text/csv",
    "xlsx": FORMATS[ExportFormat.xlsx].media_type,
}
GRAPH_EXAMPLES = {
    "graphml": '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">...</graphml>',
    "gexf": '<gexf xmlns="http://gexf.net/1.3" version="1.3">...</gexf>',
    "csv": "source,source_label,target,target_label,target_type,type,role,start,end,weight",
}
COVERAGE_EXAMPLES = {
    "csv": "topic_code,topic,target_group_code,target_group,partners,steering_groups,"
    "agreements,gap,possible_duplicate,partner_names,steering_group_names,agreement_titles",
}


class NotAcceptable(Problem):
    status = 406
    title = "Not acceptable"


def chosen_format(formats: dict[str, str], requested: str | None) -> str:
    """`format=` wins; else the best match of `Accept`; JSON when neither is given."""
    if requested:
        return requested
    if not request.accept_mimetypes:
        return "json"
    best = request.accept_mimetypes.best_match(list(formats.values()))
    if best is None:
        offered = ", ".join(formats.values())
        raise NotAcceptable(f"This resource is available as {offered}; or use `format=`.")
    return next(name for name, mimetype in formats.items() if mimetype == best)


def respond(formats: dict[str, str], files: dict, requested: str | None, data, *, json, name):
    """`json` as JSON, or `data` written by `files[format]` as a download `name.format`."""
    kind = chosen_format(formats, requested)
    if kind == "json":
        return json, 200, {"Vary": "Accept"}
    media_type = get_content_type(formats[kind], "utf-8")  # text types name their charset
    response = file_response(files[kind](data), media_type, f"{name}.{kind}")
    response.vary.add("Accept")
    return response


def documents_files(formats: dict[str, str], examples: dict[str, str]) -> Callable:
    """Adds each non-JSON format to the operation's 200 response, and the 406."""

    def decorate(view: Callable) -> Callable:
        for name, mimetype in formats.items():
            if name != "json":
                view = blp.alt_response(
                    200,
                    schema=BINARY if name == "xlsx" else TEXT,
                    content_type=mimetype,
                    example=examples.get(name),
                    success=True,
                )(view)
        return blp.alt_response(406, response="NOT_ACCEPTABLE")(view)

    return decorate


def network_filter(args: dict) -> NetworkFilter:
    return NetworkFilter(
        as_of=args.get("as_of") or date.today(),
        topic_ids=frozenset(args.get("topic_id", ())),
        target_group_ids=frozenset(args.get("target_group_id", ())),
        sectors=frozenset(args.get("sector", ())),
        kinds=frozenset(args.get("kind", ())),
        municipality_ids=frozenset(args.get("municipality_id", ())),
    )


class GraphArgs(NetworkArgs):
    format = format_field(GRAPH_FORMATS)


class CoverageArgs(NetworkArgs):
    per_municipality = fields.Boolean(
        load_default=False,
        metadata={"description": "One cell per topic, target group and municipality."},
    )
    format = format_field(COVERAGE_FORMATS)


GRAPH_FILES = {
    "graphml": network_formats.graphml,
    "gexf": network_formats.gexf,
    "csv": network_formats.edge_list_csv,
}


COVERAGE_FILES = {"csv": network_formats.coverage_csv, "xlsx": network_formats.coverage_xlsx}


def graph_json(network: Network) -> dict:
    return {"as_of": network.as_of, "nodes": list(network.nodes.values()), "edges": network.ties}


@blp.route("")
class Graph(MethodView):
    @collector_paused()
    @blp.arguments(GraphArgs, location="query")
    @blp.response(200, GraphSchema)
    @documents_files(GRAPH_FORMATS, GRAPH_EXAMPLES)
    def get(self, args):
        """Get the network (Netzwerk) of partners, steering groups and agreements

        Nodes are partners, Steuerungsgruppen and Kooperationsvereinbarungen; an edge is a
        Mitgliedschaft or a Vertragspartei in force on `as_of` (today when absent). As
        JSON, GraphML (yEd, Cytoscape), GEXF (Gephi) or a CSV edge list, by `Accept` or
        `format`.
        """
        network = load_network(db.session, network_filter(args))
        return respond(
            GRAPH_FORMATS, GRAPH_FILES, args.get("format"), network,
            json=graph_json(network), name=f"netzwerk-{network.as_of}",
        )  # fmt: skip


@blp.route("/metrics")
class Metrics(MethodView):
    @collector_paused()
    @blp.arguments(NetworkArgs, location="query")
    @blp.response(200, MetricsSchema)
    def get(self, args):
        """Get the key figures of the network (Kennzahlen der Netzwerkanalyse)

        Per partner: degree, weighted degree, betweenness (who brokers between otherwise
        separate groups), whether it bridges verwaltungsintern and verwaltungsextern, and
        its community; per community its members and dominant topics (Handlungsfelder).
        The same data always gives the same result.

        Exact betweenness takes seconds for a district's network: it is computed ahead of
        time (`flask crm network refresh`, e.g. from cron) and used while the network is
        unchanged. Otherwise it is computed for the request, exactly for a small network,
        else estimated from a fixed sample of sources; `betweenness` says which and when.
        """
        network = load_network(db.session, network_filter(args), CLASSIFIED_BY)
        return compute_metrics(network, stored_or_on_request(db.session))


@blp.route("/overlaps")
class Overlaps(MethodView):
    @collector_paused()
    @blp.arguments(OverlapArgs, location="query")
    @blp.response(200, OverlapsSchema)
    def get(self, args):
        """List overlapping steering groups (mögliche Doppelstrukturen)

        Pairs of Steuerungsgruppen whose members overlap (Jaccard index at least
        `threshold`) and that share a topic or a target group, strongest first.
        """
        wanted = network_filter(args)
        overlaps = find_overlaps(load_network(db.session, wanted), args["threshold"])
        return {"as_of": wanted.as_of, "threshold": args["threshold"], "overlaps": overlaps}


@blp.route("/coverage")
class CoverageMatrix(MethodView):
    @collector_paused()
    @blp.arguments(CoverageArgs, location="query")
    @blp.response(200, CoverageSchema)
    @documents_files(COVERAGE_FORMATS, COVERAGE_EXAMPLES)
    def get(self, args):
        """Get the coverage matrix (Abdeckung: Handlungsfeld x Zielgruppe)

        For each topic and target group (and municipality, with `per_municipality`): the
        partners, Steuerungsgruppen and agreements in force that work there. Empty cells
        are gaps; cells served by bodies that share no partner may be Doppelstrukturen.
        As JSON, CSV or XLSX, by `Accept` or `format`.
        """
        wanted = network_filter(args)
        network = load_network(db.session, wanted)
        coverage = compute_coverage(
            db.session, network, wanted, per_municipality=args["per_municipality"]
        )
        return respond(
            COVERAGE_FORMATS, COVERAGE_FILES, args.get("format"), coverage,
            json=coverage, name=f"abdeckung-{coverage.as_of}",
        )  # fmt: skip
