"""Ingest: what is accepted, what is refused (and that the store is untouched), revisions."""

import openpyxl
import pandas as pd
import pytest

from perfkit.errors import IngestError, PerfkitError
from perfkit.ingest import ingest
from perfkit.store.store import Store

from ..helpers import BAD_INPUTS, TODAY, assert_same_store, dump_store, write_csv

HEADER = "indicator,area_code,area_name,period,value,numerator,denominator,status,note\n"

# file -> (fragments the message must hold, row and column of the problem, or None for a file-level problem)
CORPUS = {
    "wrong_delimiter.csv": (["semicolon", "save the file as CSV with commas"], None),
    "missing_column.csv": (["missing column(s) area_name"], None),
    "unknown_indicator.csv": (["unknown indicator", "HSG_NOPE", "perfkit indicators"], (3, "indicator")),
    "bad_period.csv": (["2025/27", "second year must follow"], (2, "period")),
    "non_numeric.csv": (["not a number", "four hundred"], (2, "value")),
    "numerator_over_denominator.csv": (["larger than the denominator"], (2, "numerator")),
    "negative_count.csv": (["below zero", "'-5'"], (2, "value")),
    "duplicate_key.csv": (["more than once", "first on row 2"], (4, "period")),
    "empty.csv": (["empty"], None),
    "header_only.csv": (["no data rows"], None),
    "title_row.xlsx": (["header is on row 3", "Quarterly performance returns", "delete the rows above"], None),
    "latin1_pound.csv": (["not UTF-8", "0xa3", "'£'", "CSV UTF-8"], None),
    "mixed_suppression.csv": (["mixes a suppression code with numbers", "status says there is a value"], (2, "value")),
    "future_period.csv": (["starts after today"], (2, "period")),
    "percent_over_100.csv": (["above 100"], (2, "value")),
    "wrong_frequency.csv": (["is a month but HSG_TA is quarterly"], (2, "period")),
    "value_mismatch.csv": (["does not match numerator / denominator (25.0)"], (2, "value")),
    "unknown_status.csv": (["unknown status", "estimated"], (2, "status")),
    "blank_value.csv": (["no value, and no numerator and denominator"], (2, "value")),
    "ragged_row.csv": (["row 3", "fields but the header has 9", "quote text that holds commas"], None),
    "percent_sign_on_count.csv": (["has a % sign but the indicator is not a percentage"], (2, "value")),
    "unknown_column.csv": (["unknown column(s) 'valeu'"], None),
    "ambiguous_number.csv": (["not a number", "1.234,5"], (2, "value")),
    "blank_area.csv": (["area_code", "is blank"], (2, "area_code")),
    "numerator_without_denominator.csv": (["a numerator without a denominator"], (2, "denominator")),
    "zero_denominator_with_value.csv": (["the denominator is zero"], (2, "value")),
    "area_name_clash.csv": (["different names"], (2, "area_name")),
    "not_a_table.json": ([".json are not read", "use .csv (UTF-8) or .xlsx"], None),
    "suppressed_with_numbers.csv": (["status says there is no value but numbers are given"], (2, "status")),
    "excel_text_in_number.xlsx": (["not a number", "n/a"], (3, "value")),
    "not_really_excel.xlsx": (["cannot open it as an Excel workbook"], None),
    # the hostile test's files (issue 14), written by tests/make_bad_inputs.py
    "xlsx_cell_in_column_xfd.xlsx": (["row 2: cell XFD2 holds something 16,384 columns to the right", "at most 1,000 columns", "Ctrl+End"], None),
    "xlsx_shared_string_bomb.xlsx": (["its part xl/sharedStrings.xml unpacks to 57 MB from 57 kB", "save it again"], None),
    "xlsx_cell_over_excel_limit.xlsx": (["row 2, column F: the cell holds 40,000 characters, more than Excel allows (32,767)"], None),
    "xlsx_formula_without_value.xlsx": (["row 2: cell E2 holds a formula without a value", "paste the values over the formulas"], None),
    "xlsx_commentary_formula_without_value.xlsx": (["row 2: cell F2 holds a formula without a value", "open and save the workbook in Excel"], None),
    "csv_huge_cell.csv": (["row 2, column commentary: the cell holds more than 32,767 characters", "shorten it"], None),
    "huge_integer.csv": (["is too large to be a figure", "(321 characters)"], (2, "value")),
    "fractional_count.csv": (["'485.7': is not a whole number, but HSG_TA is a count"], (2, "value")),
    "double_bom.csv": (["found <U+FEFF>indicator", "invisible characters", "byte-order mark"], None),
}


