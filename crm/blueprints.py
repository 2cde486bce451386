"""The HTTP API: one module per resource, registered from one list."""

from pathlib import Path

import flask_swagger_ui
import marshmallow as ma
from flask import Blueprint as FlaskBlueprint
from flask import Flask

from crm.api import (
    agreements,
    audit,
    contacts,
    enumerations,
    meetings,
    memberships,
    parties,
    partners,
    steering_groups,
    vocabularies,
)
from crm.changes.api import changes, webhooks
from crm.duplicates.api import duplicates, merges
from crm.http.blueprint import Api, ErrorResponses
from crm.http.operations import Operations, exclusive_bounds
from crm.imports.api import imports
from crm.network.api import network
from crm.privacy.api import privacy
from crm.records.items import answer_not_modified
from crm.reports.api import exports, reports
from crm.reports.api.export_schemas import ReportParameters

BLUEPRINTS = [
    partners.blp,
    contacts.blp,
    steering_groups.blp,
    memberships.blp,
    agreements.blp,
    parties.blp,
    *vocabularies.blueprints,
    enumerations.blp,
    *audit.blueprints,
    network.blp,
    meetings.blp,
    reports.blp,
    exports.blp,
    imports.blp,
    duplicates.blp,
    merges.blp,
    *privacy.blueprints,
    changes.blp,
    webhooks.blp,
]

SWAGGER_UI_ASSETS = Path(flask_swagger_ui.__file__).parent / "dist"

API_DESCRIPTION = """\
Partners, contacts, steering groups and cooperation agreements of a municipality's
education coordination for newly arrived migrants (Kommunale Koordinierung der
Bildungsangebote für Neuzugewanderte).

Authenticate with an API key or a staff member's access token from the municipality's
identity provider (OpenID Connect): `Authorization: Bearer ...` (the *Authorize* button).
Requests beyond the rate limit get `429` with `Retry-After`; every answer to an
authenticated request says how much is left (`RateLimit`, `RateLimit-Policy`).
Every error is `application/problem+json` (RFC 9457). Writes to an existing record need
its `ETag` in `If-Match`.
"""


def init_app(app: Flask) -> None:
    app.config.update(
        API_TITLE="Kooperationspartner-CRM",
        API_VERSION="1.0.0",
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="api/v1/openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL="/docs/assets/",
        OPENAPI_SWAGGER_UI_CONFIG={"persistAuthorization": False, "tryItOutEnabled": True},
        API_SPEC_OPTIONS={
            "info": {"description": API_DESCRIPTION},
            "servers": [{"url": "/"}],
            "security": [{"apiKey": []}],
            "components": {
                "securitySchemes": {
                    "apiKey": {
                        "type": "http",
                        "scheme": "bearer",
                        "description": "An API key from `flask crm api-key create`, or "
                        "an OpenID Connect access token.",
                    }
                }
            },
        },
    )
    api = Api(spec_kwargs={"extra_plugins": [ErrorResponses(), ReportParameters(), Operations()]})
    # The addresses the API hands out (`links`): marshmallow's own `format: url` is not one
    # that JSON Schema or client generators know.
    api.register_field(ma.fields.Url, "string", "uri")
    api.init_app(app)
    api.ma_plugin.converter.add_attribute_function(exclusive_bounds)
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    app.register_blueprint(
        FlaskBlueprint(
            "swagger_ui_assets",
            __name__,
            static_folder=SWAGGER_UI_ASSETS,
            static_url_path="/docs/assets",
        )
    )
    app.after_request(answer_not_modified)


def openapi_document(app: Flask) -> dict:
    """The OpenAPI document the code generates, as `flask openapi write` writes it."""
    with app.app_context():
        return app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()
