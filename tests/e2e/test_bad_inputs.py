"""The 300 MB hostile inputs of issue 26, each ingested by the ``perfkit`` command with its peak
resident memory measured (a safety bound, not a timing): under 2 GB, refused with a plain message.

Before the bounded readers, the 300 MB commentary cell took 3.3 GB (loaded whole, then refused)
and 300 MB with no line break 2.35 GB before a raw "field larger than field limit".
"""

from __future__ import annotations

import pytest

import json
import subprocess
import sys

from ..bad_inputs import hostile
from ..helpers import BAD_INPUTS, EARLY_HELP, make_project, run_cli_peak

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


DRIVER = """
import datetime as dt, json, resource, sys
from pathlib import Path
from perfkit.config.catalogue import load_catalogue
from perfkit.errors import PerfkitError
from perfkit.ingest import ingest
params, store, *files = sys.argv[1:]
catalogue, said = load_catalogue(Path(params)), {}
for name in files:
    try:
        ingest([Path(name)], Path(store), catalogue, today=dt.date(2026, 11, 23))
        said[Path(name).name] = "imported"
    except PerfkitError as exc:
        said[Path(name).name] = str(exc)
print(json.dumps({"said": said, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def test_every_bad_input_is_read_in_bounded_memory(quarter, tmp_path):
    """Each file of tests/bad_inputs and each hostile input quick to make, ingested in turn by one
    subprocess whose peak resident memory is measured (the 300 MB ones: tests/e2e/test_bad_inputs.py)."""
    root, store, books = quarter
    made = [make(tmp_path) for make in hostile.SMALL]
    made.append(hostile.add_sheet(books[EARLY_HELP], tmp_path / f"{EARLY_HELP}.xlsx", "Data", "veryHidden", 150_000))
    files = sorted(p for p in BAD_INPUTS.iterdir() if p.suffix != ".py") + made
    proc = subprocess.run([sys.executable, "-c", DRIVER, str(root / "params"), str(store), *map(str, files)],
                          capture_output=True, text=True, timeout=600, cwd=root)
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout.splitlines()[-1])
    assert set(found["said"]) == {p.name for p in files}
    assert found["said"]["hidden_first_sheet.xlsx"] == "imported"
    assert all(v == "imported" or v.startswith(("nothing was imported", k)) for k, v in found["said"].items()), found["said"]
    assert found["peak_mb"] < 2048, found["peak_mb"]
