"""The Node programs in tests/peers (installed by `make peers`): where they are, and Node
to run them. Without them a test is skipped, except under CI=true, where it fails."""

import os
import shutil
from pathlib import Path

import pytest

PEERS = Path(__file__).parent / "peers"


def node_with(package: str) -> str:
    """The `node` executable, once tests/peers has `package` installed."""
    node = shutil.which("node")
    if node is None or not (PEERS / "node_modules" / package).is_dir():
        message = "Node and tests/peers/node_modules are needed: run `make peers`"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return node