def test_corpus_is_complete():
    assert sorted(p.name for p in BAD_INPUTS.iterdir() if p.suffix != ".py") == sorted(CORPUS)  # hostile.py makes the big ones
    assert len(CORPUS) >= 20


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_bad_file_is_refused_and_store_is_byte_for_byte_unchanged(name, demo_store, catalogue):
    fragments, where = CORPUS[name]
    before = dump_store(demo_store)
    with pytest.raises(IngestError) as info:
        ingest([BAD_INPUTS / name], demo_store, catalogue, today=TODAY)
    message = str(info.value)
    assert name in message
    for fragment in fragments:
        assert fragment in message, message
    if where:
        row, column = where
        assert any(p.row == row and p.column == column for p in info.value.problems), info.value.problems
        assert f"row {row}, column {column}" in message
    assert_same_store(before, dump_store(demo_store))


def test_one_bad_file_stops_the_good_one_too(tmp_path, demo_store, catalogue):
    good = write_csv(tmp_path / "good.csv", HEADER + "HSG_TA,ZZ0000001,Kestrel Vale,2025/26 Q1,999,,,,\n")
    before = dump_store(demo_store)
    with pytest.raises(IngestError):
        ingest([good, BAD_INPUTS / "negative_count.csv"], demo_store, catalogue, today=TODAY)
    assert_same_store(before, dump_store(demo_store))


def test_messages_are_capped_but_every_problem_is_kept(tmp_path, catalogue):
    rows = "".join(f"HSG_TA,ZZ0000001,Kestrel Vale,{2000 + i // 4}/{(i // 4 + 1) % 100:02d} Q{i % 4 + 1},bad{i},,,,\n" for i in range(60))
    path = write_csv(tmp_path / "many.csv", HEADER + rows)
    with pytest.raises(IngestError) as info:
        ingest([path], tmp_path / "s.duckdb", catalogue, today=TODAY)
    assert len(info.value.problems) >= 60
    assert "more problem(s)" in str(info.value)
    assert str(info.value).count("not a number") == 25


def test_normalises_what_a_person_would_expect(tmp_path, catalogue):
    text = (
        "\ufeff Indicator , Area Code ,area_name,PERIOD,value,numerator,denominator,status,note\n"
        " hsg_ta ,ZZ0000001, Kestrel Vale ,Q1 2025/26,\"1,234\",,,,\n"
        "CS_REREF,ZZ0000001,Kestrel Vale,2025-26 Q1,45%,45,100,provisional,\n"
        "ASC_HOMECARE_COST,ZZ0000001,Kestrel Vale,FY2024/25,\"£1,200.50\",,,,\n"
        "CS_REPEAT_CP,ZZ0000002,Ashcombe Vale,2025/26 Q1,c,,,,\n"
        "CS_REPEAT_CP,ZZ0000003,Brackwater,2025/26 Q1,,x,,,\n"
        "RES_CALLS,ZZ0000001,Kestrel Vale,2025-05,,\"22,000\",\"25,000\",,\n"
        "\n"
    )
    path = write_csv(tmp_path / "messy.csv", text)
    store = tmp_path / "s.duckdb"
    [report] = ingest([path], store, catalogue, today=TODAY)
    assert report.result.added == 6
    with Store(store, read_only=True) as db:
        obs = db.observations().set_index("indicator")
    assert obs.loc["HSG_TA", "value"] == 1234 and obs.loc["HSG_TA", "period"].label == "2025/26 Q1"
    assert obs.loc["HSG_TA", "area_name"] == "Kestrel Vale"
    assert obs.loc["CS_REREF", "value"] == 45 and obs.loc["CS_REREF", "status"] == "provisional"
    assert obs.loc["ASC_HOMECARE_COST", "value"] == 1200.5
    assert obs.loc["RES_CALLS", "value"] == pytest.approx(88.0)  # computed from the counts
    cp = obs.loc["CS_REPEAT_CP"].set_index("area_code")
    assert cp.loc["ZZ0000002", "status"] == "suppressed" and "confidential" in cp.loc["ZZ0000002", "status_reason"]
    assert pd.isna(cp.loc["ZZ0000002", "value"])  # suppressed is not zero
    assert cp.loc["ZZ0000003", "status"] == "missing" and cp.loc["ZZ0000003", "status_reason"].startswith("x")


