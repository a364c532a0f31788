"""The quarter before the build: return workbooks, reading them back, the check, chasing.

Real parts: openpyxl workbooks filled in as an owner would, real imports into a DuckDB
file. LibreOffice opening the workbooks, and the command and the paper built after the
check, are in tests/e2e/test_quarter.py.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from perfkit.config.catalogue import load_catalogue
from perfkit.returns.chase import check, write_check
from perfkit.config.council import load_council
from perfkit.errors import IngestError
from perfkit.ingest import ingest
from perfkit.config.papers import load_owners, load_params
from perfkit.periods import parse_period
from perfkit.ingest.returned import COLUMNS, DATA_SHEET, HEADER_ROW, read_return
from perfkit.returns.due import due_rows
from perfkit.returns.workbook import write_returns
from perfkit.store.store import Store

from ..helpers import RETURNS_DIRECTORATE as SLUG
from ..helpers import RETURNS_DUE as DUE
from ..helpers import RETURNS_QUARTER, assert_same_store, dump_store, fill, return_columns, set_target

Q = parse_period(RETURNS_QUARTER)  # the quarter after the demo data ends: nothing is stored for it yet
COL = return_columns()


def codes_in(path: Path) -> list[tuple[str, str]]:
    ws = openpyxl.load_workbook(path)[DATA_SHEET]
    return [(ws.cell(r, COL["indicator"]).value, ws.cell(r, COL["period"]).value) for r in range(HEADER_ROW + 1, ws.max_row + 1)]


def test_one_workbook_per_owner_with_a_row_per_period_due(quarter):
    root, store, books = quarter
    params = load_params(root / "params")
    owed = due_rows(params, Q, [SLUG])
    assert set(books) == {o.lower().replace(" ", "-") for o in owed["owner"]}
    for owner, rows in owed.groupby("owner"):
        path = books[owner.lower().replace(" ", "-")]
        assert path.parent == root / "returns" / "2026-27-q1" / SLUG
        expected = []
        for code, due in rows.groupby("indicator", sort=False):  # each figure due, then a monthly indicator's words row
            expected += [(code, p.label) for p in due["period"]] + ([(code, Q.label)] if params.catalogue[code].freq.value == "month" else [])
        assert codes_in(path) == expected
    monthly = owed[owed["indicator"] == "CS_ASSESS_45"]
    assert [p.label for p in monthly["period"]] == ["2026-04", "2026-05", "2026-06"]  # each month of the quarter
    book = openpyxl.load_workbook(books["head-of-early-help-and-assessment"])
    ws = book[DATA_SHEET]
    assert "Kestrel Vale Borough Council" in ws["A1"].value and "2026/27 Q1" in ws["A1"].value
    assert "20 July 2026" in ws["A2"].value  # the due date the calendar gives
    assert [ws.cell(HEADER_ROW, c).value for c in range(1, len(COLUMNS) + 1)] == [h for _, h in COLUMNS]
    assert ws.protection.sheet
    row = next(r for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, 1).value == "CS_REREF")
    assert ws.cell(row, COL["indicator"]).protection.locked and not ws.cell(row, COL["value"]).protection.locked
    # a monthly indicator: figures on the months' rows, the words once, on the quarter's row
    sheet = openpyxl.load_workbook(books["head-of-children-s-social-care" if "head-of-children-s-social-care" in books else next(
        b for b in books if "CS_ASSESS_45" in [c for c, _ in codes_in(books[b])])])[DATA_SHEET]
    rows_of = {(sheet.cell(r, COL["indicator"]).value, sheet.cell(r, COL["period"]).value): r for r in range(HEADER_ROW + 1, sheet.max_row + 1)}
    month, words = rows_of[("CS_ASSESS_45", "2026-06")], rows_of[("CS_ASSESS_45", Q.label)]
    assert not sheet.cell(month, COL["value"]).protection.locked and sheet.cell(month, COL["commentary"]).protection.locked
    assert sheet.cell(words, COL["value"]).protection.locked and not sheet.cell(words, COL["commentary"]).protection.locked
    assert not sheet.cell(words, COL["headline"]).protection.locked
    # the previous period (2025/26 Q4) and the same quarter last year come from the store, as numbers
    with Store(store, read_only=True) as db:
        stored = db.observations(["CS_REREF"], ["ZZ0000001"])
    by_label = {r.period.label: r.value for r in stored.itertuples()}
    assert ws.cell(row, COL["previous_value"]).value == by_label["2025/26 Q4"]
    assert ws.cell(row, COL["last_year_value"]).value == by_label["2025/26 Q1"]
    rules = {(dv.type, dv.formula1, dv.formula2) for dv in ws.data_validations.dataValidation}
    assert ("list", '"ok,provisional,suppressed,missing"', None) in rules
    assert ("decimal", "0", "100") in rules and ("whole", "0", None) in rules
    assert "Instructions" in book.sheetnames
    props = {p.name: p.value for p in book.custom_doc_props.props}
    assert props["perfkit_period"] == "2026/27 Q1" and props["perfkit_owner"] == "Head of Early Help and Assessment"


def test_a_returned_workbook_imports_and_the_check_lists_what_is_still_owed(quarter):
    root, store, books = quarter
    set_target(root, "CS_REREF", "2026/27", 20.0)  # the demo's targets end in 2025/26
    params, council = load_params(root / "params"), load_council(root / "params")
    early_help = books["head-of-early-help-and-assessment"]
    issued = codes_in(early_help)
    assert ("CS_REREF", "2026/27 Q1") in issued and ("CS_ASSESS_45", "2026-06") in issued
    # the owner fills every row but one month of CS_ASSESS_45, and gives no words for a red re-referral rate
    values = {code: {"value": 10} for code, _ in issued if code != "CS_ASSESS_45"}
    values["CS_REREF"] = {"value": 31.5, "numerator": 63, "denominator": 200}  # target 20 +/- 2: red
    fill(early_help, values)
    book = openpyxl.load_workbook(early_help)
    ws = book[DATA_SHEET]
    months = [r for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, 1).value == "CS_ASSESS_45"]
    for r, (v, n, d) in zip(months[:2], ((88.0, 88, 100), (90.5, 181, 200))):  # a rate: its counts too (the quarter is worked out from them)
        ws.cell(r, COL["value"]).value, ws.cell(r, COL["numerator"]).value, ws.cell(r, COL["denominator"]).value = v, n, d
    book.save(early_help)
    [report] = ingest([early_help], store, params.catalogue, today=dt.date(2026, 7, 25))
    words_rows = [(c, p) for c, p in issued if p == Q.label and params.catalogue[c].freq.value == "month"]
    assert words_rows and report.result.added == len(issued) - 1 - len(words_rows)  # words rows left blank: nothing to store
    assert f"head-of-early-help-and-assessment.xlsx: 1 of {len(issued)} row(s) left blank, so not returned" in report.notes[0]
    with Store(store, read_only=True) as db:
        got = db.observations(["CS_REREF"], ["ZZ0000001"])
    assert got[got["period_start"].astype(str) == "2026-07-01"].empty
    row = got[got["period"] == Q].iloc[0]
    assert (row["value"], row["numerator"], row["denominator"]) == (31.5, 63, 200)

    with Store(store, read_only=True) as db:
        rows = db.observations(None, ["ZZ0000001"])
    before_due = check(params, council, rows, Q, [SLUG], today=DUE)
    after_due = check(params, council, rows, Q, [SLUG], today=DUE + dt.timedelta(days=1))
    owed = due_rows(params, Q, [SLUG])
    returned = set(issued) - {("CS_ASSESS_45", "2026-06")} - set(words_rows)
    expected_missing = {(r.indicator, r.period.label) for r in owed.itertuples()} - returned
    found = lambda result, issue: {(r.indicator, r.period) for r in result.findings.itertuples() if r.issue == issue}  # noqa: E731
    assert found(before_due, "not returned") == expected_missing and not found(before_due, "overdue")
    assert found(after_due, "overdue") == expected_missing and not found(after_due, "not returned")
    assert ("CS_REREF", "2026/27 Q1") in found(after_due, "no commentary")
    assert int(after_due.due["returned"].sum()) == len(returned)
    no_target = found(after_due, "no target")  # the demo catalogue's targets end in 2025/26
    assert ("CS_REPEAT_CP", "2026/27") in no_target and ("CS_REREF", "2026/27") not in no_target  # a target is set per year


def test_check_writes_an_accessible_page_and_a_safe_chasing_list(quarter, tmp_path):
    root, store, _books = quarter
    params, council = load_params(root / "params"), load_council(root / "params")
    owners = load_owners(root / "params", params.catalogue)
    with Store(store, read_only=True) as db:
        rows = db.observations(None, ["ZZ0000001"])
    result = check(params, council, rows, Q, [SLUG], today=DUE + dt.timedelta(days=3), owners=owners)
    page, csv = write_check(result, tmp_path / "out", council.name)
    chase = pd.read_csv(csv)
    overdue = chase[chase["issue"] == "overdue"]
    assert len(overdue) == len(due_rows(params, Q, [SLUG]))
    assert set(overdue["email"]) <= {o["email"] for o in owners.values()} and overdue["email"].str.contains("@").all()
    assert "3 days ago" in overdue["detail"].iloc[0]
    text = page.read_text()
    assert '<html lang="en">' in text and "<caption>" in text and "Head of Safeguarding" in text


MALFORMED = {
    "sheet renamed": lambda b: setattr(b[DATA_SHEET], "title", "Data"),
    "column deleted": lambda b: b[DATA_SHEET].delete_cols(COL["definition"]),
    "column renamed": lambda b: b[DATA_SHEET].cell(HEADER_ROW, COL["value"], "Value (%)"),
    "code edited": lambda b: b[DATA_SHEET].cell(HEADER_ROW + 1, COL["indicator"], "CS_REPEAT_CP"),
    "row added": lambda b: [b[DATA_SHEET].cell(b[DATA_SHEET].max_row + 1, c, v) for c, v in ((1, "CS_NEW"), (COL["value"], 5))],
    "row deleted": lambda b: b[DATA_SHEET].delete_rows(HEADER_ROW + 1),
    "formula in a value": lambda b: b[DATA_SHEET].cell(HEADER_ROW + 1, COL["value"], "=10*2"),
    "period edited": lambda b: b[DATA_SHEET].cell(HEADER_ROW + 1, COL["period"], "2025/26 Q4"),
}
SAID = {
    "sheet renamed": "no sheet 'Return' (found: 'Data', 'Instructions', 'Actions'); rename the sheet back to 'Return'",
    "column deleted": "row 4, column C: heading 'Unit', expected 'Definition'",
    "column renamed": "heading 'Value (%)', expected 'value'",
    "code edited": "column A (indicator): 'CS_REPEAT_CP', but this row was issued for 'CS_REREF'",
    "row added": "a row that was not issued (code 'CS_NEW')",
    "row deleted": "issued for",
    "formula in a value": "holds a formula (=10*2)",
    "period edited": "column M (period): '2025/26 Q4', but this row was issued for '2026/27 Q1'",
}


@pytest.mark.parametrize("change", list(MALFORMED))
def test_a_changed_workbook_is_refused_and_nothing_is_stored(quarter, tmp_path, change):
    root, store, books = quarter
    catalogue = load_catalogue(root / "params")
    path = fill(books["head-of-early-help-and-assessment"], {"CS_REREF": {"value": 18.0, "numerator": 36, "denominator": 200}, "CS_REFERRALS": {"value": 400}})
    book = openpyxl.load_workbook(path)
    MALFORMED[change](book)
    bad = tmp_path / "changed.xlsx"
    book.save(bad)
    before = dump_store(store)
    with pytest.raises(IngestError) as caught:
        ingest([path, bad], store, catalogue, today=dt.date(2026, 7, 25))
    assert "changed.xlsx" in str(caught.value) and SAID[change] in str(caught.value)
    assert_same_store(before, dump_store(store))


def test_a_return_for_another_period_is_refused(quarter):
    root, store, books = quarter
    path = books["head-of-safeguarding"]
    with pytest.raises(IngestError, match=r"this is the return for 2026/27 Q1, not 2026/27 Q2"):
        read_return(path, parse_period("2026/27 Q2"))
    assert read_return(path, Q)[0].empty  # nothing filled in: every row not returned


def test_owner_cells_that_would_run_as_formulas_are_stored_as_text_and_written_safely(quarter, tmp_path):
    root, store, books = quarter
    params = load_params(root / "params")
    path = fill(books["head-of-safeguarding"], {"CS_REPEAT_CP": {"value": 18.0, "numerator": 18, "denominator": 100, "commentary": "+ fewer repeat plans; @team to review"}})
    ingest([path], store, params.catalogue, today=dt.date(2026, 7, 25))
    with Store(store, read_only=True) as db:
        row = db.observations(["CS_REPEAT_CP"], ["ZZ0000001"]).query("period_type == 'quarter'").iloc[-1]
    assert row["commentary"] == "+ fewer repeat plans; @team to review"
    again = write_returns(root, parse_period("2026/27 Q2"), [SLUG], out=tmp_path / "next")
    assert again  # the previous period's value (18.0) is pre-filled as a number
    ws = openpyxl.load_workbook(next(p for p in again if p.stem == "head-of-safeguarding"))[DATA_SHEET]
    row = next(r for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, 1).value == "CS_REPEAT_CP")
    assert ws.cell(row, COL["previous_value"]).value == 18.0


def test_returns_are_for_a_quarter(project_dir):
    from perfkit.errors import ConfigError

    with pytest.raises(ConfigError, match="returns are collected for a quarter"):
        write_returns(project_dir, "2026/27", [SLUG])


def test_owners_file_is_checked(project_dir):
    from perfkit.errors import ConfigError

    (project_dir / "params" / "owners.yaml").write_text("owners:\n- {owner: Head of Nothing, name: A Person, email: a@b.example}\n")
    with pytest.raises(ConfigError, match="owners.yaml: owner #1: key 'owner': no indicator has the owner 'Head of Nothing'"):
        load_owners(project_dir / "params", load_catalogue(project_dir / "params"))


HOSTILE = '@HYPERLINK("http://evil.example/","Open")'  # typed as text: a formula (=) in a return is refused


def _cells_safe(cells: list[object]) -> None:
    """No text cell a spreadsheet would run as a formula (a number written as text, -5, may stay)."""
    import re

    for value in cells:
        if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
            assert re.fullmatch(r"[+-]?\d+(\.\d*)?", value.strip()), f"would run as a formula: {value!r}"


def test_every_spreadsheet_perfkit_writes_neutralises_formulas(quarter, tmp_path):
    """Hostile words from the two places people type them reach every CSV and XLSX perfkit writes:
    the params (an indicator's title and definition: the returns, the chasing list, the open data)
    and an owner's return (a note and commentary: the store, the chasing list, the open data).
    The rejects file is checked in test_ingest (a formula in a rejected cell)."""
    import csv
    import io

    import yaml

    from perfkit.render.open_data import open_data_files, open_data_records
    from perfkit.report import DirectoratePaper

    root, store, books = quarter
    path = root / "params" / "indicators" / "childrens_services.yaml"
    data = yaml.safe_load(path.read_text())
    entry = next(e for e in data["indicators"] if e["code"] == "CS_REREF")
    entry["title"], entry["definition"] = "-ve re-referrals (within 12 months)", "@SUM(A1) " + entry["definition"]
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    params, council = load_params(root / "params"), load_council(root / "params")
    book = fill(books["head-of-early-help-and-assessment"], {"CS_REREF": {"value": 31.5, "numerator": 63, "denominator": 200, "status": "provisional",
                                                                          "note": HOSTILE, "commentary": "+3.1 points on last quarter"}})
    ingest([book], store, params.catalogue, today=dt.date(2026, 7, 25))

    # the returns issued for the next quarter
    issued = write_returns(root, parse_period("2026/27 Q2"), [SLUG], out=tmp_path / "next")
    wb = openpyxl.load_workbook(next(p for p in issued if p.stem == "head-of-early-help-and-assessment"))
    cells = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    _cells_safe(cells)
    assert "'-ve re-referrals (within 12 months)" in cells and any(str(c).startswith("'@SUM(A1) Percentage") for c in cells)
    assert any(isinstance(c, float) and c == 31.5 for c in cells)  # the previous value stays a number

    # the chasing list
    with Store(store, read_only=True) as db:
        rows = db.observations(None, ["ZZ0000001"])
    _page, chasing = write_check(check(params, council, rows, Q, [SLUG], today=DUE), tmp_path / "check", council.name)
    table = list(csv.reader(io.StringIO(chasing.read_text(encoding="utf-8-sig"))))
    _cells_safe([c for row in table for c in row])
    assert any(row[table[0].index("title")] == "'-ve re-referrals (within 12 months)" for row in table[1:])

    # the open data beside the public paper
    figures, dictionary = open_data_files(open_data_records(DirectoratePaper.load(SLUG, Q, store=store, root=root).card))
    table = list(csv.DictReader(io.StringIO(figures.decode("utf-8-sig"))))
    _cells_safe([v for row in table for v in row.values()])
    reref = next(r for r in table if r["indicator"] == "CS_REREF")
    assert reref["status_reason"] == "'" + HOSTILE and reref["title"] == "'-ve re-referrals (within 12 months)"
    assert reref["value"] == "31.5" and reref["numerator"] == "63"  # numbers stay numbers
    _cells_safe(list(csv.reader(io.StringIO(dictionary.decode("utf-8-sig")))))
