"""Candidate duplicate structures (Doppelstrukturen): pairs of steering groups with largely
the same members that also work on the same topics or for the same target groups."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import combinations

from crm.collector import collector_paused
from crm.network.model import MEMBERSHIP, Id, Network, Node, Term

DEFAULT_THRESHOLD = 0.5


@dataclass
class Overlap:
    steering_groups: tuple[Node, Node]
    jaccard: float
    shared_partners: list[Node]
    shared_topics: list[Term]
    shared_target_groups: list[Term]


@collector_paused()
def find_overlaps(network: Network, threshold: float = DEFAULT_THRESHOLD) -> list[Overlap]:
    """Pairs whose member sets on the day overlap with a Jaccard index (shared members /
    all members of either) of at least `threshold`, and that share a topic or a target
    group; strongest first."""
    members: dict[Id, set[Id]] = defaultdict(set)
    for tie in network.ties:
        if tie.type == MEMBERSHIP:
            members[tie.body_id].add(tie.partner_id)
    shared = _shared_member_counts(members)
    overlaps = []
    for (first, second), count in shared.items():
        jaccard = count / len(members[first] | members[second])
        if jaccard < threshold:
            continue
        overlap = _overlap(network, first, second, jaccard, members)
        if overlap.shared_topics or overlap.shared_target_groups:
            overlaps.append(overlap)
    overlaps.sort(
        key=lambda o: (-o.jaccard, -len(o.shared_partners), *(g.id for g in o.steering_groups))
    )
    return overlaps


def _shared_member_counts(members: dict[Id, set[Id]]) -> Counter:
    """How many members each pair of groups shares, for the pairs that share any: found
    from each partner's groups, never by comparing every pair of groups."""
    groups_of: dict[Id, list[Id]] = defaultdict(list)
    for group_id, partner_ids in members.items():
        for partner_id in partner_ids:
            groups_of[partner_id].append(group_id)
    shared: Counter = Counter()
    for group_ids in groups_of.values():
        shared.update(combinations(sorted(group_ids), 2))
    return shared


def _overlap(network: Network, first, second, jaccard: float, members: dict) -> Overlap:
    a, b = network.nodes[first], network.nodes[second]
    return Overlap(
        steering_groups=(a, b),
        jaccard=round(jaccard, 4),
        shared_partners=[network.nodes[p] for p in sorted(members[first] & members[second])],
        shared_topics=_shared(network.topics, a.topic_ids, b.topic_ids),
        shared_target_groups=_shared(network.target_groups, a.target_group_ids, b.target_group_ids),
    )


def _shared(vocabulary: dict[Id, Term], first: list, second: list) -> list[Term]:
    """The entries both have, in the vocabulary's order."""
    both = set(first) & set(second)
    return [term for term_id, term in vocabulary.items() if term_id in both]
