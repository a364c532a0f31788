"""The package's shape, held by tests: layers from bottom to top, no import cycle, no import
from a lower layer to a higher one, no module over 400 lines.

Imports are read with ``ast`` (every ``import`` and ``from ... import`` of perfkit, at module
level or inside a function), so a lazy import counts as much as one at the top.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "perfkit"

#: Each top-level module or subpackage of perfkit, by layer (bottom first). A module may
#: import its own layer or lower ones.
LAYERS = [
    {"_version", "errors", "contract", "periods", "text", "spreadsheet", "atomic", "formatting", "outputs", "provenance", "geography"},
    {"config"},
    {"store"},
    {"audit"},  # the paper audit: deliberately apart from assess, report, blocks and formatting's rules (see perfkit/audit)
    {"ingest", "assess", "compare"},
    {"returns"},
    {"scaffold"},
    {"blocks"},
    {"report", "render"},
    {"build"},
    {"analysis"},  # an analyst's own notebook as a paper: converted to blocks, run on the build's warm kernels
    {"publish"},
    {"api"},
    {"cli"},
]
#: The package's front doors, which import from the top: ``import perfkit`` and ``python -m perfkit``.
FRONT = {"perfkit", "perfkit.__main__", "perfkit._moved"}
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(path: Path, known: dict[str, Path]) -> set[str]:
    """The perfkit modules ``path`` imports (``from a import b`` counts ``a.b`` when that is a module)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "perfkit"}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "perfkit" and not node.level:
            for alias in node.names:
                found.add(f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in known else node.module)
    return found - {module_name(path)}


def graph() -> dict[str, set[str]]:
    known = modules()
    return {m: imports(p, known) for m, p in known.items()}


def layer(module: str) -> int | None:
    top = module.split(".")[1] if "." in module else None
    return next((i for i, names in enumerate(LAYERS) if top in names), None)


def test_every_module_has_a_layer():
    missing = [m for m in modules() if m not in FRONT and layer(m) is None]
    assert not missing, f"modules in no layer of tests/unit/test_layers.py: {missing}"


def test_no_import_runs_up_a_layer():
    upward = [f"{m} (layer {layer(m)}) imports {d} (layer {layer(d)})"
              for m, deps in graph().items() if m not in FRONT for d in sorted(deps)
              if d not in FRONT and layer(d) is not None and layer(d) > layer(m)]
    assert not upward, "imports from a lower layer to a higher one:\n" + "\n".join(upward)


def test_no_import_cycle():
    edges = {m: {d for d in deps if d not in FRONT} for m, deps in graph().items() if m not in FRONT}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for d in sorted(edges.get(m, ())):
            if state.get(d) == 1:
                return [*stack[stack.index(d):], d]
            if d not in state and (cycle := visit(d)):
                return cycle
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(edges):
        if m not in state and (cycle := visit(m)):
            pytest.fail("import cycle: " + " -> ".join(cycle))


def test_no_module_over_400_lines():
    long = {m: n for m, p in modules().items() if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines (split them by what they do): {long}"


def test_the_checker_sees_a_cycle_and_an_upward_import(tmp_path, monkeypatch):
    """The tests above can fail: a made-up package with both defects is caught."""
    pkg = tmp_path / "perfkit"
    (pkg / "config").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "config" / "__init__.py").write_text("")
    (pkg / "config" / "a.py").write_text("from perfkit.config.b import x\nfrom perfkit.cli import app\n")
    (pkg / "config" / "b.py").write_text("def f():\n    from perfkit.config import a\n")
    (pkg / "cli.py").write_text("app = 1\n")
    monkeypatch.setattr(f"{__name__}.PACKAGE", pkg)
    with pytest.raises(AssertionError, match=r"perfkit.config.a \(layer 1\) imports perfkit.cli \(layer 13\)"):
        test_no_import_runs_up_a_layer()
    with pytest.raises(pytest.fail.Exception, match="import cycle: perfkit.config.a -> perfkit.config.b -> perfkit.config.a"):
        test_no_import_cycle()
