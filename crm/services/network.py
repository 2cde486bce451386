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

from collections import defaultdict
from datetime import date
from sys import intern

from sqlalchemy import ColumnElement, Enum, String, Uuid, and_, cast, func, or_, select
from sqlalchemy.orm import Session

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
from crm.models.enums import AgreementStatus, PartnerStatus, SteeringGroupStatus
from crm.services.memberships import in_force_on
from crm.services.network_model import (
    AGREEMENT,
    MEMBERSHIP,
    PARTNER,
    PARTY,
    STEERING_GROUP,
    Id,
    Network,
    NetworkFilter,
    Node,
    Term,
    Tie,
    without_collector_pauses,
)

ENDED = (AgreementStatus.expired, AgreementStatus.terminated)
CLASSIFICATION = (("topics", "topic_ids"), ("target_groups", "target_group_ids"))


@without_collector_pauses
def load_network(session: Session, wanted: NetworkFilter) -> Network:
    """The network on `wanted.as_of`, restricted to what the filter selects."""
    ties = _memberships(session, wanted.as_of) + _parties(session, wanted.as_of)
    tied = {tie.partner_id for tie in ties}
    partners = [
        node
        for node in _partners(session, wanted)
        if node.status == PartnerStatus.active or node.id in tied
    ]
    bodies = _bodies(session, SteeringGroup, STEERING_GROUP, wanted) + _bodies(
        session, Agreement, AGREEMENT, wanted
    )
    selected = {node.id for node in partners} | {node.id for node in bodies}
    ties = [tie for tie in ties if tie.partner_id in selected and tie.body_id in selected]
    linked_bodies = {tie.body_id for tie in ties}
    nodes = sorted(partners, key=_node_id) + sorted(
        (body for body in bodies if body.id in linked_bodies), key=_node_id
    )
    return Network(
        as_of=wanted.as_of,
        nodes={node.id: node for node in nodes},
        ties=sorted(ties, key=lambda tie: (tie.partner_id, tie.body_id, tie.id)),
        topics=vocabulary(session, Topic),
        target_groups=vocabulary(session, TargetGroup),
    )


def _node_id(node: Node) -> Id:
    return node.id


def as_text(column) -> ColumnElement[str]:
    """Ids as 32 hex digits, dates as ISO text, enumerations as their value: plain strings
    from the driver, which reads a large network several times faster than converting
    every value to a Python object."""
    if isinstance(column.type, Uuid):
        return func.replace(cast(column, String), "-", "")
    if isinstance(column.type, String) and not isinstance(column.type, Enum):
        return column
    return cast(column, String)


def _text_rows(session: Session, *columns, where=(), join=None):
    statement = select(*map(as_text, columns)).where(*where)
    if join is not None:
        statement = statement.join(*join)
    return session.connection().execute(statement)


def vocabulary(session: Session, model: type) -> dict[Id, Term]:
    """Every entry of a vocabulary, in its sort order (German labels)."""
    rows = session.execute(
        select(as_text(model.id), model.code, model.label_de, model.label_en).order_by(
            model.sort_name, model.id
        )
    )
    return {row[0]: Term(*row) for row in rows}


def agreement_in_force_on(day: date) -> ColumnElement[bool]:
    """Agreements that bound their parties on `day`: in force (`active`), or ended
    (expired, terminated) with a known last day; and valid from, or signed, by then."""
    started = func.coalesce(Agreement.valid_from, Agreement.signed_on)
    return and_(
        or_(
            Agreement.status == AgreementStatus.active,
            and_(Agreement.status.in_(ENDED), Agreement.valid_until.is_not(None)),
        ),
        or_(started.is_(None), started <= day),
        or_(Agreement.valid_until.is_(None), Agreement.valid_until >= day),
    )


def _memberships(session: Session, day: date) -> list[Tie]:
    return _ties(
        session,
        MEMBERSHIP,
        Membership,
        ("steering_group_id", "start_date", "end_date"),
        join=(SteeringGroup, SteeringGroup.id == Membership.steering_group_id),
        where=(
            in_force_on(day),
            or_(SteeringGroup.dissolved_on.is_(None), SteeringGroup.dissolved_on >= day),
        ),
    )


def _parties(session: Session, day: date) -> list[Tie]:
    return _ties(
        session,
        PARTY,
        AgreementParty,
        ("agreement_id", "joined_on", "left_on"),
        join=(Agreement, Agreement.id == AgreementParty.agreement_id),
        where=(
            agreement_in_force_on(day),
            or_(AgreementParty.joined_on.is_(None), AgreementParty.joined_on <= day),
            or_(AgreementParty.left_on.is_(None), AgreementParty.left_on >= day),
        ),
    )


def _ties(session: Session, tie_type: str, model: type, names: tuple, *, join, where) -> list:
    """Ties from `model`, whose columns `names` hold the body, the start and the end."""
    body, start, end = (getattr(model, name) for name in names)
    rows = _text_rows(
        session, model.id, model.partner_id, body, model.role, start, end, join=join, where=where
    )
    # One string object per id, so that its hash is computed once, not at every lookup.
    return [Tie(row[0], tie_type, intern(row[1]), intern(row[2]), *row[3:]) for row in rows]


def _partners(session: Session, wanted: NetworkFilter) -> list[Node]:
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
    nodes = [Node(intern(row[0]), PARTNER, row[1], row[2] or row[1], *row[3:]) for row in rows]
    _attach(session, nodes, Partner, (*CLASSIFICATION, ("municipalities", "municipality_ids")))
    return nodes


def _bodies(session: Session, model: type, node_type: str, wanted: NetworkFilter) -> list[Node]:
    name = model.name if model is SteeringGroup else model.title
    short_name = model.short_name if model is SteeringGroup else model.title
    conditions = _classified(model, wanted)
    if model is SteeringGroup:
        conditions.append(model.status != SteeringGroupStatus.archived)
    rows = _text_rows(
        session, model.id, name, short_name, model.kind, model.status, where=conditions
    )
    nodes = [Node(intern(row[0]), node_type, row[1], row[2] or row[1], *row[3:]) for row in rows]
    _attach(session, nodes, model, CLASSIFICATION)
    return nodes


def _classified(model: type, wanted: NetworkFilter) -> list[ColumnElement[bool]]:
    conditions = []
    if wanted.topic_ids:
        conditions.append(model.topics.any(Topic.id.in_(wanted.topic_ids)))
    if wanted.target_group_ids:
        conditions.append(model.target_groups.any(TargetGroup.id.in_(wanted.target_group_ids)))
    return conditions


def _attach(session: Session, nodes: list[Node], model: type, relationships: tuple) -> None:
    """Fill in the nodes' `topic_ids`, `target_group_ids`, `municipality_ids`.

    Reads each link table whole: one query each, however many nodes there are.
    """
    by_id = {node.id: node for node in nodes}
    for relationship, attribute in relationships:
        links = getattr(model, relationship).property.secondary
        owner, entry = links.c
        linked: dict[Id, list[Id]] = defaultdict(list)
        for owner_id, entry_id in _text_rows(session, owner, entry):
            if owner_id in by_id:
                linked[owner_id].append(entry_id)
        for owner_id, entry_ids in linked.items():
            setattr(by_id[owner_id], attribute, sorted(entry_ids))
