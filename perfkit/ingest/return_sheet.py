"""Checking a returned sheet against what was issued: its headings, cells typed outside the
issued table, formulas, and where each issued row now is (by its row key, so a sorted or
filtered sheet is read as the owner meant).

The workbook's contract (columns, properties) is :mod:`perfkit.ingest.returned`; this module
holds the checks it runs on a sheet, each returning problems that name the sheet, row or cell
and the fix.
"""

from __future__ import annotations

import hashlib
import uuid

from perfkit.ingest.read import excel_text

#: The heading row of each sheet of a return: rows 1 to 3 hold the council, the period, the owner and due date.
HEADER_ROW = 4

__all__ = ["HEADER_ROW", "fingerprint", "formula_cells", "headings", "locate_rows", "new_issue", "outside", "row_key"]


def column_letter(number: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(number)


def row_key(code: str, area: str, label: str, issue: str) -> str:
    """An issued row's key (indicator, area, period, issue), written in its hidden key cell."""
    return f"{code}|{area}|{label}|{issue}"


def new_issue() -> str:
    """A new issue's id: each written workbook has its own, recorded in its properties and row keys."""
    return uuid.uuid4().hex[:12]


def fingerprint(value: object) -> str:
    """A short digest of a locked cell as issued (its text, as a spreadsheet keeps it), recorded in the
    workbook's properties so an edit to the cell is caught without the properties holding every word."""
    return hashlib.sha256(excel_text(value).strip().encode("utf-8")).hexdigest()[:8]


def _shown(value: object) -> str:
    text = excel_text(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")


def headings(ws, columns: list[tuple[str, str]], where: str) -> list[str]:  # noqa: ANN001 - an openpyxl worksheet
    """Problems with a sheet's heading row: each column must be where it was issued. One column
    inserted or deleted is said once (not once for every column after it)."""
    expected = [h for _, h in columns]
    found = [ws.cell(HEADER_ROW, c).value for c in range(1, max(ws.max_column, len(columns)) + 1)]
    found = [str(f).strip() if f is not None else None for f in found]
    while len(found) > len(expected) and found[-1] is None:
        found.pop()
    fix = "; columns must not be deleted, renamed, moved or added: use the workbook as issued"
    out = []
    for column in range(1, max(len(found), len(expected)) + 1):
        got = found[column - 1] if column <= len(found) else None
        wanted = expected[column - 1] if column <= len(expected) else None
        if got != wanted:
            shown = f"{got!r}" if got is not None else "blank"
            want = f"'{wanted}'" if wanted else f"nothing (the last column is '{columns[-1][1]}')"
            out.append(f"{where}, row {HEADER_ROW}, column {column_letter(column)}: heading {shown}, expected {want}")
    if not out:
        return []
    for at in range(len(found)):  # one inserted column
        if len(found) == len(expected) + 1 and found[:at] + found[at + 1:] == expected:
            return [f"{out[0]}: a column was inserted at column {column_letter(at + 1)}; delete it{fix}"]
    for at in range(len(expected)):  # one deleted column
        if len(found) == len(expected) - 1 and expected[:at] + expected[at + 1:] == found:
            return [f"{out[0]}: the column '{expected[at]}' was deleted{fix}"]
    return [line + fix for line in out]


def outside(ws, width: int, last_row: int | None, where: str) -> list[str]:  # noqa: ANN001 - an openpyxl worksheet
    """Cells typed outside the issued table: beside it (an added, unheaded column), in the title
    rows beside the title, or (``last_row``) below the rows issued. Each is named; nothing of it
    would be stored, so the workbook is refused rather than the words lost."""
    problems = []
    for row in ws.iter_rows():
        for cell in row:
            if cell.value in (None, ""):
                continue
            beside = cell.column > width
            above = cell.row < HEADER_ROW and cell.column > 1
            below = last_row is not None and cell.row > last_row
            if beside or above or below:
                problems.append(f"{where}, cell {cell.coordinate}: {_shown(cell.value)} is outside the cells issued for the return, so it would "
                                "not be read; move it into the row's note or commentary (or delete it) and send the workbook again")
    return problems


def formula_cells(cells: dict, owned: list[str], names: list[str], where: str, row: int) -> list[str]:
    """Problems with formulas in a row's owner cells (``cells``: openpyxl cells by name). Text that
    starts with '=' (typed as text) is words, not a formula, and is kept as typed."""
    problems = []
    for name in owned:
        cell = cells[name]
        value = cell.value
        if cell.data_type == "f" or type(value).__name__ in ("ArrayFormula", "DataTableFormula"):
            problems.append(f"{where}, row {row}, column {column_letter(names.index(name) + 1)} ({name}): holds a formula "
                            f"({str(getattr(value, 'text', value))[:40]}); type the value itself (copy, then paste as values)")
    return problems


def locate_rows(ws, keys: list[str], key_column: int, width: int, where: str, problems: list[str]) -> dict[int, int]:  # noqa: ANN001
    """Where each issued row is now: {index in ``keys``: sheet row}, found by the row key in
    ``key_column`` (so rows sorted or filtered in a spreadsheet are read as the owner meant). A row
    whose key was not issued (an added row), a row copied, or an issued row missing are problems."""
    index = {key: number for number, key in enumerate(keys)}
    found: dict[int, int] = {}
    for row in range(HEADER_ROW + 1, ws.max_row + 1):
        values = [ws.cell(row, c).value for c in range(1, width + 1)]
        if all(v in (None, "") for v in values):
            continue
        key = excel_text(ws.cell(row, key_column).value).strip()
        if key in index and index[key] not in found:
            found[index[key]] = row
        elif key in index:
            problems.append(f"{where}, row {row}: a copy of row {found[index[key]]} (the same row key, column {column_letter(key_column)}); "
                            "delete the copy: each issued row is returned once")
        else:
            problems.append(f"{where}, row {row}: a row that was not issued (code {excel_text(values[0])!r}); delete it: to report "
                            "another indicator, add it to the catalogue (params/indicators/) and issue a new return")
    for number, key in enumerate(keys):
        if number not in found:
            code, _area, label, _issue = key.split("|")
            problems.append(f"{where}: the row issued for {code} {label} was deleted, or its row key (hidden column "
                            f"{column_letter(key_column)}) emptied; use the workbook as issued")
    return found
