"""The cooperation network (Netzwerkanalyse) on one day: who works with whom, on what.

Partners are the actors; steering groups and agreements are the bodies through which they
work together. A tie joins a partner to a body: a membership in force on the day, or a
party to an agreement in force on the day. Metrics, overlaps, coverage and the exports all
start from this one picture, so that they always agree with each other.

Filters select nodes: `sector`, `kind` and `municipality` select partners; `topic` and
`target group` select partners and bodies alike (the "language" network holds the partners
and bodies that work on language). A body belongs to the network while it has a tie to a
selected partner; a partner belongs to it while it is active, or while it has a tie.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from itertools import compress, repeat
from operator import itemgetter

from sqlalchemy import (
    ColumnElement,
    Enum,
    Float,
    Select,
    String,
    Uuid,
    case,
    cast,
    func,
    not_,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from crm.collector import collector_paused
from crm.models import (
    Agreement,
    AgreementParty,
    Membership,
    Municipality,
    Partner,
    SteeringGroup,
    TargetGroup,
    Topic,
)
from crm.models.enums import PartnerStatus, SteeringGroupStatus
from crm.network.model import (
    AGREEMENT,
    MEMBERSHIP,
    PARTNER,
    PARTY,
    ROLE_WEIGHTS,
    STEERING_GROUP,
    Id,
    Network,
    NetworkFilter,
    Node,
    Term,
    Tie,
)
from crm.records.agreements import in_force_on

CLASSIFICATION = (("topics", "topic_ids"), ("target_groups", "target_group_ids"))
PLACES = (("municipalities", "municipality_ids"),)
CLASSIFIERS = frozenset(relationship for relationship, _ in CLASSIFICATION + PLACES)


@collector_paused()
def load_network(
    session: Session, wanted: NetworkFilter, classified_by: frozenset[str] = CLASSIFIERS
) -> Network:
    """The network on `wanted.as_of`, restricted to what the filter selects.

    Reads the structure the analyses need (nodes, and one weighted edge per partner and
    body that are tied) with a few set-based queries; the ties themselves (ids, roles,
    spans), which only the exports, overlaps and coverage need, are read when first asked
    for (`Network.ties`). `classified_by` names the lists of the nodes to fill in (topics,
    target groups, municipalities); the others stay empty, which spares a large network
    reading link tables that an analysis does not look at."""
    edges = _edges(session, wanted.as_of)
    partner_ids, body_ids, weights = zip(*edges, strict=True) if edges else ((), (), ())
    tied = set(partner_ids)
    partners = [
        node
        for node in _partners(session, wanted, classified_by)
        if node.status == PartnerStatus.active or node.id in tied
    ]
    bodies = _bodies(session, SteeringGroup, STEERING_GROUP, wanted, classified_by) + _bodies(
        session, Agreement, AGREEMENT, wanted, classified_by
    )
    selected_partners = {node.id for node in partners}
    linked_bodies = set(compress(body_ids, map(selected_partners.__contains__, partner_ids)))
    nodes = sorted(partners, key=_node_id) + sorted(
        (body for body in bodies if body.id in linked_bodies), key=_node_id
    )
    pairs, weights = _weightiest(partner_ids, body_ids, weights, nodes)
    return Network(
        as_of=wanted.as_of,
        nodes={node.id: node for node in nodes},
        edges=pairs,
        weights=weights,
        topics=vocabulary(session, Topic),
        target_groups=vocabulary(session, TargetGroup),
        read_ties=lambda network: _ties_among(session, network),
    )


def _node_id(node: Node) -> Id:
    return node.id


def _weightiest(
    partner_ids: tuple, body_ids: tuple, weights: tuple, nodes: list[Node]
) -> tuple[list[tuple[int, int]], list[float]]:
    """The edges between two of `nodes` as pairs of their positions, one per pair with the
    greatest weight, sorted by partner and body (the order igraph's `simplify` gives).

    A state has 400,000s of ties: their ids are looked up with `map`, once each, as a
    test (`in`) and a lookup in the loop took longer than reading the ties."""
    position = {node.id: i for i, node in enumerate(nodes)}.get
    n = len(nodes)
    keyed = [
        (partner * n + body, weight)
        for partner, body, weight in zip(
            map(position, partner_ids), map(position, body_ids), weights, strict=True
        )
        if partner is not None and body is not None
    ]
    keyed.sort(key=itemgetter(1))
    weight_of = dict(keyed)  # the weightiest tie of a pair comes last, and wins
    order = sorted(weight_of)
    return list(map(divmod, order, repeat(n))), list(map(weight_of.__getitem__, order))


class _hex(FunctionElement):
    """A UUID column as 32 hex digits."""

    type = String()
    inherit_cache = True


@compiles(_hex)
def _hex_digits(element, compiler, **kw):
    return compiler.process(func.replace(cast(*element.clauses, String), "-", ""), **kw)


@compiles(_hex, "sqlite")
def _stored_hex_digits(element, compiler, **kw):
    # SQLite stores UUIDs as exactly these digits.
    return compiler.process(*element.clauses, **kw)


def as_text(column) -> ColumnElement[str]:
    """Ids as 32 hex digits, dates as ISO text, enumerations as their value: plain strings
    from the driver, which reads a large network several times faster than converting
    every value to a Python object."""
    if isinstance(column.type, Uuid):
        return _hex(column)
    if isinstance(column.type, String) and not isinstance(column.type, Enum):
        return column
    return cast(column, String)


def _text_rows(session: Session, *columns, where=()) -> list[tuple]:
    statement = select(*map(as_text, columns)).where(*where)
    return session.connection().execute(statement).all()


def vocabulary(session: Session, model: type) -> dict[Id, Term]:
    """Every entry of a vocabulary, in its sort order (German labels)."""
    rows = session.execute(
        select(as_text(model.id), model.code, model.label_de, model.label_en).order_by(
            model.sort_name, model.id
        )
    )
    return {row[0]: Term(*row) for row in rows}


@dataclass(frozen=True)
class _TieSource:
    """Where ties of one type are stored: the table, its columns that hold the body and
    the first and last day of the tie, and which bodies bind their partners on a day."""

    type: str
    model: type
    body: str
    start: str
    end: str
    bodies_out_of_force: Callable[[date], Select]

    def columns(self, *names: str) -> list:
        return [getattr(self.model, name) for name in names]

    def in_force(self, day: date) -> tuple[ColumnElement[bool], ...]:
        # A span open at either end is open; written with `coalesce`, so that no index on
        # the dates applies: a day's ties are most of the table, and reading them through
        # an index (which SQLite would otherwise do) costs a random read per row.
        start, end, body = self.columns(self.start, self.end, self.body)
        return (
            func.coalesce(start, day) <= day,
            func.coalesce(end, day) >= day,
            # Not among the few bodies out of force, rather than among the many in force:
            # SQLite would look each of those up through an index.
            body.not_in(self.bodies_out_of_force(day)),
        )


TIE_SOURCES = (
    _TieSource(
        MEMBERSHIP,
        Membership,
        "steering_group_id",
        "start_date",
        "end_date",
        lambda day: select(SteeringGroup.id).where(SteeringGroup.dissolved_on < day),
    ),
    _TieSource(
        PARTY,
        AgreementParty,
        "agreement_id",
        "joined_on",
        "left_on",
        lambda day: select(Agreement.id).where(not_(in_force_on(day))),
    ),
)


def _edges(session: Session, day: date) -> list[tuple[Id, Id, float]]:
    """(partner, body, weight) of each tie on `day`; weighted by role, see ROLE_WEIGHTS."""
    edges = []
    for source in TIE_SOURCES:
        partner, body, role = source.columns("partner_id", source.body, "role")
        weight = case(ROLE_WEIGHTS, value=as_text(role), else_=1.0)
        statement = select(as_text(partner), as_text(body), cast(weight, Float)).where(
            *source.in_force(day)
        )
        edges += session.connection().execute(statement).all()
    return edges


def _ties_among(session: Session, network: Network) -> list[Tie]:
    """The ties on the network's day between two of its nodes."""
    nodes, ties = network.nodes, []
    for source in TIE_SOURCES:
        names = ("id", "partner_id", source.body, "role", source.start, source.end)
        statement = select(*map(as_text, source.columns(*names))).where(
            *source.in_force(network.as_of)
        )
        rows = session.connection().execute(statement).all()
        ties += (
            Tie(row[0], source.type, *row[1:])
            for row in rows
            if row[1] in nodes and row[2] in nodes
        )
    return sorted(ties, key=lambda tie: (tie.partner_id, tie.body_id, tie.id))


def _partners(session: Session, wanted: NetworkFilter, classified_by: frozenset[str]) -> list[Node]:
    conditions = _classified(Partner, wanted)
    if wanted.sectors:
        conditions.append(Partner.sector.in_(wanted.sectors))
    if wanted.kinds:
        conditions.append(Partner.kind.in_(wanted.kinds))
    if wanted.municipality_ids:
        conditions.append(Partner.municipalities.any(Municipality.id.in_(wanted.municipality_ids)))
    rows = _text_rows(
        session,
        Partner.id,
        Partner.name,
        Partner.short_name,
        Partner.kind,
        Partner.status,
        Partner.sector,
        where=conditions,
    )
    nodes = [Node(row[0], PARTNER, row[1], row[2] or row[1], *row[3:]) for row in rows]
    _attach(session, nodes, Partner, CLASSIFICATION + PLACES, classified_by)
    return nodes


def _bodies(
    session: Session,
    model: type,
    node_type: str,
    wanted: NetworkFilter,
    classified_by: frozenset[str],
) -> list[Node]:
    name = model.name if model is SteeringGroup else model.title
    short_name = model.short_name if model is SteeringGroup else model.title
    conditions = _classified(model, wanted)
    if model is SteeringGroup:
        conditions.append(model.status != SteeringGroupStatus.archived)
    rows = _text_rows(
        session, model.id, name, short_name, model.kind, model.status, where=conditions
    )
    nodes = [Node(row[0], node_type, row[1], row[2] or row[1], *row[3:]) for row in rows]
    _attach(session, nodes, model, CLASSIFICATION, classified_by)
    return nodes


def _classified(model: type, wanted: NetworkFilter) -> list[ColumnElement[bool]]:
    conditions = []
    if wanted.topic_ids:
        conditions.append(model.topics.any(Topic.id.in_(wanted.topic_ids)))
    if wanted.target_group_ids:
        conditions.append(model.target_groups.any(TargetGroup.id.in_(wanted.target_group_ids)))
    return conditions


def _attach(
    session: Session,
    nodes: list[Node],
    model: type,
    relationships: tuple,
    classified_by: frozenset[str],
) -> None:
    """Fill in the nodes' `topic_ids`, `target_group_ids`, `municipality_ids`, those that
    `classified_by` asks for.

    Reads each link table whole: one query each, however many nodes there are.
    """
    by_id = {node.id: node for node in nodes}
    for relationship, attribute in relationships:
        if relationship not in classified_by:
            continue
        links = getattr(model, relationship).property.secondary
        owner, entry = links.c
        statement = select(as_text(owner), func.aggregate_strings(as_text(entry), " "))
        for owner_id, entry_ids in session.connection().execute(statement.group_by(owner)).all():
            node = by_id.get(owner_id)
            if node is not None:
                setattr(node, attribute, sorted(entry_ids.split()))
