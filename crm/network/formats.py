"""The network as files for other tools: GraphML (yEd, Cytoscape), GEXF (Gephi), CSV edge
lists, and the coverage matrix as CSV and XLSX for spreadsheets."""

import csv
import io
from collections.abc import Callable, Iterable
from xml.etree import ElementTree

from openpyxl import Workbook
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from crm.network.coverage import Coverage
from crm.network.model import Network, Node, Tie, public_id
from crm.reports.csv_format import defused
from crm.reports.xlsx_format import BOLD, write_cell

GAP = PatternFill("solid", fgColor="F4B6B6")
POSSIBLE_DUPLICATE = PatternFill("solid", fgColor="FFD98C")
GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
GEXF_NS = "http://gexf.net/1.3"


def _codes(network: Network, vocabulary: str, ids_attribute: str) -> Callable[[Node], str]:
    terms = getattr(network, vocabulary)
    return lambda node: ";".join(terms[i].code for i in getattr(node, ids_attribute))


def _node_attributes(network: Network) -> list[tuple[str, str, Callable[[Node], object]]]:
    """(name, GraphML/GEXF type, value) of each node attribute."""
    return [
        ("type", "string", lambda node: node.type),
        ("name", "string", lambda node: node.name),
        ("kind", "string", lambda node: node.kind),
        ("sector", "string", lambda node: node.sector or ""),
        ("status", "string", lambda node: node.status),
        ("topics", "string", _codes(network, "topics", "topic_ids")),
        ("target_groups", "string", _codes(network, "target_groups", "target_group_ids")),
    ]


EDGE_ATTRIBUTES: list[tuple[str, str, Callable[[Tie], object]]] = [
    ("type", "string", lambda tie: tie.type),
    ("role", "string", lambda tie: tie.role),
    ("start", "string", lambda tie: tie.start or ""),
    ("end", "string", lambda tie: tie.end or ""),
    ("weight", "double", lambda tie: tie.weight),
]


def _ends(tie: Tie) -> dict[str, str]:
    return {
        "id": public_id(tie.id),
        "source": public_id(tie.partner_id),
        "target": public_id(tie.body_id),
    }


def _xml(root: ElementTree.Element) -> bytes:
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def graphml(network: Network) -> bytes:
    root = ElementTree.Element("graphml", xmlns=GRAPHML_NS)
    for scope, prefix, attributes in (
        ("node", "n", _node_attributes(network)),
        ("edge", "e", EDGE_ATTRIBUTES),
    ):
        for name, kind, _ in attributes:
            ElementTree.SubElement(
                root, "key", {"id": f"{prefix}_{name}", "for": scope, "attr.name": name,
                              "attr.type": kind},
            )  # fmt: skip
    graph = ElementTree.SubElement(root, "graph", id="network", edgedefault="undirected")
    for node in network.nodes.values():
        element = ElementTree.SubElement(graph, "node", id=public_id(node.id))
        _graphml_data(element, "n", _node_attributes(network), node)
    for tie in network.ties:
        element = ElementTree.SubElement(graph, "edge", _ends(tie))
        _graphml_data(element, "e", EDGE_ATTRIBUTES, tie)
    return _xml(root)


def _graphml_data(element, prefix: str, attributes, item) -> None:
    for name, _, value in attributes:
        ElementTree.SubElement(element, "data", key=f"{prefix}_{name}").text = str(value(item))


def gexf(network: Network) -> bytes:
    root = ElementTree.Element("gexf", xmlns=GEXF_NS, version="1.3")
    meta = ElementTree.SubElement(root, "meta", lastmodifieddate=network.as_of.isoformat())
    ElementTree.SubElement(meta, "creator").text = "Kooperationspartner-CRM"
    ElementTree.SubElement(meta, "description").text = f"Netzwerk am {network.as_of:%d.%m.%Y}"
    graph = ElementTree.SubElement(root, "graph", defaultedgetype="undirected", mode="static")
    node_attributes = _node_attributes(network)
    for scope, attributes in (("node", node_attributes), ("edge", EDGE_ATTRIBUTES)):
        declared = ElementTree.SubElement(graph, "attributes", {"class": scope})
        for name, kind, _ in attributes:
            ElementTree.SubElement(declared, "attribute", id=name, title=name, type=kind)
    nodes = ElementTree.SubElement(graph, "nodes")
    for node in network.nodes.values():
        element = ElementTree.SubElement(nodes, "node", id=public_id(node.id), label=node.label)
        _gexf_values(element, node_attributes, node)
    edges = ElementTree.SubElement(graph, "edges")
    for tie in network.ties:
        element = ElementTree.SubElement(edges, "edge", _ends(tie), weight=str(tie.weight))
        _gexf_values(element, EDGE_ATTRIBUTES, tie)
    return _xml(root)


