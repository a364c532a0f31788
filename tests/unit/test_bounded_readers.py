"""Readers bounded before they read, and plain words for what a file gets wrong (issue 26).

Real files made at test time by ``tests/bad_inputs/hostile.py``, real imports into a real store.
Each test failed on the code before the change: the hidden first sheet was imported (111), the
very hidden sheet of a return was loaded whole, and the messages were raw ("missing columns;
found <U+0000>i...", "period is empty", "field larger than field limit (131072)").
"""

from __future__ import annotations

import time

import duckdb
import pytest

from perfkit.config.catalogue import load_catalogue
from perfkit.errors import IngestError
from perfkit.ingest import ingest

from ..bad_inputs import hostile
from ..helpers import EARLY_HELP, TODAY, assert_same_store, dump_store


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_workbook_is_read_from_its_first_visible_sheet_and_a_hidden_one_is_named(tmp_path, catalogue, state):
    path = hostile.hidden_first_sheet(tmp_path, state)
    [report] = ingest([path], tmp_path / "s.duckdb", catalogue, today=TODAY)
    with duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True) as con:
        assert con.execute("SELECT value FROM observations").fetchall() == [(777.0,)]
    shown = "hidden sheet" if state == "hidden" else "very hidden sheet"
    assert f"{path.name}: read the sheet 'Figures', its first visible sheet" in report.notes
    assert any(f"the {shown} 'Old figures' also holds rows in perfkit's layout and was not read" in n for n in report.notes), report.notes


def test_every_sheet_is_bounded_before_any_is_read_hidden_ones_too(tmp_path, catalogue):
    plain = hostile.hidden_first_sheet(tmp_path, "visible")
    path = hostile.add_sheet(plain, tmp_path / "wide.xlsx", "Scratch", "veryHidden", 3, column="XFD")
    with pytest.raises(IngestError) as caught:
        ingest([path], tmp_path / "s.duckdb", catalogue, today=TODAY)
    assert "wide.xlsx: very hidden sheet 'Scratch', row 1: cell XFD1 holds something 16,384 columns to the right" in str(caught.value)


def test_a_return_refuses_a_sheet_it_did_not_issue_before_reading_it(quarter, tmp_path):
    root, store, books = quarter
    catalogue = load_catalogue(root / "params")
    path = hostile.add_sheet(books[EARLY_HELP], tmp_path / f"{EARLY_HELP}.xlsx", "Data", "veryHidden", 150_000)
    before = dump_store(store)
    started = time.monotonic()
    with pytest.raises(IngestError) as caught:
        ingest([path], store, catalogue, today=TODAY)
    took = time.monotonic() - started
    message = str(caught.value)
    assert f"{path.name}: nothing was imported: the workbook holds the very hidden sheet 'Data', which perfkit did not issue" in message
    assert "'Return', 'Instructions', 'Actions'" in message and "delete it" in message
    assert took < 5, took  # 15.7 s and 870 MB when the sheet was loaded (peak memory: tests/e2e/test_bad_inputs.py)
    assert_same_store(before, dump_store(store))


CSV_MESSAGES = {
    hostile.utf16: ["utf16.csv: the file is saved as UTF-16", "save it as 'CSV UTF-8 (Comma delimited)'"],
    hostile.utf16_without_bom: ["utf16_no_bom.csv: the file is saved as UTF-16", "'CSV UTF-8 (Comma delimited)'"],
    hostile.bare_cr_in_cell: ["bare_cr.csv: row 2, column area_name: a carriage return (CR, character 13) without a line feed after "
                              "'Kestrel', which would end the row there", "delete it"],
    hostile.bare_cr_in_quoted_cell: ["bare_cr_quoted.csv: row 2, column commentary: a carriage return (CR, character 13) without a "
                                     "line feed inside the cell"],
    hostile.mac_line_ends: ["mac.csv: its lines end with a carriage return alone", "'CSV UTF-8 (Comma delimited)'"],
    hostile.beyond_field_limit: ["field_limit.csv: row 2, column commentary: the cell holds more than 32,767 characters", "shorten it"],
    hostile.lookalike_code: ["lookalike.csv, row 2, column indicator, value 'HSG_T\u0410': unknown indicator: its character 6 "
                             "('\u0410') is not a Latin letter or digit but U+0410 CYRILLIC CAPITAL LETTER A, which looks like the "
                             "Latin 'A'; type the code again with Latin letters"],
    lambda folder: hostile.huge_cell(folder, 2 * 2**20): [
        "huge_cell.csv: row 2, column commentary: the cell runs on for more than 32,767 characters"],
    lambda folder: hostile.no_newline(folder, 2 * 2**20): [
        "no_newline.csv: row 1: the row runs on for more than 1,048,576 bytes without ending"],
}


@pytest.mark.parametrize("make", list(CSV_MESSAGES), ids=lambda m: m.__name__ if m.__name__ != "<lambda>" else "big")
def test_what_a_csv_file_gets_wrong_is_said_in_plain_words(tmp_path, demo_store, catalogue, make):
    path = make(tmp_path)
    before = dump_store(demo_store)
    with pytest.raises(IngestError) as caught:
        ingest([path], demo_store, catalogue, today=TODAY)
    message = str(caught.value)
    for fragment in CSV_MESSAGES[make]:
        assert fragment in message, message
    for raw in ("<U+0000>", "field limit", "period is empty", "unexpected error", "new-line character"):
        assert raw not in message
    assert_same_store(before, dump_store(demo_store))
