"""What the cooperation network is made of: partners and bodies (nodes), the ties between
them, and the vocabularies they are classified by. crm.network.loading reads it."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from uuid import UUID

# Ids inside the network are 32 hex digits, as the database gives them: turning 400,000
# of them into uuid.UUID objects would take longer than all the analysis. `public_id` gives
# the usual form for the world outside.
Id = str

PARTNER, STEERING_GROUP, AGREEMENT = "partner", "steering_group", "agreement"
MEMBERSHIP, PARTY = "membership", "party"

# Ties in which a partner steers a body count double, advisory ties half.
ROLE_WEIGHTS = {
    "chair": 2.0,
    "deputy_chair": 2.0,
    "coordinator": 2.0,
    "lead": 2.0,
    "advisor": 0.5,
    "guest": 0.5,
}


@dataclass(frozen=True)
class NetworkFilter:
    """Which part of the network to look at; empty sets select everything."""

    as_of: date
    topic_ids: frozenset[UUID] = frozenset()
    target_group_ids: frozenset[UUID] = frozenset()
    sectors: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    municipality_ids: frozenset[UUID] = frozenset()


@dataclass
class Node:
    id: Id
    type: str
    name: str
    label: str
    kind: str
    status: str
    sector: str | None = None
    topic_ids: list[Id] = field(default_factory=list)
    target_group_ids: list[Id] = field(default_factory=list)
    municipality_ids: list[Id] = field(default_factory=list)


@dataclass
class Tie:
    id: Id
    type: str
    partner_id: Id
    body_id: Id
    role: str
    start: str | None
    end: str | None

    @property
    def weight(self) -> float:
        return ROLE_WEIGHTS.get(self.role, 1.0)


@dataclass
class Term:
    """An entry of a vocabulary (topic, target group, municipality)."""

    id: Id
    code: str
    label_de: str
    label_en: str


@dataclass
class Network:
    """Nodes in their order (partners, then steering groups and agreements, each by id);
    `edges` join the nodes' positions, one per partner and body that are tied, sorted,
    with the weight of the weightiest tie. They are all that the metrics and the shape
    need; `ties`, each membership and party, are read on first use."""

    as_of: date
    nodes: dict[Id, Node]
    edges: list[tuple[int, int]]
    weights: list[float]
    topics: dict[Id, Term]
    target_groups: dict[Id, Term]
    read_ties: Callable[["Network"], list[Tie]] = field(repr=False, compare=False)

    @cached_property
    def ties(self) -> list[Tie]:
        return self.read_ties(self)

    @property
    def partners(self) -> list[Node]:
        return [node for node in self.nodes.values() if node.type == PARTNER]

    @cached_property
    def ties_by_body(self) -> dict[Id, list[Tie]]:
        by_body: dict[Id, list[Tie]] = defaultdict(list)
        for tie in self.ties:
            by_body[tie.body_id].append(tie)
        return by_body


def public_id(hex_digits: Id) -> str:
    """`6b1f0c6e-0000-4000-8000-000000000000`, as the API writes ids."""
    h = hex_digits
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
