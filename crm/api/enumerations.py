"""/api/v1/enumerations: the fixed enumerations with their German and English labels."""

import marshmallow as ma
from flask.views import MethodView
from marshmallow import fields

from crm.http.blueprint import Blueprint
from crm.models.enums import PUBLISHED_ENUMS

blp = Blueprint(
    "enumerations",
    __name__,
    url_prefix="/api/v1/enumerations",
    description="The fixed values of fields such as `sector`, `status` or a membership's "
    "`role`, with German and English labels for showing them.",
)


class EnumValueSchema(ma.Schema):
    value = fields.String(metadata={"example": "internal"})
    label_de = fields.String(metadata={"example": "verwaltungsintern"})
    label_en = fields.String(metadata={"example": "inside the administration"})


EnumerationsSchema = ma.Schema.from_dict(
    {name: fields.List(fields.Nested(EnumValueSchema)) for name in PUBLISHED_ENUMS},
    name="EnumerationsSchema",
)

# No query parameters: an unknown one is a 400, as everywhere.
NoArgs = ma.Schema.from_dict({}, name="NoArgsSchema")


@blp.route("")
class Enumerations(MethodView):
    @blp.arguments(NoArgs, location="query")
    @blp.response(200, EnumerationsSchema)
    def get(self, _args):
        """List the enumerations and their labels

        Every fixed enumeration (verwaltungsintern/-extern, Rolle in der Steuerungsgruppe,
        Art der Kooperationsvereinbarung, ...) with each value's German and English label.
        Managed vocabularies (Handlungsfelder, Zielgruppen, ...) have their own collections.
        """
        return {
            name: [{"value": m.value, "label_de": m.label_de, "label_en": m.label_en} for m in enum]
            for name, enum in PUBLISHED_ENUMS.items()
        }
