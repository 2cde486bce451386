"""How the network's large lists are written: Rows."""

from dataclasses import dataclass

import marshmallow as ma
from marshmallow import fields

from crm.network.api.schemas import NetworkId, Rows

HEX = "6b1f0c6e00004000800000000000000a"


@dataclass
class Row:
    id: str
    name: str
    degree: int
    share: float
    bridges: bool
    community: int | None


class RowSchema(ma.Schema):
    id = NetworkId()
    name = fields.String()
    degree = fields.Integer()
    share = fields.Float(data_key="betweenness")
    bridges = fields.Boolean()
    community = fields.Integer(allow_none=True)


class ListSchema(ma.Schema):
    rows = Rows(fields.Nested(RowSchema))


def test_rows_write_plain_values_as_they_are_and_convert_ids():
    rows = ListSchema().dump({"rows": [Row(HEX, "IHK", 2, 0.25, True, None)]})["rows"]
    assert rows == [
        {
            "id": "6b1f0c6e-0000-4000-8000-00000000000a",
            "name": "IHK",
            "degree": 2,
            "betweenness": 0.25,
            "bridges": True,
            "community": None,
        }
    ]


def test_rows_of_a_schema_with_one_field():
    class OnlyIds(ma.Schema):
        id = NetworkId()

    class Ids(ma.Schema):
        rows = Rows(fields.Nested(OnlyIds))

    assert Ids().dump({"rows": [Row(HEX, "IHK", 2, 0.25, True, 1)]})["rows"] == [
        {"id": "6b1f0c6e-0000-4000-8000-00000000000a"}
    ]
