"""The layout of crm/, held: which part of the code may import which (issue 17).

Every module under crm/ is read with `ast`; nothing is imported. Every import statement,
wherever it stands (at the top, inside a function, under `if TYPE_CHECKING:`), is an edge
from the importing module to the imported one: `from crm.a import b` imports the module
`crm.a.b` where that is a module, else the module `crm.a`.

A *part* is a top-level subpackage of crm/ with everything below it (crm/network/ is the
part `crm.network`) or a loose module (crm/errors.py is `crm.errors`); crm/__init__.py is
the part `crm`. A part imports another when any of its modules imports any of the other's.

1. No cycles: no part imports, directly or through other parts, a part that imports it.
2. The endpoints are on top: the *endpoint layer* is crm/api/ (the core resources) and the
   api/ subpackage of each feature (crm/network/api/, ...). Outside the endpoint layer only
   the assembly (`crm`, which is create_app, and `crm.blueprints`) imports an endpoint module.
3. Imports point down. The parts are ranked, bottom up, in `RANKS`: the foundation (models,
   database, errors, ...), the records (the write path and the rules of records), the HTTP
   plumbing, the features, the endpoint layer, the assembly. A module imports only modules
   of its own rank or below (importing endpoints is rule 2's). Features may import each
   other; rule 1 keeps that acyclic. A part with no rank fails the test: place it.

`KNOWN_*` list what issue 17's pure moves could not fix, each with its way out. A test
fails when an entry is no longer true too, so that the lists only shrink.
"""

import ast
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CRM = ROOT / "crm"

FEATURES = ("crm.network", "crm.reports", "crm.privacy", "crm.imports", "crm.duplicates")
FEATURES += ("crm.changes",)
RANKS = {
    **dict.fromkeys(("crm.models", "crm.database", "crm.errors", "crm.text", "crm.ordering"), 0),
    # The matching of names is below the models: they keep their lookup columns with it.
    **dict.fromkeys(("crm.collector", "crm.schema", "crm.matching"), 0),
    "crm.records": 1,
    "crm.http": 2,
    # The task queue: plumbing, like HTTP; features declare their jobs on it.
    "crm.jobs": 2,
    **dict.fromkeys(FEATURES, 3),
    "crm.api": 4,
    # The assembly: the app, its blueprints, commands and configuration put together.
    **dict.fromkeys(
        (
            "crm",
            "crm.blueprints",
            "crm.cli",
            "crm.config",
            "crm.observability",
            "crm.demo",
            "crm.worker",
        ),
        5,
    ),
}
ENDPOINT_RANK = 4
ASSEMBLY = {"crm", "crm.blueprints"}
ENDPOINT_MODULE = re.compile(r"^crm(\.[a-z_]+)?\.api(\.|$)")

# Cycles between parts, as the set of parts in each, and how to break them.
KNOWN_CYCLES: dict[frozenset[str], str] = {}

# Imports of an endpoint module from outside the endpoint layer: (importer, imported).
_IMPORT_SCHEMAS = (
    "An import reads each row through the resource's own schemas, which live in the "
    "endpoint modules. Way out: the core resources' schemas move to modules of their own "
    "below the endpoints, which the endpoints and the import both use."
)
KNOWN_ENDPOINT_IMPORTS: dict[tuple[str, str], str] = {
    ("crm.imports.kinds", "crm.api.contacts"): _IMPORT_SCHEMAS,
    ("crm.imports.kinds", "crm.api.memberships"): _IMPORT_SCHEMAS,
    ("crm.imports.kinds", "crm.api.partners"): _IMPORT_SCHEMAS,
}

# Imports of a higher rank (endpoints aside): (importer, imported).
KNOWN_UPWARD_IMPORTS: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    where: str

    def __str__(self) -> str:
        return f"{self.where}  ({self.importer} -> {self.imported})"