def test_excel_with_numbers_stored_as_text_and_month_dates(tmp_path, catalogue):
    import datetime as dt

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["indicator", "area_code", "area_name", "period", "value", "numerator", "denominator"])
    sheet.append(["RES_CALLS", "ZZ0000001", "Kestrel Vale", dt.datetime(2025, 5, 1), None, "900", "1000"])
    sheet.append(["HSG_TA", "ZZ0000001", "Kestrel Vale", "2025/26 Q1", 401.0, None, None])
    sheet.append(["HSG_TA", "ZZ0000001", "Kestrel Vale", "2025/26 Q2", " 402 ", None, None])
    path = tmp_path / "returns.xlsx"
    book.save(path)
    [report] = ingest([path], tmp_path / "s.duckdb", catalogue, today=TODAY)
    assert report.result.added == 3
    with Store(tmp_path / "s.duckdb", read_only=True) as db:
        obs = db.observations()
    assert sorted(obs["period"].map(str)) == ["2025-05", "2025/26 Q1", "2025/26 Q2"]
    assert sorted(obs["value"]) == [90.0, 401.0, 402.0]


@pytest.mark.parametrize("declared", ["A1:E2", "A1"])
def test_xlsx_rows_are_counted_not_taken_from_the_declared_size(tmp_path, catalogue, declared):
    """A sheet whose stored <dimension> understates it (written by other software, or edited)
    imports every row it holds: none is silently left out."""
    import re
    import zipfile

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["indicator", "area_code", "area_name", "period", "value"])
    for quarter, value in (("Q1", 401), ("Q2", 402), ("Q3", 403)):
        sheet.append(["HSG_TA", "ZZ0000001", "Kestrel Vale", f"2025/26 {quarter}", value])
    saved = tmp_path / "saved.xlsx"
    book.save(saved)
    path = tmp_path / "returns.xlsx"
    with zipfile.ZipFile(saved) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, n = re.subn(rb'<dimension ref="[^"]*"', f'<dimension ref="{declared}"'.encode(), data)
                assert n == 1
            dst.writestr(item, data)
    [report] = ingest([path], tmp_path / "s.duckdb", catalogue, today=TODAY)
    assert report.result.added == 3
    with Store(tmp_path / "s.duckdb", read_only=True) as db:
        assert sorted(db.observations()["value"]) == [401.0, 402.0, 403.0]


def test_skip_invalid_writes_good_rows_and_saves_rejects(tmp_path, catalogue):
    path = write_csv(
        tmp_path / "returns.csv",
        HEADER + "HSG_TA,ZZ0000001,Kestrel Vale,2025/26 Q1,400,,,,\nHSG_TA,ZZ0000001,Kestrel Vale,2025/26 Q2,-4,,,,\n",
    )
    [report] = ingest([path], tmp_path / "s.duckdb", catalogue, skip_invalid=True, today=TODAY)
    assert (report.result.added, report.result.rejected) == (1, 1)
    rejects = pd.read_csv(report.rejects_path, dtype=str)
    assert rejects["row"].tolist() == ["3"] and rejects["value"].tolist() == ["-4"]
    assert "below zero" in rejects["problem"].item()
    with Store(tmp_path / "s.duckdb", read_only=True) as db:
        assert db.batches()["rejected"].tolist() == [1]
        assert db.observations()["value"].tolist() == [400.0]


def test_rejects_file_is_safe_to_open_in_a_spreadsheet(tmp_path, catalogue):
    path = write_csv(tmp_path / "returns.csv", HEADER + 'HSG_TA,ZZ0000001,Kestrel Vale,2025/26 Q1,"=1+2",,,,\n'
                     "HSG_TA,ZZ0000001,Kestrel Vale,2025/26 Q2,-4,,,,@SUM(A1)\n")
    [report] = ingest([path], tmp_path / "s.duckdb", catalogue, skip_invalid=True, today=TODAY)
    rejects = pd.read_csv(report.rejects_path, dtype=str, keep_default_na=False)
    assert rejects["value"].tolist() == ["'=1+2", "-4"]  # a formula neutralised, a number kept
    assert rejects["note"].tolist() == ["", "'@SUM(A1)"]


