"""What the network endpoints answer in JSON, and the query arguments they share."""

from collections.abc import Callable
from functools import cached_property
from operator import attrgetter

import marshmallow as ma
from marshmallow import fields, validate

from crm.api.vocabularies import SNAKE_CASE
from crm.http.fields import Timestamp
from crm.http.patterns import Pattern
from crm.models.enums import Sector
from crm.network.model import public_id
from crm.network.overlaps import DEFAULT_THRESHOLD


def as_of() -> fields.Date:
    return fields.Date(
        metadata={
            "description": "The network on that day; today when absent.",
            "example": "2017-03-01",
        }
    )


class NetworkArgs(ma.Schema):
    """The filters every network endpoint takes."""

    as_of = as_of()
    topic_id = fields.List(
        fields.UUID(), metadata={"description": "Partners and bodies working on any of these."}
    )
    target_group_id = fields.List(
        fields.UUID(), metadata={"description": "Partners and bodies serving any of these."}
    )
    sector = fields.List(fields.Enum(Sector, by_value=True))
    kind = fields.List(
        fields.String(
            validate=[
                validate.Length(max=60),
                Pattern(SNAKE_CASE, error="A partner kind code, e.g. 'job_centre'."),
            ]
        ),
        metadata={"description": "Partner kinds, codes from /api/v1/partner-kinds."},
    )
    municipality_id = fields.List(
        fields.UUID(), metadata={"description": "Partners serving any of these municipalities."}
    )


def format_field(formats: dict[str, str]) -> fields.String:
    listed = ", ".join(f"`{name}` ({mimetype})" for name, mimetype in formats.items())
    return fields.String(
        validate=validate.OneOf(list(formats)),
        metadata={"description": f"Instead of `Accept`: {listed}."},
    )


class OverlapArgs(ma.Schema):
    as_of = as_of()
    threshold = fields.Float(
        load_default=DEFAULT_THRESHOLD,
        validate=validate.Range(min=0, max=1, min_inclusive=False),
        metadata={"description": "The least Jaccard index of the member sets (0 < t <= 1)."},
    )


