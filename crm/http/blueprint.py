"""The flask-smorest `Api` and `Blueprint` as this project uses them.

Every error is problem+json, in the code (`crm.errors`) and in the contract: the
`ErrorResponses` plugin documents the same errors on every operation, so the spec and
the behaviour cannot drift apart.
"""

import http
import re

import flask_smorest
import marshmallow as ma
from apispec import BasePlugin
from flask import current_app, request
from flask_smorest.utils import prepare_response
from webargs.flaskparser import FlaskParser

from crm.database import SAFE_METHODS
from crm.errors import PROBLEM_JSON, BadRequest, InvalidInput, Problem, UnsupportedMediaType
from crm.http import idempotency, json_body
from crm.http.auth import authorize
from crm.http.operations import REQUEST_ID
from crm.http.rate_limit import DOCUMENTED_FIELDS as RATE_LIMIT_FIELDS
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
    candidates = ma.fields.List(
        ma.fields.Dict(),
        metadata={
            "description": "With 409 on create: the records that very likely exist already "
            "(`id`, `label`, `score`, `reasons`, `url`)."
        },
    )
    survivor_id = ma.fields.UUID(
        metadata={"description": "With 410: the record this one was merged into."}
    )
    survivor_url = ma.fields.Url(metadata={"description": "With 410: where the survivor is."})


class StrictParser(FlaskParser):
    """Unknown query parameters and body fields are errors, never silently ignored; so is
    text no database can store: with a NUL character (PostgreSQL can neither store nor
    compare it) or a lone surrogate (no UTF-8 holds it). An operation that takes a JSON
    body needs one: without, 400; of another type, 415; malformed (crm.http.json_body), 400.
    """

    DEFAULT_UNKNOWN_BY_LOCATION = dict.fromkeys(FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, ma.RAISE)

    def load_querystring(self, req, schema):
        for name, value in req.args.items(multi=True):
            _refuse_unstorable(value, BadRequest, name)
        arguments = super().load_querystring(req, schema)
        _refuse_repeats(req.args, schema, arguments.multiple_keys)
        return arguments

    def load_json(self, req, schema):
        body = req.get_data(cache=True)
        if not body:
            raise BadRequest("This operation needs a JSON body.")
        _require_json_body()
        try:
            data = json_body.loads(body)
        except (ValueError, UnicodeDecodeError) as error:
            detail = str(error) if isinstance(error, json_body.MalformedJson) else "Not JSON."
            raise BadRequest(f"The body is malformed: {detail}") from None
        _refuse_unstorable_text(data, InvalidInput)
        return data


def _refuse_repeats(args, schema: ma.Schema, repeatable: set[str]) -> None:
    """A parameter that takes one value, given twice (`?page_size=5&page_size=50`), is an
    error, not one of its values taken silently; list-valued filters may repeat."""
    single = {field.data_key or name for name, field in schema.load_fields.items()} - repeatable
    repeated = sorted(name for name in single if len(args.getlist(name)) > 1)
    if repeated:
        raise BadRequest(
            f"Give {', '.join(repeated)} only once.",
            errors={name: ["Takes one value; given more than once."] for name in repeated},
        )


def _refuse_unstorable_text(data, problem: type[Problem], path: str = "") -> None:
    if isinstance(data, str):
        _refuse_unstorable(data, problem, path)
    if isinstance(data, list):
        data = dict(enumerate(data))
    for key, value in data.items() if isinstance(data, dict) else ():
        where = f"{path}.{key}" if path else str(key)
        _refuse_unstorable(str(key), problem, where)
        _refuse_unstorable_text(value, problem, where)


def _refuse_unstorable(text: str, problem: type[Problem], path: str) -> None:
    if "\x00" in text:
        raise problem(
            "Text must not contain the NUL character (U+0000).",
            errors={path or "_schema": ["Contains the NUL character (U+0000)."]},
        )
    if LONE_SURROGATE.search(text):
        raise problem(
            "Text must be Unicode: a lone surrogate (U+D800 to U+DFFF) is none.",
            errors={path or "_schema": ["Contains a lone surrogate (U+D800 to U+DFFF)."]},
        )


LONE_SURROGATE = re.compile("[\ud800-\udfff]")

IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": True,
    "description": "The `ETag` of the record as you last read it. Missing: 428; stale: 412.",
    "schema": {"type": "string", "example": '"v1"'},
}


