"""What owners send is stored against the right indicator (issue 24): rows read by their key, locked
cells checked, a resent workbook as a change set, rates with their counts, a receipt, and
`perfkit returns` never overwriting a filled-in workbook.

Real parts: workbooks perfkit writes, filled, sorted and edited with openpyxl as an owner's
spreadsheet would; real imports into a copy of the demo store. The LibreOffice-resaved sorted
workbook is in tests/e2e/test_quarter.py.
"""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from perfkit.config.catalogue import load_catalogue
from perfkit.errors import ConfigError, IngestError
from perfkit.ingest import ingest
from perfkit.ingest.returned import DATA_SHEET, HEADER_ROW
from perfkit.periods import parse_period
from perfkit.returns.workbook import write_returns
from perfkit.store.store import Store

from ..helpers import (
    EARLY_HELP,
    FILLED,
    HOME,
    RETURNS_DIRECTORATE,
    RETURNS_QUARTER,
    assert_same_store,
    data_rows,
    dump_store,
    fill,
    return_columns,
    sort_rows,
    stored,
)

Q = parse_period(RETURNS_QUARTER)
TODAY = dt.date(2026, 7, 25)
COL = return_columns()
def test_a_sorted_workbook_stores_each_figure_against_its_own_indicator(quarter, tmp_path):
    root, store, books = quarter
    catalogue = load_catalogue(root / "params")
    filled = fill(books[EARLY_HELP], FILLED, out=tmp_path / "filled.xlsx")
    sorted_ = sort_rows(filled, tmp_path / f"{EARLY_HELP}.xlsx")
    ws = openpyxl.load_workbook(sorted_)[DATA_SHEET]
    assert ws.cell(HEADER_ROW + 1, COL["indicator"]).value != openpyxl.load_workbook(filled)[DATA_SHEET].cell(HEADER_ROW + 1, 1).value
    ingest([sorted_], store, catalogue, today=TODAY)
    reref, referrals = stored(store, "CS_REREF")[Q.label], stored(store, "CS_REFERRALS")
    assert (reref["value"], reref["numerator"], reref["denominator"]) == (31.5, 63, 200)
    assert reref["commentary"] == "Up on last quarter: audit under way."
    assert [referrals[m]["value"] for m in ("2026-04", "2026-05", "2026-06")] == [410, 410, 410]


def test_rows_swapped_and_codes_retyped_are_refused_not_stored(quarter, tmp_path):
    root, store, books = quarter
    catalogue = load_catalogue(root / "params")
    path = fill(books[EARLY_HELP], FILLED, out=tmp_path / "swapped.xlsx")
    book = openpyxl.load_workbook(path)
    ws = book[DATA_SHEET]
    first, second = data_rows(ws)[:2]
    codes = [ws.cell(r, COL["indicator"]).value for r in (first, second)]
    assert codes[0] != codes[1] or ws.cell(first, COL["period"]).value != ws.cell(second, COL["period"]).value
    for c in range(1, ws.max_column + 1):  # swap the two rows, every column...
        a, b = ws.cell(first, c).value, ws.cell(second, c).value
        ws.cell(first, c).value, ws.cell(second, c).value = b, a
    for name in ("indicator", "period"):  # ...then retype the codes as they were, as the old message told owners to
        ws.cell(first, COL[name]).value, ws.cell(second, COL[name]).value = ws.cell(second, COL[name]).value, ws.cell(first, COL[name]).value
    book.save(path)
    before = dump_store(store)
    with pytest.raises(IngestError) as caught:
        ingest([path], store, catalogue, today=TODAY)
    assert f"swapped.xlsx: sheet 'Return', row {first}, column A (indicator)" in str(caught.value)
    assert "rows were moved or codes retyped" in str(caught.value)
    assert_same_store(before, dump_store(store))


LOCKED_EDITS = {
    "title": ("title", "Re-referrals (any)", "every"),
    "unit": ("unit", "count", "first"),
    "target": ("target", 99, "first"),
    "area name, every row": ("area_name", "Kestrel Vale Borough", "every"),
    "area name, one row": ("area_name", "Kestrel Vale Borough", "first"),
}


