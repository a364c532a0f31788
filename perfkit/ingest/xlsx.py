"""Reading a workbook, bounded before any sheet is read.

:func:`sheets` lists a workbook's sheets (name, hidden or not, part) from its small index parts;
:func:`scan` then checks every sheet, hidden ones included, against the bounds of
:mod:`perfkit.ingest.bounds` (how far each part unpacks, rows and columns with values) by
streaming its XML, before openpyxl builds a single row. A canonical workbook is read from its
first visible sheet (:func:`read_sheet`); a return workbook reads only the sheets perfkit issued.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from perfkit.ingest.bounds import (
    CELL_MAX,
    PART_MAX,
    PART_RATIO,
    XLSX_MAX_COLUMNS,
    XLSX_MAX_ROWS,
    column_letters,
    column_number,
    fail,
)

__all__ = ["Sheet", "check_packed_sizes", "excel_text", "read_sheet", "scan", "sheets"]

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\b([^>]*?)(/)?>(?(2)|(.*?)</(?:[A-Za-z_][\w.-]*:)?c>)", re.S)
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_FORMULA, _CACHED = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f\b"), re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?v(?:\s[^>]*)?>[^<]")


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook as its index lists it: ``state`` is visible, hidden or veryHidden."""

    name: str
    state: str
    part: str
    worksheet: bool  # a sheet of cells (not a chart sheet)

    @property
    def shown(self) -> str:
        return {"hidden": "hidden sheet", "veryHidden": "very hidden sheet"}.get(self.state, "sheet")


