"""The suite's own shape, held by tests: unit tests in tests/unit (the fast subset,
``pytest -m "not slow"``), end-to-end tests in tests/e2e, every e2e module marked slow, and no
test module importing from another (what they share is in tests/conftest.py and tests/helpers.py).

Modules are read with ``ast``, so a module that fails to import still shows here.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def modules(folder: str) -> list[Path]:
    return sorted((TESTS / folder).glob("test_*.py"))


def is_slow_mark(node: ast.expr) -> bool:
    """``pytest.mark.slow`` (or ``mark.slow``)."""
    return isinstance(node, ast.Attribute) and node.attr == "slow" and isinstance(node.value, ast.Attribute) and node.value.attr == "mark"


def module_marks(path: Path) -> list[ast.expr]:
    """What the module's top-level ``pytestmark = ...`` names (a mark, or a list or tuple of them)."""
    marks: list[ast.expr] = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        if any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in targets) and node.value is not None:
            marks += node.value.elts if isinstance(node.value, (ast.List, ast.Tuple)) else [node.value]
    return marks


def test_the_suite_is_split_into_unit_and_e2e():
    assert not list(TESTS.glob("test_*.py")), "test modules go in tests/unit (fast) or tests/e2e (slow)"
    assert len(modules("unit")) >= 10 and len(modules("e2e")) >= 5
    assert (TESTS / "unit" / "test_imports.py").is_file()  # the fast subset imports every module of the package


def test_every_e2e_module_is_marked_slow():
    unmarked = [p.name for p in modules("e2e") if not any(is_slow_mark(m) for m in module_marks(p))]
    assert not unmarked, f"tests/e2e modules without `pytestmark = pytest.mark.slow`: {unmarked}"


def test_no_unit_module_is_marked_slow():
    """A slow mark in tests/unit would drop a test from the fast subset without moving it to e2e."""
    marked = []
    for path in modules("unit"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        decorators = [d for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef)) for d in n.decorator_list]
        if any(is_slow_mark(m) for m in module_marks(path)) or any(is_slow_mark(d) for d in decorators):
            marked.append(path.name)
    assert not marked, f"slow tests belong in tests/e2e: {marked}"


def test_no_test_module_imports_another():
    found = []
    for path in modules("unit") + modules("e2e"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[-1].startswith("test_"):
                found.append(f"{path.parent.name}/{path.name} imports from {'.' * node.level}{node.module}")
            if isinstance(node, ast.Import):
                found += [f"{path.parent.name}/{path.name} imports {a.name}" for a in node.names if a.name.split(".")[-1].startswith("test_")]
    assert not found, "shared helpers go in tests/helpers.py, shared fixtures in tests/conftest.py:\n" + "\n".join(found)