def _modules() -> dict[str, Path]:
    modules = {}
    for path in sorted(CRM.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def _known(name: str, modules: dict[str, Path]) -> str | None:
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _imports() -> list[Import]:
    modules = _modules()
    found: list[Import] = []
    for name, path in modules.items():
        source = path.read_text()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: resolved from the importing package
                    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
                    for _ in range(node.level - 1):
                        package = package.rpartition(".")[0]
                    base = f"{package}.{base}".rstrip(".")
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                    for alias in node.names
                ]
            else:
                continue
            statement = " ".join(ast.get_source_segment(source, node).split())
            where = f"{path.relative_to(ROOT)}:{node.lineno}: {statement}"
            for target in targets:
                imported = _known(target, modules)
                edge = Import(name, imported, where) if imported else None
                if edge and imported != name and edge not in found:
                    found.append(edge)
    return found


def _part(module: str) -> str:
    return ".".join(module.split(".")[:2])


def _rank(module: str) -> int:
    return ENDPOINT_RANK if ENDPOINT_MODULE.match(module) else RANKS[_part(module)]


def _cycles(imports: list[Import]) -> list[set[str]]:
    """The strongly connected components of the parts' graph with more than one part."""
    graph: dict[str, set[str]] = {}
    for edge in imports:
        graph.setdefault(_part(edge.importer), set())
        graph.setdefault(_part(edge.imported), set())
        if _part(edge.importer) != _part(edge.imported):
            graph[_part(edge.importer)].add(_part(edge.imported))
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    components = []

    def visit(part: str) -> None:  # Tarjan's algorithm; the graph has a few dozen parts
        index[part] = low[part] = len(index)
        stack.append(part)
        for other in sorted(graph[part]):
            if other not in index:
                visit(other)
                low[part] = min(low[part], low[other])
            elif other in stack:
                low[part] = min(low[part], index[other])
        if low[part] == index[part]:
            component = set()
            while True:
                member = stack.pop()
                component.add(member)
                if member == part:
                    break
            if len(component) > 1:
                components.append(component)

    for part in sorted(graph):
        if part not in index:
            visit(part)
    return components


def _report(title: str, problems: list[str]) -> str:
    return title + "\n  " + "\n  ".join(problems)


def test_every_part_has_a_rank():
    unranked = sorted({_part(m) for m in _modules()} - set(RANKS))
    assert not unranked, f"Parts of crm/ without a rank in RANKS: {unranked}"


def test_no_cycles_between_parts():
    imports = _imports()
    cycles = {frozenset(c) for c in _cycles(imports)}
    new = []
    for cycle in cycles - KNOWN_CYCLES.keys():
        first: dict[tuple[str, str], Import] = {}  # one import for each pair of parts
        for i in imports:
            pair = (_part(i.importer), _part(i.imported))
            if pair[0] != pair[1] and set(pair) <= cycle:
                first.setdefault(pair, i)
        edges = [f"{a} -> {b}: {i.where}" for (a, b), i in sorted(first.items())]
        new.append(_report(f"{sorted(cycle)} import each other:", edges))
    assert not new, "\n".join(new)
    assert cycles >= KNOWN_CYCLES.keys(), (
        f"Broken, so remove from KNOWN_CYCLES: {[sorted(c) for c in KNOWN_CYCLES.keys() - cycles]}"
    )


def test_only_the_endpoint_layer_and_the_assembly_import_endpoints():
    found = [
        i
        for i in _imports()
        if ENDPOINT_MODULE.match(i.imported)
        and not ENDPOINT_MODULE.match(i.importer)
        and i.importer not in ASSEMBLY
    ]
    new = [str(i) for i in found if (i.importer, i.imported) not in KNOWN_ENDPOINT_IMPORTS]
    assert not new, _report("Endpoints imported from below the endpoint layer:", new)
    gone = KNOWN_ENDPOINT_IMPORTS.keys() - {(i.importer, i.imported) for i in found}
    assert not gone, f"Fixed, so remove from KNOWN_ENDPOINT_IMPORTS: {sorted(gone)}"


def test_imports_point_down():
    found = [
        i
        for i in _imports()
        if not ENDPOINT_MODULE.match(i.imported) and _rank(i.importer) < _rank(i.imported)
    ]
    new = [str(i) for i in found if (i.importer, i.imported) not in KNOWN_UPWARD_IMPORTS]
    assert not new, _report("Imports that point up:", new)
    gone = KNOWN_UPWARD_IMPORTS.keys() - {(i.importer, i.imported) for i in found}
    assert not gone, f"Fixed, so remove from KNOWN_UPWARD_IMPORTS: {sorted(gone)}"
