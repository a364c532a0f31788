"""The 300 MB hostile inputs of issue 26, each ingested by the ``perfkit`` command with its peak
resident memory measured (a safety bound, not a timing): under 2 GB, refused with a plain message.

Before the bounded readers, the 300 MB commentary cell took 3.3 GB (loaded whole, then refused)
and 300 MB with no line break 2.35 GB before a raw "field larger than field limit".
"""

from __future__ import annotations

import pytest

from ..bad_inputs import hostile
from ..helpers import make_project, run_cli_peak

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("make, said", [
    (hostile.huge_cell, "huge_cell.csv: row 2, column commentary: the cell runs on for more than 32,767 characters"),
    (hostile.no_newline, "no_newline.csv: row 1: the row runs on for more than 1,048,576 bytes without ending"),
], ids=["300 MB cell", "300 MB without a line break"])
def test_a_300_mb_input_is_refused_in_bounded_memory(tmp_path, demo_store, make, said):
    root = make_project(tmp_path / "p", demo_store)
    path = make(tmp_path)
    proc, peak = run_cli_peak(root, "ingest", path)
    assert proc.returncode != 0
    assert said in " ".join((proc.stdout + proc.stderr).split()), proc.stdout + proc.stderr
    assert peak < 2048, peak