class NetworkId(fields.UUID):
    """The network keeps ids as hex digits (see crm.network.loading); written as usual."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else public_id(value)


# Fields whose values the network already holds as JSON writes them (str, int, float,
# bool, None): Rows writes those as they are.
PLAIN = (fields.String, fields.Integer, fields.Float, fields.Boolean)


class Rows(fields.List):
    """A list of flat objects, each dumped by the fields of the nested schema, without
    marshmallow's lookups around every value: a state's network has 100,000s of rows and
    the lookups took most of a request. Values of plain fields (PLAIN) are taken as they
    are; the others (ids, lists) are converted by their field. The same schema documents
    them."""

    @cached_property
    def _layout(self) -> tuple[list[str], Callable, list[tuple[int, str, Callable]]]:
        """The keys, a reader of every source value, and the converters: worked out once."""
        named = self.inner.schema.dump_fields.items()
        keys = [f.data_key or name for name, f in named]
        sources = [f.attribute or name for name, f in named]
        read = attrgetter(*sources, sources[0])  # a tuple, however few the fields
        converted = [
            (i, sources[i], f._serialize) for i, (_, f) in enumerate(named) if type(f) not in PLAIN
        ]
        return keys, read, converted

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        keys, read, converted = self._layout
        rows = []
        for item in value:
            row = list(read(item))
            for i, source, convert in converted:
                row[i] = convert(row[i], source, item)
            rows.append(dict(zip(keys, row, strict=False)))
        return rows


class TermSchema(ma.Schema):
    id = NetworkId()
    code = fields.String(metadata={"example": "language"})
    label_de = fields.String(metadata={"example": "Sprache und Sprachförderung"})
    label_en = fields.String(metadata={"example": "language"})


class NodeSchema(ma.Schema):
    id = NetworkId()
    type = fields.String(metadata={"description": "partner, steering_group or agreement"})
    name = fields.String(metadata={"example": "Jobcenter Landkreis Wittenberg"})
    label = fields.String(metadata={"description": "Short name where there is one."})
    kind = fields.String(metadata={"example": "job_centre"})
    sector = fields.String(allow_none=True, metadata={"description": "Partners only."})
    status = fields.String(metadata={"example": "active"})
    topic_ids = fields.List(NetworkId())
    target_group_ids = fields.List(NetworkId())
    municipality_ids = fields.List(NetworkId(), metadata={"description": "Partners only."})


class EdgeSchema(ma.Schema):
    id = NetworkId(metadata={"description": "The membership's or the party's id."})
    type = fields.String(metadata={"description": "membership or party"})
    source = NetworkId(attribute="partner_id", metadata={"description": "The partner."})
    target = NetworkId(attribute="body_id", metadata={"description": "Group or agreement."})
    role = fields.String(metadata={"example": "chair"})
    start = fields.String(allow_none=True, metadata={"format": "date", "example": "2016-04-14"})
    end = fields.String(allow_none=True, metadata={"format": "date", "example": "2018-12-31"})
    weight = fields.Float(
        metadata={"description": "2 where the partner steers (chair, coordinator, lead), "
                  "0.5 for advisors and guests, else 1."}
    )  # fmt: skip


class GraphSchema(ma.Schema):
    as_of = fields.Date()
    nodes = Rows(fields.Nested(NodeSchema))
    edges = Rows(fields.Nested(EdgeSchema))


class PartnerMetricsSchema(ma.Schema):
    id = NetworkId()
    name = fields.String(metadata={"example": "Bildungsbüro des Landkreises Wittenberg"})
    sector = fields.String()
    kind = fields.String()
    degree = fields.Integer(metadata={"description": "Steering groups and agreements."})
    weighted_degree = fields.Float(metadata={"description": "The same, weighted by role."})
    betweenness = fields.Float(
        metadata={"description": "Share of shortest paths between others that run through "
                  "it (0-1): who brokers between otherwise separate groups."}
    )  # fmt: skip
    bridges_sectors = fields.Boolean(
        metadata={"description": "Shares a body with a partner of the other sector."}
    )
    community = fields.Integer(allow_none=True, metadata={"description": "None without ties."})


class TopicCountSchema(ma.Schema):
    topic = fields.Nested(TermSchema)
    count = fields.Integer()


class CommunitySchema(ma.Schema):
    number = fields.Integer(metadata={"description": "1 for the largest."})
    partner_ids = fields.List(NetworkId())
    steering_group_ids = fields.List(NetworkId())
    agreement_ids = fields.List(NetworkId())
    dominant_topics = fields.List(fields.Nested(TopicCountSchema))


class BetweennessSchema(ma.Schema):
    method = fields.String(metadata={"example": "exact", "description": "exact or sampled"})
    samples = fields.Integer(
        allow_none=True,
        metadata={"description": "Sampled sources, when estimated."},
    )
    precomputed = fields.Boolean(
        metadata={"description": "Computed ahead of time (`flask crm network refresh`) for "
                  "exactly this network, rather than for this request. Stored figures are "
                  "used only while the network is unchanged, so they are never stale."}
    )  # fmt: skip
    computed_at = Timestamp(
        metadata={"description": "When the figures were computed.",
                  "example": "2026-11-24T06:00:00Z"}
    )  # fmt: skip


class MetricsSchema(ma.Schema):
    as_of = fields.Date()
    betweenness = fields.Nested(BetweennessSchema)
    partners = Rows(fields.Nested(PartnerMetricsSchema))
    communities = fields.List(fields.Nested(CommunitySchema))


class NamedSchema(ma.Schema):
    id = NetworkId()
    name = fields.String()


class OverlapSchema(ma.Schema):
    steering_groups = fields.List(fields.Nested(NamedSchema))
    jaccard = fields.Float(metadata={"example": 0.75})
    shared_partners = fields.List(fields.Nested(NamedSchema))
    shared_topics = fields.List(fields.Nested(TermSchema))
    shared_target_groups = fields.List(fields.Nested(TermSchema))


class OverlapsSchema(ma.Schema):
    as_of = fields.Date()
    threshold = fields.Float()
    overlaps = fields.List(fields.Nested(OverlapSchema))


class CellSchema(ma.Schema):
    topic = fields.Nested(TermSchema)
    target_group = fields.Nested(TermSchema)
    municipality = fields.Nested(TermSchema, allow_none=True)
    partners = Rows(fields.Nested(NamedSchema))
    steering_groups = Rows(fields.Nested(NamedSchema))
    agreements = Rows(fields.Nested(NamedSchema))
    gap = fields.Boolean(metadata={"description": "Nobody works there."})
    possible_duplicate = fields.Boolean(
        metadata={"description": "Served by bodies that share no partner."}
    )


class CoverageSchema(ma.Schema):
    as_of = fields.Date()
    topics = fields.List(fields.Nested(TermSchema))
    target_groups = fields.List(fields.Nested(TermSchema))
    municipalities = fields.List(fields.Nested(TermSchema), allow_none=True)
    cells = fields.List(fields.Nested(CellSchema))
