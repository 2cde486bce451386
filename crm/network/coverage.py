"""Coverage (Abdeckung): which topics are worked on for which target groups, and where.

A cell of the topic x target group matrix (optionally x municipality) holds the partners,
steering groups and agreements in force that work on that topic for that target group.
An empty cell is a gap (a missing structure). A cell served by bodies that share no
partner, directly or through each other, may hold duplicate structures (Doppelstrukturen).

A partner counts in a municipality it serves; a body counts where one of its current
members or parties serves. Partners that record no municipality count in none.
"""

from dataclasses import dataclass, field
from itertools import product

from sqlalchemy.orm import Session

from crm.collector import collector_paused
from crm.models import Municipality
from crm.network.loading import vocabulary
from crm.network.model import PARTNER, STEERING_GROUP, Id, Network, NetworkFilter, Node, Term


@dataclass
class Cell:
    topic: Term
    target_group: Term
    municipality: Term | None = None
    partners: list[Node] = field(default_factory=list)
    steering_groups: list[Node] = field(default_factory=list)
    agreements: list[Node] = field(default_factory=list)
    possible_duplicate: bool = False

    @property
    def gap(self) -> bool:
        return not (self.partners or self.steering_groups or self.agreements)


@dataclass
class Coverage:
    as_of: object
    topics: list[Term]
    target_groups: list[Term]
    municipalities: list[Term] | None
    cells: list[Cell]


@collector_paused()
def compute_coverage(
    session: Session, network: Network, wanted: NetworkFilter, *, per_municipality: bool
) -> Coverage:
    topics = _axis(network.topics, wanted.topic_ids)
    target_groups = _axis(network.target_groups, wanted.target_group_ids)
    municipalities = (
        _axis(vocabulary(session, Municipality), wanted.municipality_ids)
        if per_municipality
        else None
    )
    places = _places(network) if per_municipality else {}
    cells = {
        (t.id, g.id, m.id if m else None): Cell(t, g, m)
        for t, g, m in product(
            topics, target_groups, [None] if municipalities is None else municipalities
        )
    }
    for node in network.nodes.values():
        for key in product(node.topic_ids, node.target_group_ids, places.get(node.id, [None])):
            if key in cells:
                _cell_list(cells[key], node).append(node)
    for cell in cells.values():
        cell.possible_duplicate = _separate_bodies(network, cell) > 1
    return Coverage(network.as_of, topics, target_groups, municipalities, list(cells.values()))


def _axis(terms: dict[Id, Term], wanted: frozenset) -> list[Term]:
    """The vocabulary's entries, or those of them the filter names."""
    wanted_ids = {entry_id.hex for entry_id in wanted}
    return [term for term in terms.values() if not wanted or term.id in wanted_ids]


def _cell_list(cell: Cell, node: Node) -> list[Node]:
    return {PARTNER: cell.partners, STEERING_GROUP: cell.steering_groups}.get(
        node.type, cell.agreements
    )


def _places(network: Network) -> dict[Id, set[Id]]:
    """Where each node works: a partner where it serves, a body where its partners do."""
    places = {node.id: set(node.municipality_ids) for node in network.partners}
    for tie in network.ties:
        places.setdefault(tie.body_id, set()).update(places[tie.partner_id])
    return places


def _separate_bodies(network: Network, cell: Cell) -> int:
    """How many groups of the cell's bodies are not linked by a shared partner."""
    bodies = [*cell.steering_groups, *cell.agreements]
    if len(bodies) < 2:
        return len(bodies)
    root = {body.id: body.id for body in bodies}

    def find(body_id):
        while root[body_id] != body_id:
            root[body_id] = root[root[body_id]]
            body_id = root[body_id]
        return body_id

    first_body_of: dict[Id, Id] = {}
    for body in bodies:
        for tie in network.ties_by_body[body.id]:
            other = first_body_of.setdefault(tie.partner_id, body.id)
            root[find(body.id)] = find(other)
    return len({find(body_id) for body_id in root})
