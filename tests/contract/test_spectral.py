"""The OpenAPI linter Spectral (`spectral:oas`, with the rules switched off only for the
reasons given in openapi/.spectral.yaml) finds nothing in the committed contract."""

import json
import subprocess
from pathlib import Path

from tests.contract.node import peer

OPENAPI = Path(__file__).resolve().parents[2] / "openapi"


def test_spectral_finds_nothing_in_the_committed_contract(tmp_path):
    report = tmp_path / "spectral.json"
    run = subprocess.run(
        [peer("spectral"), "lint", "--ruleset", OPENAPI / ".spectral.yaml", "--format", "json",
         "--output", report, "--fail-severity", "hint", OPENAPI / "openapi.json"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    findings = json.loads(report.read_text()) if report.exists() else []
    listed = [(f["code"], "/".join(map(str, f["path"])), f["message"]) for f in findings]
    assert (listed, run.returncode) == ([], 0), run.stderr
