"""What members read, line by line: the demo data reads true (a year-to-date rate settles, an
owner's words match the figure), and `perfkit lab`'s command. The papers themselves are read
in tests/e2e/test_trust.py.
"""

from __future__ import annotations

import re
from collections import defaultdict

from perfkit.config.catalogue import load_catalogue
from perfkit.periods import parse_period

from ..helpers import PARAMS, demo_rows

CAT = load_catalogue(PARAMS)


def test_year_to_date_indicators_accumulate_and_commentary_matches_its_figure(demo_files):
    rows = demo_rows(demo_files)
    for code in (c for c in CAT if CAT[c].cumulative and (c, "2025-04") in rows):
        series = [float(rows[(code, p.label)]["value"]) for p in parse_period("2025/26").subperiods(parse_period("2025-04").freq)
                  if rows.get((code, p.label), {}).get("value")]
        steps = [abs(b - a) for a, b in zip(series[3:], series[4:])]
        assert max(steps) <= 0.2, (code, series)  # a year-to-date rate settles: late months move it little
    said = defaultdict(int)
    for (code, label), r in rows.items():
        if not r.get("commentary"):
            continue
        said[r["commentary"][:20]] += 1
        period, ind = parse_period(label), CAT[code]
        target = ind.target_for(period)
        if period.freq is not ind.freq:  # a monthly indicator's words for the quarter: about the quarter's figure
            months = [rows[(code, m.label)] for m in period.subperiods(ind.freq)]
            assert not r["value"] and all(m["value"] for m in months), (code, label)
            rule = ind.aggregation.value
            if rule == "rate" and months[0].get("numerator"):
                value = sum(int(m["numerator"]) for m in months) / sum(int(m["denominator"]) for m in months) * ind.unit.multiplier
            else:
                values = [float(m["value"]) for m in months]
                value = {"sum": sum(values), "mean": sum(values) / len(values)}.get(rule, values[-1])
        else:
            value = float(r["value"])
            if r.get("numerator"):
                value = int(r["numerator"]) / int(r["denominator"]) * ind.unit.multiplier
        missed = value < target.value if CAT[code].polarity.value == "higher" else value > target.value
        assert missed == bool(re.match(r"(Below|Off target|Behind target|Missed|Short of|.+? against a target of)", r["commentary"])), (code, label, r["commentary"], value)
    assert len(said) >= 5  # the owners' words vary


def test_lab_opens_an_analysis_folder_and_passes_options_to_jupyterlab(tmp_path):
    from perfkit.cli.lab import lab_command
    from perfkit.config.project import Project

    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "analyst_starter.ipynb").write_text("{}")
    proj = Project(root=tmp_path)
    command = lab_command(proj, ["--port", "8899", "--no-browser"])
    assert command[-3:] == ["--port", "8899", "--no-browser"] and command[command.index("--notebook-dir") + 1] == str(tmp_path / "analysis")
    assert (tmp_path / "analysis" / "analyst_starter.ipynb").read_text() == "{}"
