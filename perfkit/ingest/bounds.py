"""The limits a file is held to before it is read, and the words for a file that breaks one.

Every reader (:mod:`perfkit.ingest.csv_stream`, :mod:`perfkit.ingest.xlsx`) checks these while
it streams or scans, so memory stays bounded whatever a file holds: a cell, a line, a sheet
or a part of a workbook beyond its limit is refused, naming the file, row and column, before
it is loaded. README ("Limits on input files") states them.
"""

from __future__ import annotations

from pathlib import Path

from perfkit.errors import IngestError

__all__ = ["CELL_MAX", "LINE_MAX", "PART_MAX", "PART_RATIO", "RETURN_MAX_ROWS", "XLSX_MAX_COLUMNS", "XLSX_MAX_ROWS",
           "column_letters", "column_number", "fail"]

#: Characters in one cell (Excel's own limit), in a CSV file or a workbook.
CELL_MAX = 32_767
#: Bytes in one row of a CSV file: one line, or the lines of a row whose quoted cells hold line breaks.
LINE_MAX = 1 << 20
#: Columns and rows with values in a sheet of a canonical workbook (a bigger table goes as CSV).
XLSX_MAX_COLUMNS = 1_000
XLSX_MAX_ROWS = 500_000
#: Rows in a sheet of a return workbook (perfkit issues a few hundred at most).
RETURN_MAX_ROWS = 20_000
#: How far a part of a workbook may unpack: beyond 50 MB, at most 100 times its packed size.
PART_MAX, PART_RATIO = 50 * 2**20, 100


def fail(path: Path, msg: str) -> IngestError:
    return IngestError(f"{path.name}: {msg}")


def column_number(letters: bytes | str) -> int:
    """A spreadsheet column's number from its letters (``b"AA"`` is 27)."""
    number = 0
    for letter in letters.encode() if isinstance(letters, str) else letters:
        number = number * 26 + letter - 64
    return number


def column_letters(number: int) -> str:
    """A spreadsheet column's letters from its number (27 is ``AA``)."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
