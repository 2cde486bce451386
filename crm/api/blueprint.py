"""The flask-smorest `Api` and `Blueprint` as this project uses them.

Every error is problem+json, in the code (`crm.errors`) and in the contract: the
`ErrorResponses` plugin documents the same errors on every operation, so the spec and
the behaviour cannot drift apart.
"""

import http

import flask_smorest
import marshmallow as ma
from apispec import BasePlugin
from flask import request
from flask_smorest.utils import prepare_response
from webargs.flaskparser import FlaskParser

from crm.auth import authorize
from crm.errors import PROBLEM_JSON, UnsupportedMediaType
from crm.models.enums import ApiRole


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details."""

    type = ma.fields.String(metadata={"example": "urn:crm:problem:validation-failed"})
    title = ma.fields.String(metadata={"example": "Validation failed"})
    status = ma.fields.Integer(metadata={"example": 422})
    detail = ma.fields.String(metadata={"example": "The request body is invalid."})
    instance = ma.fields.String(metadata={"example": "/api/v1/partners"})
    request_id = ma.fields.String(metadata={"example": "5f0c6a8e2b7d4d0e9c1b2a3f4e5d6c7b"})
    errors = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.List(ma.fields.String()),
        metadata={"example": {"email": ["Not a valid email address."]}},
    )
    references = ma.fields.List(
        ma.fields.Dict(),
        metadata={"description": "With 409 on delete: the records that still refer to this one."},
    )


class StrictParser(FlaskParser):
    """Unknown query parameters and body fields are errors, never silently ignored."""

    DEFAULT_UNKNOWN_BY_LOCATION = dict.fromkeys(FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, ma.RAISE)


IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": True,
    "description": "The `ETag` of the record as you last read it. Missing: 428; stale: 412.",
    "schema": {"type": "string", "example": '"v1"'},
}


class ErrorResponses(BasePlugin):
    """Adds the documented error responses each kind of operation can give."""

    def init_spec(self, spec):
        self.spec = spec

    def operation_helper(self, path=None, operations=None, **kwargs):
        if not path or not path.startswith("/api/"):
            return
        for method, operation in operations.items():
            if method in ("put", "patch", "delete"):
                operation.setdefault("parameters", []).append(IF_MATCH)
            responses = operation.setdefault("responses", {})
            for status in self._statuses(path, method):
                if status not in responses and str(status) not in responses:
                    responses[str(status)] = self.spec.components.get_ref(
                        "response", http.HTTPStatus(status).name
                    )

    @staticmethod
    def _statuses(path: str, method: str) -> list[int]:
        statuses = [401, 403]
        if "{" in path:
            statuses.append(404)
        if method in ("put", "patch", "delete"):
            statuses += [412, 428]
        if method in ("post", "put", "patch"):
            statuses += [409, 413, 415, 422]
        if method == "delete":
            statuses.append(409)
        if method == "get":
            statuses.append(400)
        return statuses


def _require_json_body() -> None:
    if (
        request.method in ("POST", "PUT", "PATCH")
        and request.content_length
        and not request.is_json
    ):
        raise UnsupportedMediaType(
            f"Send the body as application/json, not {request.mimetype or 'without a type'}."
        )


class Api(flask_smorest.Api):
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self):
        """`crm.errors` handles every error, including the framework's."""

    def _register_responses(self):
        self.spec.components.schema("Problem", schema=ProblemSchema)
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = ProblemSchema
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)


READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Blueprint(flask_smorest.Blueprint):
    """A resource's blueprint: every request needs a key; writes need `write_role` and,
    where they carry a body, JSON."""

    ARGUMENTS_PARSER = StrictParser()

    def __init__(self, *args, write_role: ApiRole = ApiRole.editor, **kwargs):
        super().__init__(*args, **kwargs)
        self.write_role = write_role
        self.read_endpoints: set[str] = set()
        self.before_request(self._authorize)
        self.before_request(_require_json_body)

    def reads(self, view_class: type) -> type:
        """Marks a view whose POST only reads (a search whose terms must stay out of URLs)."""
        self.read_endpoints.add(f"{self.name}.{view_class.__name__}")
        return view_class

    def _authorize(self) -> None:
        reading = request.method in READ_METHODS or request.endpoint in self.read_endpoints
        authorize(ApiRole.viewer if reading else self.write_role)

    def arguments(self, schema, *, location="json", **kwargs):
        if location == "query":
            kwargs.setdefault("error_status_code", 400)
        return super().arguments(schema, location=location, **kwargs)