@pytest.mark.parametrize("case", list(LOCKED_EDITS))
def test_an_edited_locked_cell_is_refused_naming_the_cell(quarter, tmp_path, case):
    root, store, books = quarter
    catalogue = load_catalogue(root / "params")
    name, value, rows = LOCKED_EDITS[case]
    path = fill(books[EARLY_HELP], FILLED, out=tmp_path / "locked.xlsx")
    book = openpyxl.load_workbook(path)
    ws = book[DATA_SHEET]
    edited = data_rows(ws) if rows == "every" else data_rows(ws)[:1]
    for r in edited:
        ws.cell(r, COL[name]).value = value
    book.save(path)
    before = dump_store(store)
    with pytest.raises(IngestError) as caught:
        ingest([path], store, catalogue, today=TODAY)
    cell = f"{openpyxl.utils.get_column_letter(COL[name])}{edited[0]}"
    assert f"locked.xlsx: sheet 'Return', cell {cell} ({name}): {str(value)!r} is not what was issued" in str(caught.value)
    assert "--skip-invalid" not in str(caught.value)
    assert_same_store(before, dump_store(store))


OUTSIDE = {
    "an unheaded column's text": (lambda ws: ws.cell(HEADER_ROW + 1, ws.max_column + 1, "the figure excludes transfers in"), "cell V5"),
    "a note beside the title": (lambda ws: ws.cell(2, 6, "sent late: sorry"), "cell F2"),
}


@pytest.mark.parametrize("case", list(OUTSIDE))
def test_anything_typed_outside_the_issued_cells_is_refused_naming_the_cell(quarter, tmp_path, case):
    root, store, books = quarter
    catalogue = load_catalogue(root / "params")
    path = fill(books[EARLY_HELP], FILLED, out=tmp_path / "outside.xlsx")
    book = openpyxl.load_workbook(path)
    change, cell = OUTSIDE[case]
    change(book[DATA_SHEET])
    book.save(path)
    before = dump_store(store)
    with pytest.raises(IngestError) as caught:
        ingest([path], store, catalogue, today=TODAY)
    assert f"outside.xlsx: sheet 'Return', {cell}:" in str(caught.value) and "outside the cells issued" in str(caught.value)
    assert_same_store(before, dump_store(store))


def test_an_inserted_column_is_said_once(quarter, tmp_path):
    root, store, books = quarter
    path = books[EARLY_HELP]
    book = openpyxl.load_workbook(path)
    book[DATA_SHEET].insert_cols(COL["value"])
    book[DATA_SHEET].cell(HEADER_ROW, COL["value"], "my notes")
    book.save(tmp_path / "inserted.xlsx")
    with pytest.raises(IngestError) as caught:
        ingest([tmp_path / "inserted.xlsx"], store, load_catalogue(root / "params"), today=TODAY)
    lines = str(caught.value).splitlines()
    assert len(lines) == 2 and "a column was inserted at column N; delete it" in lines[1]


def test_a_resent_workbook_changes_only_what_the_owner_changed(quarter, tmp_path):
    root, store, books = quarter
    catalogue = load_catalogue(root / "params")
    first = fill(books[EARLY_HELP], FILLED, out=tmp_path / "first.xlsx")
    ingest([first], store, catalogue, today=TODAY)
    # resent with one figure corrected and the commentary left blank: the commentary stays, one row is revised
    again = fill(books[EARLY_HELP], {"CS_REREF": {"value": 32.0, "numerator": 64, "denominator": 200}}, out=tmp_path / "again.xlsx")
    [report] = ingest([again], store, catalogue, today=TODAY)
    assert (report.result.added, report.result.revised) == (0, 1)
    row = stored(store, "CS_REREF")[Q.label]
    assert row["value"] == 32.0 and row["commentary"] == "Up on last quarter: audit under way."
    assert stored(store, "CS_REFERRALS")["2026-04"]["value"] == 410  # not in the resent workbook: kept
    receipt = (tmp_path / "again.receipt.txt").read_text()
    assert "again.xlsx: 0 row(s) added, 1 changed (CS_REREF 2026/27 Q1: value 31.5 -> 32" in receipt
    assert any(n.startswith("receipt: ") for n in report.notes)
    # clearing is explicit: 'clear' in the commentary
    cleared = fill(books[EARLY_HELP], {"CS_REREF": {"commentary": "clear"}}, out=tmp_path / "cleared.xlsx")
    ingest([cleared], store, catalogue, today=TODAY)
    row = stored(store, "CS_REREF")[Q.label]
    assert row["value"] == 32.0 and pd.isna(row["commentary"])


