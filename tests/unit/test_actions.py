"""Actions as rows (issue 22, finding 1): each with an owner, a due date and a status; last
period's open actions come back pre-filled in the return for a progress update, are read back
with the batch (all or nothing), and a headline per indicator is asked for and stored.

Real parts: the demo store (whose actions file the demo writes), openpyxl workbooks filled in as
an owner would, real imports into a DuckDB file.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl
import pytest

from perfkit.config.catalogue import load_catalogue
from perfkit.contract import OPEN_ACTIONS
from perfkit.errors import IngestError
from perfkit.ingest import ingest
from perfkit.ingest.returned import ACTION_SHEET_COLUMNS, ACTIONS_SHEET, DATA_SHEET, HEADER_ROW
from perfkit.periods import parse_period
from perfkit.returns.workbook import write_returns
from perfkit.store.store import Store

from ..helpers import HOME, RETURNS_DIRECTORATE, RETURNS_QUARTER, assert_same_store, dump_store, fill, return_columns, write_csv

Q = parse_period(RETURNS_QUARTER)
TODAY = dt.date(2026, 7, 25)
ACOL = {name: n for n, (name, _) in enumerate(ACTION_SHEET_COLUMNS, start=1)}


def _actions_rows(path: Path) -> list[dict]:
    ws = openpyxl.load_workbook(path)[ACTIONS_SHEET]
    rows = []
    for row in range(HEADER_ROW + 1, ws.max_row + 1):
        cells = {name: ws.cell(row, n) for name, n in ACOL.items()}
        rows.append({"row": row, **{k: c.value for k, c in cells.items()}, "locked": {k for k, c in cells.items() if c.protection.locked}})
    return rows


def _with_carried(books: dict[str, Path]) -> Path:
    return next(p for p in books.values() if any(r["ref"] for r in _actions_rows(p)))


def test_last_periods_open_actions_come_back_prefilled_for_a_progress_update(quarter):
    root, store, books = quarter
    with Store(store, read_only=True) as db:
        stored = db.actions()
    before = stored[[p.label == "2025/26 Q4" for p in stored["period"]]]
    open_ = {(r.indicator, r.ref): r for r in before.itertuples() if r.status in OPEN_ACTIONS}
    codes = {c for p in books.values() for c in (r["indicator"] for r in _actions_rows(p)) if c}
    expected = {k for k in open_ if k[0] in codes}
    carried = {(r["indicator"], r["ref"]): r for p in books.values() for r in _actions_rows(p) if r["ref"]}
    assert expected and set(carried) == expected  # every open action, and no complete or dropped one
    for key, r in carried.items():
        was = open_[key]
        assert r["action"] == was.action and r["owner"] == was.owner and r["status"] == was.status
        assert r["last_progress"] == (was.progress if isinstance(was.progress, str) else None) and r["progress"] is None
        assert r["period"] == Q.label  # reported for this quarter
        assert {"indicator", "ref", "action", "period"} <= r["locked"] and not {"owner", "due", "status", "progress"} & r["locked"]
    blank = [r for p in books.values() for r in _actions_rows(p) if not r["ref"]]
    assert blank and all(not {"indicator", "action", "owner", "due", "status"} & r["locked"] for r in blank)


def _fill_actions(path: Path, carried: dict[str, object], new: dict[str, object] | None) -> Path:
    book = openpyxl.load_workbook(path)
    ws = book[ACTIONS_SHEET]
    first = HEADER_ROW + 1
    for name, value in carried.items():
        ws.cell(first, ACOL[name]).value = value
    if new:
        row = next(r for r in range(first, ws.max_row + 1) if not ws.cell(r, ACOL["ref"]).value)
        for name, value in new.items():
            ws.cell(row, ACOL[name]).value = value
    book.save(path)
    return path


def test_a_return_updates_carried_actions_adds_new_ones_and_stores_a_headline(quarter):
    root, store, books = quarter
    catalogue = load_catalogue(root / "params")
    path = _with_carried(books)
    first = _actions_rows(path)[0]
    code, ref = first["indicator"], first["ref"]
    words_row = {"headline": "Fewer late assessments after the new triage; still short of target."}
    fill(path, {code: {"value": 50, "numerator": 50, "denominator": 100, **words_row}})  # a monthly indicator's months take the value; its quarter's row the headline
    _fill_actions(path, {"status": "complete", "progress": "Done: the audit was completed in May."},
                  {"indicator": code, "action": "Weekly review of every assessment past 40 days.", "owner": "Team Manager, Assessment",
                   "due": dt.datetime(2026, 9, 30), "status": "not started"})
    [report] = ingest([path], store, catalogue, today=TODAY)
    assert report.result.actions == 2
    with Store(store, read_only=True) as db:
        now = db.actions([code], [HOME])
        obs = db.observations([code], [HOME])
    now = now[[p == Q for p in now["period"]]].set_index("ref")
    assert now.loc[ref, "status"] == "complete" and now.loc[ref, "progress"] == "Done: the audit was completed in May."
    earlier = max(int(r[1:]) for r in now.index)
    new = now.loc[f"A{earlier}"]
    assert new["action"] == "Weekly review of every assessment past 40 days." and new["due"] == dt.date(2026, 9, 30)
    assert new["status"] == "not started" and new["owner"] == "Team Manager, Assessment" and f"A{earlier}" != ref
    assert obs.loc[[Q.contains(p) for p in obs["period"]], "headline"].dropna().tolist() == [words_row["headline"]]
    # the same workbook again changes nothing
    [again] = ingest([path], store, catalogue, today=TODAY)
    assert again.result.actions == 0 and again.result.added == again.result.revised == 0
    # issued again, the return shows the actions as reported for this quarter (nothing typed twice)
    [reissued] = [p for p in write_returns(root, Q, [RETURNS_DIRECTORATE], out=root / "again") if p.name == path.name]
    rows = {r["ref"]: r for r in _actions_rows(reissued) if r["ref"]}
    assert rows[ref]["status"] == "complete" and rows[f"A{earlier}"]["action"] == "Weekly review of every assessment past 40 days."


BAD = {
    "a status not in the list": ({"status": "finished"}, "column status, value 'finished': is not an action status; choose one of: not started"),
    "a due date that is not a date": ({"due": "soon"}, "column due, value 'soon': is not a date; write the due date as 2026-06-30"),
    "an owner removed": ({"owner": None}, "column owner, value '': is blank; give the post or person who owns the action"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_action_refuses_the_whole_return_naming_the_sheet_row_column_and_fix(quarter, case):
    root, store, books = quarter
    catalogue = load_catalogue(root / "params")
    path = _with_carried(books)
    code = _actions_rows(path)[0]["indicator"]
    fill(path, {code: {"value": 50, "numerator": 50, "denominator": 100, "headline": "A headline that must not be stored without its actions."}})
    cells, said = BAD[case]
    _fill_actions(path, cells, None)
    before = dump_store(store)
    with pytest.raises(IngestError) as caught:
        ingest([path], store, catalogue, today=TODAY)
    assert f"{path.name}: sheet 'Actions', row {HEADER_ROW + 1}, {said}" in str(caught.value)
    assert_same_store(before, dump_store(store))  # nothing stored: not the figures, not the headline


def test_a_carried_actions_locked_reference_changed_is_refused(quarter):
    root, store, books = quarter
    path = _with_carried(books)
    book = openpyxl.load_workbook(path)
    book[ACTIONS_SHEET].cell(HEADER_ROW + 1, ACOL["ref"]).value = "A99"
    book.save(path)
    before = dump_store(store)
    with pytest.raises(IngestError) as caught:  # read by its reference: A99 was not carried, and the one issued there is missing
        ingest([path], store, load_catalogue(root / "params"), today=TODAY)
    assert re.search(r"sheet 'Actions', row 5: action A99 of \w+ was not carried on this return", str(caught.value))
    assert re.search(r"sheet 'Actions': the row carried for action A\d+ of \w+ was deleted", str(caught.value))
    assert_same_store(before, dump_store(store))


def test_an_actions_file_gives_new_actions_the_next_reference_and_refuses_bad_rows(quarter, tmp_path):
    root, store, _books = quarter
    catalogue = load_catalogue(root / "params")
    with Store(store, read_only=True) as db:
        used = db.actions(["HSG_TA"], [HOME])
    top = max(int(r[1:]) for r in used["ref"])
    good = write_csv(tmp_path / "actions.csv", "indicator,area_code,period,ref,action,owner,due,status,progress\n"
                     f"HSG_TA,{HOME},2026/27 Q1,,Open two more family hubs,Head of Housing Options,30/09/2026,on track,\n"
                     f"HSG_TA,{HOME},2026/27 Q1,,=HYPERLINK(\"x\") a formula-like action,Head of Housing Options,2026-12-31,not started,\n")
    [report] = ingest([good], store, catalogue, today=TODAY)
    assert report.result.actions == 2 and report.result.added == 0
    with Store(store, read_only=True) as db:
        now = db.actions(["HSG_TA"], [HOME])
    mine = now[[p == Q for p in now["period"]]]
    assert list(mine["ref"]) == [f"A{top + 1}", f"A{top + 2}"] and mine["due"].tolist() == [dt.date(2026, 9, 30), dt.date(2026, 12, 31)]
    bad = write_csv(tmp_path / "bad_actions.csv", "indicator,area_code,period,ref,action,owner,due,status,progress\n"
                    f"HSG_TA,{HOME},2026-05,,Open a hub,Head of Housing Options,2026-09-30,on track,\n"
                    f"NOPE,{HOME},2026/27 Q1,,Open a hub,Head of Housing Options,2026-09-30,on track,\n")
    before = dump_store(store)
    with pytest.raises(IngestError) as caught:
        ingest([bad], store, catalogue, today=TODAY)
    text = str(caught.value)
    assert "bad_actions.csv, row 2, column period, value '2026-05': is a month but HSG_TA is reported for each quarter" in text
    assert "bad_actions.csv, row 3, column indicator, value 'NOPE': unknown indicator" in text
    assert_same_store(before, dump_store(store))
    [skipped] = ingest([bad], store, catalogue, today=TODAY, skip_invalid=True, rejects=tmp_path / "rejected")
    assert skipped.result.actions == 0 and skipped.rejects_path is not None
    assert "unknown indicator" in skipped.rejects_path.read_text()


def test_the_return_sheet_asks_for_a_headline_where_it_asks_for_commentary(quarter):
    root, store, books = quarter
    col = return_columns()
    ws = openpyxl.load_workbook(next(iter(books.values())))[DATA_SHEET]
    for row in range(HEADER_ROW + 1, ws.max_row + 1):
        assert ws.cell(row, col["headline"]).protection.locked is ws.cell(row, col["commentary"]).protection.locked
    assert ws.cell(HEADER_ROW, col["headline"]).value == "headline" and "actions" not in col
