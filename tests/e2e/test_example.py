"""examples/trafford: a real council's papers from public data, checked against the published files."""

from __future__ import annotations

import math
import re
import shutil
import subprocess
from decimal import ROUND_HALF_UP, Decimal
from html import unescape

import pandas as pd
import pytest

from ..helpers import C1, PLANNING, ROOT, SHARED_DATA, SN, require_shared_data, run_cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    shared = require_shared_data()
    project = tmp_path_factory.mktemp("example") / "trafford"
    shutil.copytree(ROOT / "examples" / "trafford", project)  # links to perfkit's shipped params become files
    run_cli(project, "ingest", "--source", "dfe_c1_referrals", str(shared / C1), home=False)
    run_cli(project, "ingest", "--source", "lginform_planning_major", str(shared / PLANNING), home=False)
    run_cli(project, "build", "--period", "2024/25 Q4", home=False)
    run_cli(project, "build", "--period", "2024/25 Q4", "--report", "indicator_profile", "--directorate", "childrens-services", home=False)
    return project


def published_c1() -> pd.DataFrame:
    return pd.read_csv(SHARED_DATA / C1, dtype=str, keep_default_na=False)


def test_each_years_rate_equals_the_published_percentage(built):
    raw = published_c1()
    trafford = raw[(raw["geographic_level"] == "Local authority") & (raw["new_la_code"] == "E08000009")]
    folder = built / "outputs" / "2024-25-q4" / "childrens-services"
    html = unescape((folder / "indicator_profile_dfe_reref.html").read_text())
    html = re.sub(r" (role|data-label)='[^']*'", "", html)  # a table's ARIA roles and each cell's column label (its card on a phone)
    pdf = subprocess.run(["pdftotext", "-layout", str(folder / "indicator_profile_dfe_reref.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    assert len(trafford) == 13
    for _, r in trafford.iterrows():
        year = int(r["time_period"])
        label = f"{year - 1}/{year % 100:02d}"  # reporting year 2025 is 2024/25
        counts = f"{int(r['rereferral_count']):,} of {int(r['referral_count']):,}"
        published = f"{float(r['rereferral_percent']):.1f}%"  # "18" in the file is 18.0 with its zero dropped
        row = f"<th scope='row'>{label}</th><td class='num'>{published}</td><td class='num'>{counts}</td>"
        assert row in html, (label, published)
        assert re.search(rf"{re.escape(label)}\s+{re.escape(published)}\s+{re.escape(counts)}", pdf), label


def test_rank_among_statistical_neighbours_equals_pandas(built):
    """The paper for 2024/25 Q4 goes to the meeting of 10 July 2025 (the example's calendar): DfE's
    2024/25 (reporting year 2025) comes out in the autumn, so the latest released then is 2023/24
    (year 2024), the test's own reading of README's latest-available rule (year end + 8 months)."""
    raw = published_c1()
    year = raw[(raw["time_period"] == "2024") & (raw["geographic_level"] == "Local authority")].copy()
    year["pct"] = pd.to_numeric(year["rereferral_percent"], errors="coerce")  # ranked as published (1 d.p.)
    sn = pd.read_csv(SHARED_DATA / SN, encoding="utf-8-sig", dtype=str)
    numbers = [sn.loc[sn["LA num"] == "358", f"SN{i}"].iloc[0] for i in range(1, 11)] + ["358"]
    group = year[year["old_la_code"].isin(numbers)].dropna(subset=["pct"])
    mine = group.loc[group["old_la_code"] == "358", "pct"].iloc[0]
    rank, n = int((group["pct"] < mine).sum()) + 1, len(group)  # lower is better; ties share the better rank
    joint = "joint " if (group["pct"] == mine).sum() > 1 else ""
    shown = sorted(Decimal(str(v)) for v in group["pct"])
    middle = shown[n // 2] if n % 2 else (shown[n // 2 - 1] + shown[n // 2]) / 2
    quartile, median = math.ceil(4 * rank / n), middle.quantize(Decimal("0.1"), ROUND_HALF_UP)  # rounded half-up
    from perfkit.assess import ordinal

    expected = f"{joint}{ordinal(rank, n)}, quartile {quartile} (median {median}%"
    folder = built / "outputs" / "2024-25-q4" / "childrens-services"
    assert expected in unescape((folder / "directorate_report.html").read_text())
    pdf = subprocess.run(["pdftotext", "-layout", str(folder / "directorate_report.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    assert ordinal(rank, n) in pdf and "neighbours of Trafford" in pdf  # the group named (its "(DfE)" may wrap in the column)
    # the group names its members, not DfE numbers
    group_file = (built / "params" / "comparators" / "statistical_neighbours.yaml").read_text()
    assert "E10000015: Hertfordshire" in group_file and "'919'" not in group_file


def test_the_committed_group_is_what_groups_add_makes(built, tmp_path):
    """The example's statistical neighbour group can be made again from DfE's file, the same."""
    committed = (built / "params" / "comparators" / "statistical_neighbours.yaml").read_text()
    (built / "params" / "comparators" / "statistical_neighbours.yaml").unlink()
    try:
        run_cli(built, "groups", "add", str(SHARED_DATA / SN), "--code", "statistical_neighbours", "--for", "DFE_REREF", home=False)
        assert (built / "params" / "comparators" / "statistical_neighbours.yaml").read_text() == committed
    finally:
        (built / "params" / "comparators" / "statistical_neighbours.yaml").write_text(committed)


def test_the_planning_paper_ranks_among_the_cipfa_neighbours(built):
    raw = pd.read_csv(SHARED_DATA / PLANNING)
    quarter = raw[raw["period"] == "2024/25 Q4"].set_index("area_code")["value"]
    html = unescape((built / "outputs" / "2024-25-q4" / "place" / "directorate_report.html").read_text())
    assert f"{quarter['E08000009']:.0f}%" in html and "Trafford CIPFA nearest neighbours" in html
    assert "10 July 2025" in html  # the example's own meeting date, not the demo council's
