"""The value-against-counts rule is judged cell by cell: a value equals its counts rounded to the
decimals it is written with, or to the series' decimals (README, "The canonical file layout")."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from perfkit.config.catalogue import load_catalogue
from perfkit.errors import IngestError
from perfkit.ingest import ingest
from perfkit.ingest.returned import DATA_SHEET, HEADER_ROW
from perfkit.store.store import Store

from ..helpers import TODAY, return_columns, write_csv

HEADER = "indicator,area_code,area_name,period,value,numerator,denominator\n"


def stored(store, code="CS_REREF"):
    with Store(store, read_only=True) as db:
        rows = db.observations([code])
    return {p.label: v for p, v in zip(rows["period"], rows["value"])}


def test_a_value_written_to_one_decimal_is_judged_to_one_beside_a_two_decimal_row(tmp_path, catalogue):
    # 61/275 is 22.18%: "22.2" is right to the one decimal it is written with, though 60/290 is written "20.69"
    path = write_csv(tmp_path / "mixed.csv", HEADER + "CS_REREF,ZZ0000001,Kestrel Vale,2025/26 Q1,20.69,60,290\n"
                     "CS_REREF,ZZ0000001,Kestrel Vale,2025/26 Q2,22.2,61,275\n")
    store = tmp_path / "s.duckdb"
    [report] = ingest([path], store, catalogue, today=TODAY)
    assert (report.result.added, report.result.rejected) == (2, 0)
    assert stored(store) == {"2025/26 Q1": 20.69, "2025/26 Q2": 22.2}  # as written, not recomputed


@pytest.mark.parametrize("value, computed", [("22.3", "22.182"), ("22.19", "22.182")])
def test_a_value_wrong_to_its_own_decimals_is_still_refused(tmp_path, catalogue, value, computed):
    path = write_csv(tmp_path / "wrong.csv", HEADER + "CS_REREF,ZZ0000001,Kestrel Vale,2025/26 Q1,20.69,60,290\n"
                     f"CS_REREF,ZZ0000001,Kestrel Vale,2025/26 Q2,{value},61,275\n")
    with pytest.raises(IngestError) as info:
        ingest([path], tmp_path / "s.duckdb", catalogue, today=TODAY)
    assert [(p.row, p.column, p.value) for p in info.value.problems] == [(3, "value", value)]
    assert f"does not match numerator / denominator ({computed})" in str(info.value)


def test_a_whole_number_among_two_decimal_values_is_read_to_two(tmp_path, catalogue):
    # "22" among "20.69" is 22.00 with its zeros dropped: 61/275 = 22.18 is not it
    path = write_csv(tmp_path / "whole.csv", HEADER + "CS_REREF,ZZ0000001,Kestrel Vale,2025/26 Q1,20.69,60,290\n"
                     "CS_REREF,ZZ0000001,Kestrel Vale,2025/26 Q2,22,61,275\n")
    with pytest.raises(IngestError, match=r"does not match numerator / denominator \(22.182\)"):
        ingest([path], tmp_path / "s.duckdb", catalogue, today=TODAY)


def test_the_same_rule_holds_in_a_return_workbook(quarter):
    """An owner types 20.69 for April and 22.2 for May (61 of 275): both are stored."""
    root, store, books = quarter
    col = return_columns()
    path = books["head-of-early-help-and-assessment"]
    book = openpyxl.load_workbook(path)
    ws = book[DATA_SHEET]
    figures = {"2026-04": (20.69, 60, 290), "2026-05": (22.2, 61, 275)}
    for row in range(HEADER_ROW + 1, ws.max_row + 1):
        if ws.cell(row, col["indicator"]).value == "CS_ASSESS_45" and ws.cell(row, col["period"]).value in figures:
            for name, cell in zip(("value", "numerator", "denominator"), figures[ws.cell(row, col["period"]).value]):
                ws.cell(row, col[name]).value = cell
    book.save(path)
    catalogue = load_catalogue(root / "params")
    [report] = ingest([path], store, catalogue, today=dt.date(2026, 7, 25))
    assert report.result.rejected == 0
    values = stored(store, "CS_ASSESS_45")
    assert (values["2026-04"], values["2026-05"]) == (20.69, 22.2)
