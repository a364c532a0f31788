"""Many councils, not one (issue 22): twenty generated councils of different shapes, each built
and checked the way the shipped demo is.

Each seed's council (``perfkit demo --seed N``, :mod:`perfkit.scaffold.shapes`) varies what
the shipped one holds once or not at all: an annual-only directorate, neutral indicators,
small bases, withheld off-target counts, ties with neighbours, figures returned as missing,
periods with no row. Four seeds are built for every quarter of 2025/26, the other sixteen
for Q4; HTML only (the checks read the notebooks, and the PDF adds nothing to them), two
workers. Each build must succeed and :func:`audit_council` must find nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from perfkit.audit import audit_period
from perfkit.contract import RAG_WORDS
from perfkit.periods import parse_period
from perfkit.scaffold.demo import SIMULATION
from perfkit.scaffold.shapes import shape_for

from ..helpers import MANY_COUNCILS, run_cli

pytestmark = pytest.mark.slow

YEAR = "2025/26"
#: Built for every quarter: annual-only Resources (and a withheld count), annual-only Children's
#: Services (and a withheld count), no annual directorate, annual-only Housing.
EVERY_QUARTER = (2, 5, 7, 10)


def audit_council(folder: Path, periods: list[str]) -> list[str]:
    """What is wrong with the papers built in ``folder``: a report that failed, each report's
    own checks (commentary that contradicts its figure, withheld words that hold a number or a
    name, text the PDF cannot show), and every finding of the paper audit (failures and
    warnings: :mod:`perfkit.audit`, independent of the code that wrote the papers)."""
    manifest = json.loads((folder / "outputs" / "manifest.json").read_text(encoding="utf-8"))
    found = []
    for key, entry in sorted(manifest["reports"].items()):
        if entry["status"] != "built":
            found.append(f"{key}: {entry['status']}: {entry['error']}")
        found += [f"{key}: {check}" for check in entry["checks"]]
    for period in periods:
        found += [f.line() for f in audit_period(folder / "outputs", period, folder / "data" / "perfkit.duckdb", folder / "params")]
    return found


@pytest.mark.parametrize("seed", MANY_COUNCILS)
def test_a_generated_council_builds_with_nothing_to_query(tmp_path, seed):
    shape = shape_for(seed, SIMULATION)
    assert not shape.plain
    made = run_cli(tmp_path, "demo", "--seed", str(seed))
    assert f"seed {seed}'s council: " in made.stdout
    quarters = [q.label for q in parse_period(YEAR).quarters()]
    periods = quarters if seed in EVERY_QUARTER else quarters[-1:]
    run_cli(tmp_path, "build", *(a for p in periods for a in ("--period", p)), "--format", "html", "--jobs", "2")
    reports = json.loads((tmp_path / "outputs" / "manifest.json").read_text(encoding="utf-8"))["reports"]
    assert len(reports) == 5 * len(periods)  # four directorates and the overview, each quarter
    assert audit_council(tmp_path, periods) == []
    if shape.withheld:  # the count withheld at the year's end is off target whatever it is, and the paper says so
        housing = (tmp_path / "outputs" / parse_period(periods[-1]).slug / "housing" / "directorate_report.html").read_text(encoding="utf-8")
        assert RAG_WORDS["off target"][1] in housing
