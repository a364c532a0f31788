"""A published figure's 95% confidence interval and the publisher's judgement against England:
stored (canonical columns ci_lower, ci_upper, compared), checked, and shown beside the figure."""

from __future__ import annotations

import duckdb
import pytest

import perfkit
from perfkit.errors import IngestError
from perfkit.ingest import ingest
from perfkit.report.wording import comparator_text, figure_text
from perfkit.store.store import Store

from ..helpers import PARAMS, TODAY, write_csv

HEADER = "indicator,area_code,area_name,period,value,numerator,denominator,ci_lower,ci_upper,compared,note\n"
ROWS = ("DFE_REREF,E08000007,Stockport,2023/24,24.1,,,20.98,27.46,Similar,\n"
        "DFE_REREF,E92000001,England,2023/24,22.4,,,22.3,22.5,,\n")


def test_an_interval_is_stored_and_shown_beside_the_figure_with_the_publishers_judgement(tmp_path, catalogue):
    store = tmp_path / "s.duckdb"
    ingest([write_csv(tmp_path / "ci.csv", HEADER + ROWS)], store, catalogue, today=TODAY)
    with Store(store, read_only=True) as db:
        row = db.observations(["DFE_REREF"], ["E08000007"]).iloc[0]
    assert (row["value"], row["ci_lower"], row["ci_upper"], row["compared"]) == (24.1, 20.98, 27.46, "Similar")
    card = perfkit.scorecard("2023/24", area="E08000007", indicators=["DFE_REREF"], store=store, params=PARAMS).iloc[0]
    assert figure_text(card) == "24.1% (95% CI 21.0-27.5)"
    # the publisher compared it with England by its interval: that is said, not a rank of ours
    assert comparator_text(card) == "Similar to England (as published, by 95% confidence interval) · 2023/24"


def test_a_figure_without_an_interval_reads_as_before(tmp_path, catalogue):
    store = tmp_path / "s.duckdb"
    ingest([write_csv(tmp_path / "plain.csv", HEADER + "DFE_REREF,E08000007,Stockport,2023/24,24.1,,,,,,\n")], store, catalogue, today=TODAY)
    card = perfkit.scorecard("2023/24", area="E08000007", indicators=["DFE_REREF"], store=store, params=PARAMS).iloc[0]
    assert figure_text(card) == "24.1%"
    assert not comparator_text(card).startswith("Similar")


@pytest.mark.parametrize(
    "cells, column, said",
    [
        ("24.1,,,20.98,,", "ci_upper", "a confidence interval needs both limits"),
        ("24.1,,,27.46,20.98,", "ci_upper", "is below the lower limit 27.46"),
        ("29.0,,,20.98,27.46,", "value", "is outside its confidence interval (20.98 to 27.46)"),
        ("24.1,,,20.98,27.5%,", "ci_upper", None),  # a % sign is the unit's, as on the value
        ("c,,,20.98,27.46,", "value", "mixes a suppression code with numbers"),
        ("24.1,,,low,27.46,", "ci_lower", "not a number"),
    ],
)
def test_an_interval_is_checked(tmp_path, catalogue, cells, column, said):
    path = write_csv(tmp_path / "bad.csv", HEADER + f"DFE_REREF,E08000007,Stockport,2023/24,{cells},\n")
    if said is None:
        ingest([path], tmp_path / "s.duckdb", catalogue, today=TODAY)  # accepted
        return
    with pytest.raises(IngestError) as info:
        ingest([path], tmp_path / "s.duckdb", catalogue, today=TODAY)
    problems = [(p.column, p.problem) for p in info.value.problems]
    assert any(c == column and (said is None or said in p) for c, p in problems), problems


def test_a_store_made_before_intervals_gains_their_columns(tmp_path, catalogue):
    store = tmp_path / "old.duckdb"
    ingest([write_csv(tmp_path / "plain.csv", HEADER + "DFE_REREF,E08000007,Stockport,2022/23,23.0,,,,,,\n")], store, catalogue, today=TODAY)
    con = duckdb.connect(str(store))
    for table in ("observations", "revisions"):
        for column in ("ci_lower", "ci_upper", "compared"):
            con.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    con.execute("DROP TABLE perfkit_store")  # an earlier perfkit did not mark its stores
    con.close()
    with Store(store, read_only=True) as db:  # brought up to date once, then read
        assert db.observations(["DFE_REREF"])["ci_lower"].isna().all()
    ingest([write_csv(tmp_path / "ci.csv", HEADER + ROWS)], store, catalogue, today=TODAY)
    with Store(store, read_only=True) as db:
        rows = db.observations(["DFE_REREF"], ["E08000007"])
    assert rows["ci_upper"].tolist()[-1] == 27.46 and len(rows) == 2