def test_an_older_copy_after_a_correction_is_refused_naming_both(quarter, tmp_path):
    root, store, books = quarter
    catalogue = load_catalogue(root / "params")
    first = fill(books[EARLY_HELP], FILLED, out=tmp_path / "first.xlsx")
    ingest([first], store, catalogue, today=TODAY)
    corrected = fill(books[EARLY_HELP], {"CS_REREF": {"value": 32.0, "numerator": 64, "denominator": 200}}, out=tmp_path / "corrected.xlsx")
    ingest([corrected], store, catalogue, today=TODAY)
    before = dump_store(store)
    with pytest.raises(IngestError) as caught:
        ingest([first], store, catalogue, today=TODAY)
    said = str(caught.value)
    assert "first.xlsx: sheet 'Return', row" in said and "this very workbook was imported before" in said and "corrected.xlsx" in said
    assert_same_store(before, dump_store(store))


def test_a_workbook_issued_before_a_later_revision_is_refused(quarter, tmp_path):
    from ..helpers import write_csv

    root, store, books = quarter
    catalogue = load_catalogue(root / "params")
    ingest([fill(books[EARLY_HELP], FILLED, out=tmp_path / "first.xlsx")], store, catalogue, today=TODAY)
    # a later revision through another route (the performance team's canonical file)
    fix = write_csv(tmp_path / "correction.csv", "indicator,area_code,area_name,period,value,numerator,denominator\n"
                    f"CS_REREF,{HOME},Kestrel Vale Borough Council,{Q.label},30,60,200\n")
    ingest([fix], store, catalogue, today=TODAY)
    stale = fill(books[EARLY_HELP], {"CS_REREF": {"value": 33.0, "numerator": 66, "denominator": 200}}, out=tmp_path / "stale.xlsx")
    with pytest.raises(IngestError, match=r"stale.xlsx: sheet 'Return', row \d+ \(CS_REREF 2026/27 Q1\): the stored figure was revised "
                                          r"after this workbook was issued, by correction.csv"):
        ingest([stale], store, catalogue, today=TODAY)
    assert stored(store, "CS_REREF")[Q.label]["value"] == 30
    assert "Nothing from this workbook was stored" in (tmp_path / "stale.receipt.txt").read_text()


def test_a_published_period_is_revised_only_when_asked(quarter, tmp_path):
    root, store, books = quarter
    catalogue = load_catalogue(root / "params")
    ingest([fill(books[EARLY_HELP], FILLED, out=tmp_path / "first.xlsx")], store, catalogue, today=TODAY)
    with Store(store) as db:  # as `perfkit publish` records a publication of the period
        db.con.execute("INSERT INTO publications (publication_id, period, published_at, published_by, max_batch_id, folder) "
                       "VALUES (1, ?, TIMESTAMP '2026-08-01 10:00:00', 'officer', 2, 'published/x')", [Q.label])
    later = fill(books[EARLY_HELP], {"CS_REREF": {"value": 32.0, "numerator": 64, "denominator": 200}}, out=tmp_path / "later.xlsx")
    with pytest.raises(IngestError, match=r"2026/27 Q1 was published on 1 August 2026 .* --revise-published"):
        ingest([later], store, catalogue, today=TODAY)
    assert stored(store, "CS_REREF")[Q.label]["value"] == 31.5
    ingest([later], store, catalogue, today=TODAY, revise_published=True)
    assert stored(store, "CS_REREF")[Q.label]["value"] == 32.0


OWNER_MISTAKES = {
    "a rate without its counts": ({"CS_REREF": {"value": 31.5}}, "column O (numerator and denominator): CS_REREF 2026/27 Q1 is a rate"),
    "a percentage typed as a fraction": ({"CS_REREF": {"value": 0.315, "numerator": 63, "denominator": 200}},
                                         "column N (value): 0.315 looks like a fraction; a percentage is typed as a number from 0 to 100: type 31.5"),
}


@pytest.mark.parametrize("case", list(OWNER_MISTAKES))
def test_owner_figures_the_paper_could_not_use_are_refused_at_ingest(quarter, tmp_path, case):
    root, store, books = quarter
    values, said = OWNER_MISTAKES[case]
    path = fill(books[EARLY_HELP], values, out=tmp_path / "mistake.xlsx")
    before = dump_store(store)
    with pytest.raises(IngestError) as caught:
        ingest([path], store, load_catalogue(root / "params"), today=TODAY)
    assert "mistake.xlsx: sheet 'Return', row" in str(caught.value) and said in str(caught.value)
    assert_same_store(before, dump_store(store))


