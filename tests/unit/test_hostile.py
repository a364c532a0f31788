"""Nothing lost, nothing stale, nothing leaked: the defects a hostile test found (issue 14),
those checked without a build (the rest are in tests/e2e/test_hostile.py).

Each test here failed on the code before its fix.
"""

from __future__ import annotations

import duckdb
import pytest

from perfkit.errors import IngestError
from perfkit.ingest import ingest

from ..helpers import TODAY, dump_store, write_csv


def test_rejects_that_cannot_be_saved_mean_nothing_is_imported(tmp_path, demo_store, catalogue):
    path = write_csv(
        tmp_path / "returns.csv",
        "indicator,area_code,area_name,period,value\n"
        "HSG_TA,ZZ0000001,Kestrel Vale,2025/26 Q1,999\nHSG_TA,ZZ0000001,Kestrel Vale,2025/26 Q2,-4\n",
    )
    (tmp_path / "rejected" / "returns.rejected.csv").mkdir(parents=True)  # a name the rejects cannot be written to (as a read-only folder)
    before = dump_store(demo_store)
    with pytest.raises(IngestError) as caught:
        ingest([path], demo_store, catalogue, skip_invalid=True, today=TODAY, rejects=tmp_path / "rejected")
    message = str(caught.value)
    assert message.startswith("returns.csv: nothing was imported: its 1 rejected row(s) could not be saved to")
    assert "returns.rejected.csv" in message and "make that folder writable" in message
    after = dump_store(demo_store)
    assert before.keys() == after.keys() and all(before[t].equals(after[t]) for t in before)


def test_minus_zero_lower_case_codes_and_blank_lines_are_read_as_meant(tmp_path, catalogue):
    path = write_csv(
        tmp_path / "returns.csv",
        "indicator,area_code,area_name,period,value\n"
        "HSG_TA,zz0000001,Kestrel Vale,2025/26 Q1,-0\n"
        "   \n"  # a line of spaces is as blank as a line of commas
        ",,,,\n"
        "HSG_TA,ZZ0000001,Kestrel Vale,2025/26 Q2,12\n",
    )
    [report] = ingest([path], tmp_path / "s.duckdb", catalogue, today=TODAY)
    assert report.result.added == 2
    assert report.notes == ("returns.csv: area codes are upper case: 1 row(s) written in lower case were read so (e.g. zz0000001 as ZZ0000001)",)
    with duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True) as con:
        rows = con.execute("SELECT area_code, period, value, CAST(value AS VARCHAR) FROM observations ORDER BY period").fetchall()
    assert rows == [("ZZ0000001", "2025/26 Q1", 0.0, "0.0"), ("ZZ0000001", "2025/26 Q2", 12.0, "12.0")]  # one series; no "-0"


def test_dollar_signs_in_area_names_are_text_not_mathtext():
    import pandas as pd

    from perfkit.report.charts import comparator_chart

    values = pd.DataFrame({
        "area_code": ["E1", "E2", "E3"],
        "area_name": ["Kestrel Vale", "Costs $5 $ Borough", r"Vale $\frac{1}{0$ Town"],  # neither parses as mathtext
        "value": [10.0, 12.0, 14.0],
    })
    chart = comparator_chart("Rate", values, "E1", "%", 1, median=12.0)
    assert chart.svg.startswith("<svg") or "<svg" in chart.svg[:500]


def test_a_billion_laughs_in_params_is_refused_at_once_without_expanding_it(project_dir):
    from perfkit.config.council import load_council
    from perfkit.errors import ConfigError

    laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    laughs += [f"{n}: &{n} [{','.join(['*' + p] * 9)}]" for p, n in zip("abcdefgh", "bcdefghi")]
    council = project_dir / "params" / "council.yaml"
    council.write_text("\n".join(laughs) + "\nname: *i\n" + council.read_text().split("name:", 1)[1].split("\n", 1)[1])
    with pytest.raises(ConfigError) as caught:
        load_council(project_dir / "params")
    message = str(caught.value)
    assert "council.yaml: its aliases (*name) expand to more than 100,000 values" in message and len(message) < 400