def test_reimport_is_a_no_op_and_a_change_is_a_revision(tmp_path, catalogue):
    store = tmp_path / "s.duckdb"
    first = write_csv(tmp_path / "q1.csv", HEADER + "HSG_TA,ZZ0000001,Kestrel Vale,2025/26 Q1,400,,,provisional,\n"
                      "HSG_TA,ZZ0000001,Kestrel Vale,2025/26 Q2,410,,,,\n")
    ingest([first], store, catalogue, today=TODAY)
    before = dump_store(store)
    [again] = ingest([first], store, catalogue, today=TODAY)
    assert (again.result.added, again.result.revised, again.result.unchanged) == (0, 0, 2)
    after = dump_store(store)
    pd.testing.assert_frame_equal(before["observations"], after["observations"])
    assert after["revisions"].empty and len(after["batches"]) == 2  # the no-op import is still recorded

    revised = write_csv(tmp_path / "q1_final.csv", HEADER + "HSG_TA,ZZ0000001,Kestrel Vale,2025/26 Q1,395,,,,\n")
    [rev] = ingest([revised], store, catalogue, today=TODAY)
    assert (rev.result.added, rev.result.revised, rev.result.unchanged) == (0, 1, 0)
    with Store(store, read_only=True) as db:
        current = db.observations().set_index(db.observations()["period"].map(str))
        history = db.revisions("HSG_TA")
        batches = db.batches()
    assert current.loc["2025/26 Q1", "value"] == 395 and current.loc["2025/26 Q1", "status"] == "ok"
    assert current.loc["2025/26 Q1", "batch_id"] == rev.result.batch_id
    [old] = history.to_dict("records")
    assert (old["value"], old["status"], old["new_value"], old["new_status"]) == (400, "provisional", 395, "ok")
    assert old["batch_id"] == 1 and old["revised_by_batch"] == rev.result.batch_id
    assert batches["file_name"].tolist() == ["q1.csv", "q1.csv", "q1_final.csv"]
    assert batches[["added", "revised", "unchanged"]].values.tolist() == [[2, 0, 0], [0, 0, 2], [0, 1, 0]]
    assert all(len(h) == 64 for h in batches["sha256"])


def test_every_error_is_a_perfkit_error(tmp_path, catalogue):
    with pytest.raises(PerfkitError, match="no such file"):
        ingest([tmp_path / "absent.csv"], tmp_path / "s.duckdb", catalogue)


TRICKY = (
    "\ufeffindicator,area_code,area_name,period,value,numerator,denominator,status,note,commentary\r\n"
    'HSG_TA, ZZ0000001 ,"Kestrel Vale, Borough",2025/26 Q1,"1,234",,,,,"He said ""no"""\r\n'
    "CS_REREF,ZZ0000001,Kestrel\u00a0Vale,2025/26 Q1,45%,45,100,provisional,,£ and é\r\n"
    ",,,,,,,,,\r\n"
    "CS_REPEAT_CP,ZZ0000002,Ashcombe Vale,2025/26 Q1,c,,,,,\r\n"
)


@pytest.mark.parametrize("text", [TRICKY, TRICKY.replace("\r\n", "\n"), HEADER + "HSG_TA,ZZ0000001,Kestrel Vale,2025/26 Q1,400,,,,\n"])
def test_duckdb_reader_reads_exactly_what_the_pandas_reader_does(tmp_path, monkeypatch, text):
    """Big CSV files are read by DuckDB; it must agree with read_table cell for cell and row for row."""
    import duckdb

    from perfkit.ingest import read

    path = write_csv(tmp_path / "tricky.csv", text)
    expected = read.read_table(path)
    monkeypatch.setattr(read, "read_table", lambda p: pytest.fail("fell back to pandas on a well-formed file"))
    con = duckdb.connect()
    read.stage_table(con, path, "staged")
    got = con.execute("SELECT * FROM staged ORDER BY row").df()
    assert got.columns.tolist() == expected.columns.tolist()
    assert got.astype(str).values.tolist() == expected.astype(str).values.tolist()