def test_text_starting_with_equals_is_words_and_row_errors_name_the_sheet(quarter, tmp_path):
    root, store, books = quarter
    catalogue = load_catalogue(root / "params")
    path = fill(books[EARLY_HELP], FILLED, out=tmp_path / "words.xlsx")
    book = openpyxl.load_workbook(path)
    ws = book[DATA_SHEET]
    row = next(r for r in data_rows(ws) if ws.cell(r, 1).value == "CS_REREF")
    ws.cell(row, COL["commentary"]).value = "= same as last quarter"
    ws.cell(row, COL["commentary"]).data_type = "s"  # typed as text ('= ...), not a formula
    book.save(path)
    ingest([path], store, catalogue, today=TODAY)
    assert stored(store, "CS_REREF")[Q.label]["commentary"] == "= same as last quarter"
    bad = fill(books[EARLY_HELP], {"CS_REFERRALS": {"value": "about 400"}}, out=tmp_path / "bad.xlsx")
    with pytest.raises(IngestError, match=r"bad.xlsx: sheet 'Return', row \d+, column value, value 'about 400': not a number"):
        ingest([bad], store, catalogue, today=TODAY)


def test_returns_never_overwrite_a_filled_workbook(quarter, tmp_path):
    root, store, books = quarter
    path = fill(books[EARLY_HELP], FILLED)
    filled = path.read_bytes()
    untouched = books["head-of-safeguarding"].read_bytes()
    with pytest.raises(ConfigError, match=rf"1 workbook\(s\) there differ from what perfkit issued .*{RETURNS_DIRECTORATE}/{EARLY_HELP}.xlsx"):
        write_returns(root, Q, [RETURNS_DIRECTORATE])
    assert path.read_bytes() == filled and books["head-of-safeguarding"].read_bytes() == untouched
    again = write_returns(root, Q, [RETURNS_DIRECTORATE], force=True)
    assert path in again and path.read_bytes() != filled
    [kept] = path.parent.glob(f"{EARLY_HELP}.replaced-*.xlsx")
    assert kept.read_bytes() == filled
    # --out at a folder of someone's files is refused, as build refuses it
    mine = tmp_path / "documents"
    mine.mkdir()
    (mine / "budget.xlsx").write_bytes(b"not perfkit's")
    with pytest.raises(ConfigError, match="the folder holds files perfkit did not make"):
        write_returns(root, Q, [RETURNS_DIRECTORATE], out=mine)
    assert [p.name for p in mine.iterdir()] == ["budget.xlsx"]


def test_owners_whose_names_make_the_same_file_name_get_a_workbook_each(quarter):
    import yaml

    root, _store, _books = quarter
    path = root / "params" / "indicators" / "housing.yaml"
    data = yaml.safe_load(path.read_text())
    codes = [e for e in data["indicators"] if e["owner"] == "Head of Housing Management"]
    codes[0]["owner"] = "Head of Housing (Management)"  # "head-of-housing-management", as the other owner's
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    written = write_returns(root, parse_period("2026/27 Q4"), ["housing"])  # Q4: the annual HSG_TSM_SAT is due too
    names = [p.name for p in written]
    assert {"head-of-housing-management.xlsx", "head-of-housing-management-2.xlsx"} <= set(names)
    assert len(set(written)) == len(written) and all(p.is_file() for p in written)
    owners = {openpyxl.load_workbook(p).custom_doc_props["perfkit_owner"].value for p in written if "housing-management" in p.name}
    assert owners == {"Head of Housing Management", "Head of Housing (Management)"}


def test_returns_with_no_council_owned_indicator_say_so(project_dir):
    import yaml

    path = project_dir / "params" / "directorates" / "childrens_services.yaml"
    data = yaml.safe_load(path.read_text())
    data["indicators"] = ["DFE_REREF"]  # a published benchmark only: DfE's file, not an owner, supplies it
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(ConfigError, match=f"no indicator of {RETURNS_DIRECTORATE} is due from an owner for 2026/27 Q4"):
        write_returns(project_dir, parse_period("2026/27 Q4"), [RETURNS_DIRECTORATE])
    assert not (project_dir / "returns").exists()


