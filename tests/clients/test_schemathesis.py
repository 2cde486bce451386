"""Schemathesis (property-based, from the published contract) against the app, with an
admin key, every check on and a fixed seed: every answer must be one the contract
documents, in the documented shape; invalid input must be refused, valid input accepted.

One test per operation, each in a transaction of its own that is rolled back."""

import json
import re
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig
from schemathesis.openapi.checks import RejectedPositiveData

EXAMPLES_PER_MODE = 15
SPEC = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"


def _cases() -> list:
    """(operation, mode) pairs; negative only where there is something to get wrong."""
    cases = []
    for path, item in json.loads(SPEC.read_text())["paths"].items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            label = f"{method.upper()} {path}"
            modes = [GenerationMode.POSITIVE]
            if operation.get("parameters") or operation.get("requestBody"):
                modes.append(GenerationMode.NEGATIVE)
            cases += [pytest.param(label, mode, id=f"{label}-{mode.value}") for mode in modes]
    return cases


# The admin key is sent with every case; a generated Authorization header would replace
# it. Text with NUL characters is refused on purpose (crm.http.blueprint.StrictParser; the
# tests in tests/http/test_nul_characters.py), which a JSON schema cannot say.
CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 8,
        "generation": {"database": "none", "with-security-parameters": False, "allow-x00": False},
    }
)
load_all_checks()
SCHEMATHESIS_CHECKS = {check.__name__: check for check in CHECKS.get_all()}
# Rules the schema cannot state: a reference to a record that does not exist, a code
# that is not in a vocabulary, one field required or bounded by another's value, the
# columns of an uploaded file, the parties an agreement needs before it is in force, an
# Idempotency-Key used before with another request; and what the uploaded file holds
# (`errors.file`: a CSV or XLSX, not the random bytes a `format: binary` generator makes).
BEYOND_THE_SCHEMA = re.compile(
    r"^(No .+ has the id |Unknown |Required when |Must not be (before|after) |No column holds "
    r"|The file has no column |An agreement in force needs |Used before with another )"
)


def positive_data_acceptance(ctx, response, case):
    """Schemathesis's check, except where the API refuses well-formed data for a rule
    the schema cannot state (a 422 naming only such rules)."""
    try:
        return SCHEMATHESIS_CHECKS["positive_data_acceptance"](ctx, response, case)
    except RejectedPositiveData:
        if response.status_code not in (400, 422) or not _only_beyond_the_schema(response.json()):
            raise
        return True


def _only_beyond_the_schema(problem: dict) -> bool:
    errors = problem.get("errors") or {}
    messages = [m for name, field in errors.items() if name != "file" for m in field]
    return bool(errors) and all(BEYOND_THE_SCHEMA.match(m) for m in messages)


EVERY_CHECK = [
    *(SCHEMATHESIS_CHECKS | {"positive_data_acceptance": positive_data_acceptance}).values()
]


@pytest.fixture(scope="session")
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=CONFIG)


@pytest.mark.parametrize(("label", "mode"), _cases())
def test_the_api_keeps_its_contract(api_schema, admin, label, mode):
    operation = api_schema.find_operation_by_label(label)
    headers = {"Authorization": f"Bearer {admin.key}"}

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES_PER_MODE,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    def keeps_the_contract(case):
        case.call_and_validate(headers=headers, checks=EVERY_CHECK)

    keeps_the_contract()