@pytest.mark.parametrize(
    "line, found",
    [
        ("HSG_TA,ZZ0000001,Kestrel Vale,2025/26 Q2,1,234,,,,", "has 10 fields"),  # DuckDB alone drops the empty 10th
        ("HSG_TA,ZZ0000001,Kestrel Vale,2025/26 Q2,1", None),  # short: read_table pads it with blanks
        ('HSG_TA,ZZ0000001,Kestrel Vale,2025/26 Q2,400,,,,"two\nlines"', None),  # quoted line break: pandas reads it
    ],
)
def test_lines_duckdb_would_bend_go_to_the_careful_reader(tmp_path, catalogue, line, found):
    path = write_csv(tmp_path / "odd.csv", HEADER + "HSG_TA,ZZ0000001,Kestrel Vale,2025/26 Q1,400,,,,\n" + line + "\n")
    if found is None:
        [report] = ingest([path], tmp_path / "s.duckdb", catalogue, today=TODAY)
        assert report.result.added == 2
        with Store(tmp_path / "s.duckdb", read_only=True) as db:
            reasons = [r if isinstance(r, str) else None for r in db.observations()["status_reason"]]
        assert reasons == [None, "two\nlines" if "two" in line else None]
        return
    with pytest.raises(IngestError) as info:
        ingest([path], tmp_path / "s.duckdb", catalogue, today=TODAY)
    assert found in str(info.value)
    assert not (tmp_path / "s.duckdb").exists(), "a refused first import must not leave an empty store"


def test_a_bad_memory_limit_is_named(tmp_path, catalogue, monkeypatch):
    path = write_csv(tmp_path / "ok.csv", HEADER + "HSG_TA,ZZ0000001,Kestrel Vale,2025/26 Q1,400,,,,\n")
    monkeypatch.setenv("PERFKIT_MEMORY_LIMIT", "lots")
    with pytest.raises(IngestError, match="PERFKIT_MEMORY_LIMIT='lots' is not a memory size; write it like 1GB"):
        ingest([path], tmp_path / "s.duckdb", catalogue, today=TODAY)
    assert not (tmp_path / "s.duckdb").exists()
    monkeypatch.setenv("PERFKIT_MEMORY_LIMIT", "300MB")
    [report] = ingest([path], tmp_path / "s.duckdb", catalogue, today=TODAY)
    assert report.result.added == 1


def test_a_wholly_wrong_file_keeps_only_a_sample_in_memory(tmp_path, catalogue, monkeypatch):
    import perfkit.ingest.run as ingest_module

    monkeypatch.setattr(ingest_module, "MAX_KEPT", 7)
    rows = "".join(f"NOPE,ZZ{i:07d},Area {i},2025/26 Q1,{i},,,,\n" for i in range(40))
    path = write_csv(tmp_path / "wrong.csv", HEADER + rows)
    with pytest.raises(IngestError) as info:
        ingest([path], tmp_path / "s.duckdb", catalogue, today=TODAY)
    assert "40 row(s) in 1 file(s) have problems" in str(info.value)
    assert "... and 15 more problem(s)" in str(info.value)  # 40 in all, 25 shown
    assert [p.row for p in info.value.problems] == list(range(2, 9))  # the first 7, in row order
    [report] = ingest([path], tmp_path / "s.duckdb", catalogue, skip_invalid=True, today=TODAY)
    rejects = pd.read_csv(report.rejects_path, dtype=str, keep_default_na=False)
    assert len(rejects) == 40 and report.result.rejected == 40  # every rejected row is saved, not a sample
    assert rejects["problem"].str.startswith("indicator: unknown indicator").all()


def test_a_value_is_checked_to_the_decimals_of_its_series_not_only_its_own(tmp_path, catalogue):
    # "21" among one-decimal values is 21.0 with its zero dropped: 214/1000 = 21.4 is an error, not rounding
    path = write_csv(tmp_path / "series.csv", "indicator,area_code,area_name,period,value,numerator,denominator\n"
                     "CS_REREF,ZZ0000001,Kestrel Vale,2025/26 Q1,20.7,207,1000\nCS_REREF,ZZ0000001,Kestrel Vale,2025/26 Q2,21,214,1000\n")
    with pytest.raises(IngestError) as info:
        ingest([path], tmp_path / "s.duckdb", catalogue, today=TODAY)
    assert [(p.row, p.column) for p in info.value.problems] == [(3, "value")]
    assert "does not match numerator / denominator (21.4)" in str(info.value)
    ok = write_csv(tmp_path / "whole.csv", "indicator,area_code,area_name,period,value,numerator,denominator\n"
                   "CS_REREF,ZZ0000001,Kestrel Vale,2025/26 Q2,21,214,1000\n")  # a series written in whole numbers
    assert ingest([ok], tmp_path / "s.duckdb", catalogue, today=TODAY)[0].result.added == 1