def test_a_deputy_and_an_extension_from_owners_yaml(quarter):
    import yaml

    from perfkit.config.council import load_council
    from perfkit.config.papers import load_owners, load_params
    from perfkit.returns.chase import check

    root, store, _books = quarter
    path = root / "params" / "owners.yaml"
    data = yaml.safe_load(path.read_text())
    entry = next(o for o in data["owners"] if o["owner"] == "Head of Safeguarding")
    entry["deputy"] = {"name": "Ade Okoro", "email": "ade.okoro@kestrelvale.example"}
    entry["extended"] = {RETURNS_QUARTER: "2026-07-31"}
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    written = {p.stem: p for p in write_returns(root, Q, [RETURNS_DIRECTORATE], out=root / "issued")}
    ws = openpyxl.load_workbook(written["head-of-safeguarding"])[DATA_SHEET]
    assert "Owner: Head of Safeguarding (or their deputy, Ade Okoro)" in ws["A2"].value and "31 July 2026" in ws["A2"].value
    assert "20 July 2026" in openpyxl.load_workbook(written[EARLY_HELP])[DATA_SHEET]["A2"].value
    params, council = load_params(root / "params"), load_council(root / "params")
    with Store(store, read_only=True) as db:
        rows = db.observations(None, [HOME])
    found = check(params, council, rows, Q, [RETURNS_DIRECTORATE], today=dt.date(2026, 7, 25), owners=load_owners(root / "params", params.catalogue))
    late = found.findings.set_index("owner")["issue"]
    assert "not returned" in set(late.loc[["Head of Safeguarding"]]) and "overdue" not in set(late.loc[["Head of Safeguarding"]])
    assert "overdue" in set(late.loc[["Head of Early Help and Assessment"]])
    deputy = found.findings[found.findings["owner"] == "Head of Safeguarding"]["deputy_email"]
    assert set(deputy) == {"ade.okoro@kestrelvale.example"}


def test_a_figure_revised_after_publication_is_marked_in_the_next_paper(quarter, tmp_path):
    from bs4 import BeautifulSoup

    from perfkit.blocks.html import render
    from perfkit.blocks.model import block_data
    from perfkit.report import DirectoratePaper

    root, store, books = quarter
    catalogue = load_catalogue(root / "params")
    ingest([fill(books[EARLY_HELP], FILLED, out=tmp_path / "first.xlsx")], store, catalogue, today=TODAY)

    def said() -> str:
        paper = DirectoratePaper.load(RETURNS_DIRECTORATE, Q, store=store, root=root)
        text = " ".join(BeautifulSoup(render(block_data(paper.scorecard())), "html.parser").get_text(" ", strip=True).split())
        return text.split("[CS_REREF]")[1].split("[CS_")[0]  # the indicator's row and its notes

    assert "Revised" not in said()
    with Store(store) as db:  # the period published, reading every batch so far
        db.con.execute("INSERT INTO publications (publication_id, period, published_at, published_by, max_batch_id, folder) "
                       "SELECT 1, ?, TIMESTAMP '2026-08-01 10:00:00', 'officer', max(batch_id), 'published/x' FROM batches", [Q.label])
    later = fill(books[EARLY_HELP], {"CS_REREF": {"value": 32.0, "numerator": 64, "denominator": 200}}, out=tmp_path / "later.xlsx")
    ingest([later], store, catalogue, today=TODAY, revise_published=True)
    assert "Revised: Revised since reported to committee on 1 August 2026: was 31.5%." in said()


