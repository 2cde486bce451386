"""Dependencies as declared: every distribution the code imports is named in
pyproject.toml, and a library whose private names the code uses has an upper bound.

Import names map to distributions as the installed packages say
(`importlib.metadata.packages_distributions()`). `PRIVATE_NAMES` is what to re-check before
raising a bound: the private names each library's code here relies on, and where.
"""

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
FOLDERS = ("crm", "tests", "bench", "migrations")
OWN = {"crm", "tests", "bench", "migrations", "wsgi"}
# Imported only where installed (bench.network_compare compares with them, if present).
OPTIONAL = {"networkx", "rustworkx"}

PRIVATE_NAMES = {
    "sqlalchemy": {
        "crm/http/listing/pages.py": [
            "_generate_cache_key",
            "_order_by_clauses",
            "_traverse_internals",
            "InternalTraversal",
            "CacheKey",
        ],
    },
    "flask-smorest": {
        "crm/http/blueprint.py": [
            "_register_error_handlers",
            "_register_responses",
            "DEFAULT_ERROR_RESPONSE_NAME",
            "prepare_response",
        ],
    },
    "fpdf2": {
        "crm/reports/pdf_format.py": ["_out", "_set_font_for_page", "current_font_is_set_on_page"],
    },
}


def _name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _declared() -> dict[str, str]:
    requirements = PYPROJECT["project"]["dependencies"]
    requirements += [r for group in PYPROJECT["dependency-groups"].values() for r in group]
    return {_name(requirement): requirement for requirement in requirements}


def _imported() -> dict[str, set[str]]:
    """Top-level import names outside the standard library, with the files importing them."""
    found: dict[str, set[str]] = {}
    for folder in FOLDERS:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top not in sys.stdlib_module_names and top not in OWN | OPTIONAL:
                        found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_imported_distribution_is_declared():
    distributions = importlib.metadata.packages_distributions()
    declared = _declared()
    undeclared = {
        name: sorted(files)
        for name, files in _imported().items()
        if not any(_name(d) in declared for d in distributions.get(name, [name]))
    }
    assert not undeclared, f"imported but not in pyproject.toml: {undeclared}"


def test_a_library_used_by_its_private_names_has_an_upper_bound():
    declared = _declared()
    for distribution in PRIVATE_NAMES:
        requirement = declared[distribution]
        assert "<" in requirement, f"{requirement}: re-check {PRIVATE_NAMES[distribution]}"


def test_the_private_names_listed_are_still_used():
    """So that the list stays true: a name no longer used leaves it."""
    for files in PRIVATE_NAMES.values():
        for file, names in files.items():
            source = (ROOT / file).read_text()
            assert [name for name in names if name not in source] == [], file