def _gexf_values(element, attributes, item) -> None:
    values = ElementTree.SubElement(element, "attvalues")
    for name, _, value in attributes:
        ElementTree.SubElement(values, "attvalue", {"for": name, "value": str(value(item))})


def _csv(header: list[str], rows: Iterable[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([defused(value) for value in row] for row in rows)
    return out.getvalue().encode("utf-8")


def edge_list_csv(network: Network) -> bytes:
    header = ["source", "source_label", "target", "target_label", "target_type"]
    header += [name for name, _, _ in EDGE_ATTRIBUTES]
    rows = (
        [
            public_id(tie.partner_id),
            network.nodes[tie.partner_id].label,
            public_id(tie.body_id),
            network.nodes[tie.body_id].label,
            network.nodes[tie.body_id].type,
            *(value(tie) for _, _, value in EDGE_ATTRIBUTES),
        ]
        for tie in network.ties
    )
    return _csv(header, rows)


def _names(nodes: list[Node]) -> str:
    return "; ".join(node.name for node in nodes)


def _coverage_rows(coverage: Coverage) -> tuple[list[str], list[list]]:
    header = ["topic_code", "topic", "target_group_code", "target_group"]
    if coverage.municipalities is not None:
        header += ["municipality_code", "municipality"]
    header += ["partners", "steering_groups", "agreements", "gap", "possible_duplicate"]
    header += ["partner_names", "steering_group_names", "agreement_titles"]
    rows = []
    for cell in coverage.cells:
        row = [cell.topic.code, cell.topic.label_de]
        row += [cell.target_group.code, cell.target_group.label_de]
        if coverage.municipalities is not None:
            row += [cell.municipality.code, cell.municipality.label_de]
        row += [len(cell.partners), len(cell.steering_groups), len(cell.agreements)]
        row += [cell.gap, cell.possible_duplicate]
        row += [_names(cell.partners), _names(cell.steering_groups), _names(cell.agreements)]
        rows.append(row)
    return header, rows


def coverage_csv(coverage: Coverage) -> bytes:
    header, rows = _coverage_rows(coverage)
    return _csv(header, ([str(v).lower() if isinstance(v, bool) else v for v in r] for r in rows))


def coverage_xlsx(coverage: Coverage) -> bytes:
    """A sheet per cell ("Zellen") and, without municipalities, the matrix ("Matrix"):
    gaps red, possible duplicates amber."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    if coverage.municipalities is None:
        _matrix_sheet(workbook.create_sheet("Matrix"), coverage)
    sheet = workbook.create_sheet("Zellen")
    header, rows = _coverage_rows(coverage)
    for column, title in enumerate(header, 1):
        _heading(sheet.cell(1, column), title)
    for number, row in enumerate(rows, 2):
        for column, value in enumerate(row, 1):
            write_cell(sheet.cell(number, column), defused(value))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _matrix_sheet(sheet: Worksheet, coverage: Coverage) -> None:
    _heading(sheet.cell(1, 1), "Handlungsfeld \\ Zielgruppe (Partner / Gremien / Vereinbarungen)")
    columns = {group.id: number for number, group in enumerate(coverage.target_groups, 2)}
    rows = {topic.id: number for number, topic in enumerate(coverage.topics, 2)}
    for group in coverage.target_groups:
        _heading(sheet.cell(1, columns[group.id]), group.label_de)
    for topic in coverage.topics:
        _heading(sheet.cell(rows[topic.id], 1), topic.label_de)
    for cell in coverage.cells:
        target = sheet.cell(rows[cell.topic.id], columns[cell.target_group.id])
        write_cell(
            target, f"{len(cell.partners)} / {len(cell.steering_groups)} / {len(cell.agreements)}"
        )
        if cell.gap or cell.possible_duplicate:
            target.fill = GAP if cell.gap else POSSIBLE_DUPLICATE
    sheet.column_dimensions["A"].width = 40
    for number in columns.values():
        sheet.column_dimensions[get_column_letter(number)].width = 18
    sheet.freeze_panes = "B2"


def _heading(cell, title: str) -> None:
    write_cell(cell, title)
    cell.font = BOLD