def test_carried_actions_are_read_by_their_reference_wherever_sorting_puts_them(quarter, tmp_path):
    from perfkit.ingest.returned import ACTION_SHEET_COLUMNS, ACTIONS_SHEET

    root, store, books = quarter
    catalogue = load_catalogue(root / "params")
    acol = {name: n for n, (name, _) in enumerate(ACTION_SHEET_COLUMNS, start=1)}
    path = next(p for p in books.values() if sum(1 for r in range(HEADER_ROW + 1, HEADER_ROW + 12)
                                                  if openpyxl.load_workbook(p)[ACTIONS_SHEET].cell(r, acol["ref"]).value) >= 2)
    book = openpyxl.load_workbook(path)
    ws = book[ACTIONS_SHEET]
    carried = [r for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, acol["ref"]).value]
    first, second = carried[:2]
    keys = {r: (ws.cell(r, acol["indicator"]).value, ws.cell(r, acol["ref"]).value) for r in (first, second)}
    for r in (first, second):
        ws.cell(r, acol["status"]).value, ws.cell(r, acol["progress"]).value = "on track", f"progress on {keys[r][1]} of {keys[r][0]}"
    for c in range(1, len(ACTION_SHEET_COLUMNS) + 1):  # the two carried rows sorted the other way round: whole rows
        ws.cell(first, c).value, ws.cell(second, c).value = ws.cell(second, c).value, ws.cell(first, c).value
    book.save(tmp_path / "sorted.xlsx")
    ingest([tmp_path / "sorted.xlsx"], store, catalogue, today=TODAY)
    with Store(store, read_only=True) as db:
        now = db.actions(None, [HOME])
    now = now[[p == Q for p in now["period"]]]
    for code, ref in keys.values():
        [progress] = now.loc[now["indicator"].eq(code) & now["ref"].eq(ref), "progress"]
        assert progress == f"progress on {ref} of {code}"
    # swapped again and the codes and references retyped where they were: refused
    for name in ("indicator", "ref"):
        ws.cell(first, acol[name]).value, ws.cell(second, acol[name]).value = ws.cell(second, acol[name]).value, ws.cell(first, acol[name]).value
    book.save(tmp_path / "retyped.xlsx")
    if keys[first] != keys[second] and ws.cell(first, acol["action"]).value != ws.cell(second, acol["action"]).value:
        with pytest.raises(IngestError, match=r"retyped.xlsx: sheet 'Actions', row \d+, column E \(action\): the wording is not what was issued"):
            ingest([tmp_path / "retyped.xlsx"], store, catalogue, today=TODAY)


def test_check_and_the_paper_agree_a_rate_without_counts_cannot_be_shown(quarter, tmp_path):
    """A rate's months stored without counts (through a canonical file: a return refuses them) are
    returned but not received: the check chases them and the paper's paragraph says why they are not shown."""
    from perfkit.config.council import load_council
    from perfkit.config.papers import load_params
    from perfkit.report.wording import completeness_text
    from perfkit.returns.chase import check

    from ..helpers import write_csv

    root, store, _books = quarter
    params, council = load_params(root / "params"), load_council(root / "params")
    lines = "".join(f"CS_ASSESS_45,{HOME},Kestrel Vale Borough Council,{m},88\n" for m in ("2026-04", "2026-05", "2026-06"))
    ingest([write_csv(tmp_path / "months.csv", "indicator,area_code,area_name,period,value\n" + lines)], store, params.catalogue, today=TODAY)
    with Store(store, read_only=True) as db:
        rows = db.observations(None, [HOME])
    result = check(params, council, rows, Q, [RETURNS_DIRECTORATE], today=TODAY)
    counts = result.findings[result.findings["issue"] == "no counts"]
    assert set(counts["period"]) == {"2026-04", "2026-05", "2026-06"} and set(counts["indicator"]) == {"CS_ASSESS_45"}
    assert int(result.received.sum()) == int(result.due["returned"].sum()) - 3
    text = completeness_text(result)
    assert "Returned without the counts the quarter's rate is worked out from, so not shown: Assessments" in text


def test_a_rates_counts_are_asked_for_in_the_workbook(quarter):
    _root, _store, books = quarter
    ws = openpyxl.load_workbook(books[EARLY_HELP])[DATA_SHEET]
    row = next(r for r in data_rows(ws) if ws.cell(r, 1).value == "CS_REREF")
    cell = f"{openpyxl.utils.get_column_letter(COL['numerator'])}{row}"
    [rule] = [dv for dv in ws.data_validations.dataValidation if cell in dv.sqref]
    assert rule.promptTitle == "Required" and "numerator and denominator" in rule.prompt and not rule.allow_blank
    count_row = next(r for r in data_rows(ws) if ws.cell(r, 1).value == "CS_REFERRALS")  # a count: no counts asked for
    other = f"{openpyxl.utils.get_column_letter(COL['numerator'])}{count_row}"
    assert all(dv.promptTitle != "Required" for dv in ws.data_validations.dataValidation if other in dv.sqref)
