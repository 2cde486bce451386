"""Betweenness kept from one request to the next, and across workers and restarts.

A snapshot is filed under the network's shape: a digest of its vertices (the nodes' ids,
in order) and its edges, which is all that betweenness depends on. A request reads the
network, works out its shape, and uses a snapshot only when one has exactly that shape;
otherwise it computes betweenness itself (network_betweenness.on_request). So a stored
figure is never stale: a new membership, an import, a merge, or a new day on which a
membership has ended all give another shape. The shape is used rather than the change
feed's position because the network changes without any change event when a day passes,
and because rows written around the audit trail (bulk loads) would go unnoticed.

`refresh` computes and stores the snapshot of today's network; `flask crm network
refresh` runs it, from cron (a pass over an unchanged network costs a read, about a
second for a district) or after an import.
"""

import hashlib
import sys
from array import array
from dataclasses import dataclass
from itertools import chain

import igraph
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from crm.collector import collector_paused
from crm.models import NetworkSnapshot
from crm.network import betweenness as network_betweenness
from crm.network.betweenness import Betweenness
from crm.network.loading import load_network
from crm.network.metrics import analysis_graph
from crm.network.model import Network, NetworkFilter

# Snapshots kept: today's network, and a few filtered views or days that were refreshed.
KEPT = 8


@dataclass
class Refreshed:
    betweenness: Betweenness
    computed_now: bool


def shape_of(network: Network) -> str:
    """The digest of the nodes' ids, in order, and of the edges (the analysis graph's)."""
    digest = hashlib.blake2b(digest_size=32)
    digest.update(len(network.nodes).to_bytes(8, "big"))
    digest.update("".join(network.nodes).encode())
    digest.update(array("q", chain.from_iterable(network.edges)).tobytes())
    return digest.hexdigest()


def stored_or_on_request(session: Session):
    """Betweenness for `compute_metrics`: the snapshot of this very network where there
    is one, else what the request can afford."""

    def betweenness(network: Network, graph: igraph.Graph) -> Betweenness:
        found = stored(session, shape_of(network))
        return found if found is not None else network_betweenness.on_request(graph)

    return betweenness


def stored(session: Session, shape: str) -> Betweenness | None:
    snapshot = session.scalar(select(NetworkSnapshot).where(NetworkSnapshot.shape == shape))
    if snapshot is None:
        return None
    return Betweenness(
        values=_unpacked(snapshot.betweenness),
        method=snapshot.method,
        samples=snapshot.samples,
        computed_at=snapshot.computed_at,
        precomputed=True,
    )


@collector_paused()
def refresh(session: Session, wanted: NetworkFilter) -> Refreshed:
    """The snapshot of the network `wanted` selects: the stored one while the network is
    unchanged, else computed (network_betweenness.ahead_of_time) and stored. Flushes."""
    network = load_network(session, wanted, classified_by=frozenset())
    shape = shape_of(network)
    found = stored(session, shape)
    if found is not None:
        return Refreshed(found, computed_now=False)
    computed = network_betweenness.ahead_of_time(analysis_graph(network))
    store(session, shape, network, computed)
    return Refreshed(computed, computed_now=True)


def store(session: Session, shape: str, network: Network, betweenness: Betweenness) -> None:
    """Files `betweenness` under `shape`, and forgets all but the newest KEPT snapshots."""
    session.add(
        NetworkSnapshot(
            shape=shape,
            as_of=network.as_of,
            computed_at=betweenness.computed_at,
            method=betweenness.method,
            samples=betweenness.samples,
            betweenness=_packed(betweenness.values),
        )
    )
    session.flush()
    newest = select(NetworkSnapshot.id).order_by(NetworkSnapshot.computed_at.desc()).limit(KEPT)
    session.execute(delete(NetworkSnapshot).where(NetworkSnapshot.id.not_in(newest)))


def _packed(values: list[float]) -> bytes:
    numbers = array("d", values)
    if sys.byteorder == "big":
        numbers.byteswap()
    return numbers.tobytes()


def _unpacked(data: bytes) -> list[float]:
    numbers = array("d")
    numbers.frombytes(data)
    if sys.byteorder == "big":
        numbers.byteswap()
    return numbers.tolist()
