"""The Node programs in tests/peers (installed by `make peers`), for tests that hold the
contract against them. Without Node or the package the test is skipped, and fails under
CI=true."""

import os
import shutil
from pathlib import Path

import pytest

PEERS = Path(__file__).resolve().parents[1] / "peers"


def peer(command: str) -> Path:
    """The executable `command` of an installed peer (node_modules/.bin)."""
    executable = PEERS / "node_modules" / ".bin" / command
    if shutil.which("node") is None or not executable.exists():
        message = f"Node and {command} in tests/peers/node_modules are needed: run `make peers`"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return executable
