"""The shipped notebooks as stored: no outputs, one parameters cell (the reports built from them
are checked in tests/e2e/test_reports.py)."""

from __future__ import annotations

import json

from ..helpers import ROOT


def test_notebooks_are_stored_without_outputs():
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        nb = json.loads(path.read_text())
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None, path
        tags = [t for c in nb["cells"] for t in c["metadata"].get("tags", [])]
        assert tags.count("parameters") == 1, path