def excel_text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, dt.datetime):
        return f"{cell:%Y-%m}" if cell.day == 1 and cell.time() == dt.time() else cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def check_packed_sizes(path: Path) -> None:
    """Refuse a workbook a part of which unpacks far beyond what figures need (a zip bomb)."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        return  # openpyxl says what is wrong with it
    for part in parts:
        if part.file_size > PART_MAX and part.file_size > PART_RATIO * max(part.compress_size, 1):
            raise fail(
                path,
                f"its part {part.filename} unpacks to {part.file_size / 2**20:,.0f} MB from {part.compress_size / 2**10:,.0f} kB, "
                "far more than a table of figures needs; open it in Excel, check what it holds, and save it again (or as CSV)",
            )


def sheets(path: Path) -> list[Sheet]:
    """The workbook's sheets in its order, from ``xl/workbook.xml`` and its relationships;
    [] when the file is not a workbook (openpyxl then says what is wrong with it)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
                return []
            if max(archive.getinfo(n).file_size for n in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")) > PART_MAX:
                raise fail(path, "its list of sheets is larger than 50 MB; open it in Excel and save it again")
            book = ElementTree.fromstring(archive.read("xl/workbook.xml"))  # noqa: S314 - bounded above; expat refuses entity bombs
            rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
    except (zipfile.BadZipFile, OSError, ElementTree.ParseError):
        return []
    targets = {}
    for rel in rels.iter(f"{_PACKAGE_REL}Relationship"):
        target = rel.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        targets[rel.get("Id")] = (part, rel.get("Type", "").endswith("/worksheet"))
    found = []
    for sheet in book.iter(f"{_MAIN}sheet"):
        part, worksheet = targets.get(sheet.get(f"{_REL}id"), ("", False))
        found.append(Sheet(sheet.get("name", ""), sheet.get("state", "visible"), part, worksheet and part in names))
    return found


def _extent(path: Path, source, sheet: Sheet, max_rows: int, formulas: bool) -> int:  # noqa: ANN001 - a binary file object of the sheet's XML
    """The last column that holds a value; refuse a sheet beyond the column or row bounds,
    or (``formulas``) with a formula whose value was never calculated (openpyxl would read it as blank).

    The sheet's XML is scanned, a block at a time, for cells with content (not self-closing,
    so a cell that is only formatted does not count) before openpyxl builds a single row."""
    last_column = last_row = 0
    tail = b""
    while True:
        block = source.read(1 << 20)
        data = tail + block
        cut = data.rfind(b"row>") + 4 if block else len(data)  # whole rows only, until the end
        data, tail = data[:cut], data[cut:]
        if len(tail) > 1 << 26:
            raise fail(path, f"{sheet.shown} '{sheet.name}' holds a row larger than 64 MB; open it in Excel, check what it holds, "
                             "and save it again (or as CSV)")
        for match in _CELL.finditer(data):
            attributes, inner = match.group(1), match.group(3) or b""
            ref = _CELL_REF.search(attributes)
            if ref is None or match.group(2):
                continue
            column, row = column_number(ref.group(1)), int(ref.group(2))
            where = f"{sheet.shown} '{sheet.name}', row {row}: cell {ref.group(1).decode()}{row}"
            if column > XLSX_MAX_COLUMNS:
                raise fail(
                    path,
                    f"{where} holds something {column:,} columns to the right; perfkit reads at most {XLSX_MAX_COLUMNS:,} "
                    f"columns (to {column_letters(XLSX_MAX_COLUMNS)}): delete what is there (Ctrl+End in Excel goes to the "
                    "last cell) and save again",
                )
            if row > max_rows:
                raise fail(path, f"{sheet.shown} '{sheet.name}' has rows to {row:,} or more; perfkit reads at most {max_rows:,} "
                                 "rows in a sheet of a workbook (every sheet is checked, hidden ones too): delete the rows "
                                 "(or the sheet) that are not figures, or save the figures as CSV UTF-8, which has no such limit")
            if formulas and _FORMULA.search(inner) and not _CACHED.search(inner):
                raise fail(path, f"{where} holds a formula without a value (the program that saved it did not calculate it); "
                                 "open and save the workbook in Excel, or paste the values over the formulas")
            last_column, last_row = max(last_column, column), max(last_row, row)
        if not block:
            return last_column


def scan(path: Path, max_rows: int = XLSX_MAX_ROWS, read: str | None = None) -> dict[str, int]:
    """Check every sheet of the workbook (hidden ones too) against the bounds, before any is
    read: {sheet name: its last column with a value}. Formulas without a value are refused
    only on the sheet to be ``read``."""
    check_packed_sizes(path)
    extents = {}
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return extents  # openpyxl says what is wrong with it
    with archive:
        for sheet in sheets(path):
            if sheet.worksheet:
                with archive.open(sheet.part) as source:
                    extents[sheet.name] = _extent(path, source, sheet, max_rows, sheet.name == read)
    return extents


def _rows(path: Path, sheet_name: str, last_column: int, max_row: int | None = None) -> list[list[str]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise fail(path, f"cannot open it as an Excel workbook ({exc}); save it again as .xlsx") from None
    try:
        sheet = book[sheet_name] if sheet_name else book.worksheets[0]
        # the sheet's stored <dimension> is a claim by whatever wrote the file, and read-only
        # mode would stop at it: forget it, and read to the last column that holds a value
        sheet.reset_dimensions()
        return [[excel_text(c) for c in row] for row in sheet.iter_rows(max_col=max(last_column, 1), max_row=max_row, values_only=True)]
    finally:
        book.close()


def read_sheet(path: Path, canonical: Callable[[list[list[str]]], bool]) -> tuple[str, list[list[str]], tuple[str, ...]]:
    """The first visible sheet's name and rows (text cells), every sheet bounded first; and notes:
    which sheet was read, and each hidden sheet whose first rows are in the layout (``canonical``)."""
    listed = sheets(path)
    shown = [s for s in listed if s.worksheet and s.state == "visible"]
    if listed and not shown:
        raise fail(path, "the workbook has no visible sheet of cells; unhide the sheet that holds the figures and save again")
    chosen = shown[0].name if shown else ""
    extents = scan(path, read=chosen)
    rows = _rows(path, chosen, extents.get(chosen, 1))
    for number, row in enumerate(rows, start=1):
        for column, cell in enumerate(row, start=1):
            if len(cell) > CELL_MAX:
                raise fail(path, f"row {number}, column {column_letters(column)}: the cell holds {len(cell):,} characters, more "
                                 f"than Excel allows ({CELL_MAX:,}); the file was not saved by Excel: check it and save it again")
    notes = []
    if chosen:
        first = "its only sheet" if len(listed) == 1 else "its first visible sheet"
        notes.append(f"{path.name}: read the sheet '{chosen}', {first}")
    for sheet in listed:
        if sheet.worksheet and sheet.state != "visible" and canonical(_rows(path, sheet.name, extents.get(sheet.name, 1), 11)):
            notes.append(f"{path.name}: the {sheet.shown} '{sheet.name}' also holds rows in perfkit's layout and was not read; "
                         f"if those are the figures to import, unhide it and move it before '{chosen}' (or delete the sheet "
                         "that is not wanted) and import again")
    return chosen, rows, tuple(notes)