RETRY_AFTER = {
    "description": "Seconds to wait before the limit admits another request.",
    "schema": {"type": "integer", "example": 12},
}


# Items whose ids may have been merged away (crm.records.merging): they answer 410.
MERGEABLE = ("/api/v1/partners/{", "/api/v1/contacts/{")


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
            if method == "post":
                operation.setdefault("parameters", []).append(idempotency.PARAMETER)
            responses = operation.setdefault("responses", {})
            self._document_rate_limit_fields(responses)
            for status in self._statuses(path, method):
                if status not in responses and str(status) not in responses:
                    responses[str(status)] = self.spec.components.get_ref(
                        "response", http.HTTPStatus(status).name
                    )

    def _document_rate_limit_fields(self, responses: dict) -> None:
        """Every answer after the key or token was accepted says how much is left."""
        for response in responses.values():
            if isinstance(response, dict) and "$ref" not in response:
                response.setdefault("headers", {}).update(self._rate_limit_headers())

    def _rate_limit_headers(self) -> dict:
        return {name: self.spec.components.get_ref("header", name) for name in RATE_LIMIT_FIELDS}

    @staticmethod
    def _statuses(path: str, method: str) -> list[int]:
        statuses = [401, 403, 429]
        if "{" in path:
            statuses.append(404)
        if path.startswith(MERGEABLE):
            statuses.append(410)
        if method in ("put", "patch", "delete"):
            statuses += [412, 428]
        if method in ("post", "put", "patch"):
            statuses += [409, 413, 415, 422]
        if method == "delete":
            statuses.append(409)
        if method in ("get", "post", "put", "patch"):
            statuses.append(400)  # a malformed query string or JSON body
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
        for name, header in RATE_LIMIT_FIELDS.items():
            self.spec.components.header(name, header)
        rate_limit_fields = {
            name: {"$ref": f"#/components/headers/{name}"} for name in RATE_LIMIT_FIELDS
        }
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = ProblemSchema
            response["headers"] = {"X-Request-ID": REQUEST_ID}
            if status >= 400 and status != 401:  # 401: no key or token was accepted
                response["headers"] |= rate_limit_fields
            if status == 429:
                response["headers"]["Retry-After"] = RETRY_AFTER
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)


class Blueprint(flask_smorest.Blueprint):
    """A resource's blueprint: every request needs a key; reads need `read_role`, writes
    need `write_role` and, where they carry a body, JSON."""

    ARGUMENTS_PARSER = StrictParser()

    def __init__(
        self,
        *args,
        read_role: ApiRole = ApiRole.viewer,
        write_role: ApiRole = ApiRole.editor,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.read_role = read_role
        self.write_role = write_role
        self.read_endpoints: set[str] = set()
        self.upload_endpoints: set[str] = set()
        self.before_request(self._authorize)
        self.before_request(self._require_body_type)
        self.before_request(idempotency.begin)
        self.after_request(idempotency.finish)

    def reads(self, view_class: type) -> type:
        """Marks a view whose POST only reads (a search whose terms must stay out of URLs)."""
        self.read_endpoints.add(f"{self.name}.{view_class.__name__}")
        return view_class

    def uploads(self, view_class: type) -> type:
        """Marks a view whose POST takes a file as multipart/form-data instead of JSON."""
        self.upload_endpoints.add(f"{self.name}.{view_class.__name__}")
        return view_class

    def _require_body_type(self) -> None:
        if request.endpoint not in self.upload_endpoints:
            _require_json_body()
            return
        # A larger limit for files, checked against Content-Length before the body is read
        # and while a body without one streams in: past it, 413.
        request.max_content_length = current_app.config["CRM_MAX_UPLOAD_BYTES"]
        if request.method == "POST" and request.mimetype != "multipart/form-data":
            raise UnsupportedMediaType(
                f"Send the file as multipart/form-data, not {request.mimetype or 'without a type'}."
            )

    def _authorize(self) -> None:
        reading = request.method in SAFE_METHODS or request.endpoint in self.read_endpoints
        authorize(self.read_role if reading else self.write_role)

    def arguments(self, schema, *, location="json", **kwargs):
        if location == "query":
            kwargs.setdefault("error_status_code", 400)
        # One instance, made here: given a class, webargs builds one on every request,
        # and building a schema copies all its fields (0.3 ms for a list's arguments).
        if isinstance(schema, type):
            schema = schema()
        return super().arguments(schema, location=location, **kwargs)
