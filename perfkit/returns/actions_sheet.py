"""A return's Actions sheet: last period's open actions carried forward for a progress update,
then blank rows for new ones (the sheet's contract is in :mod:`perfkit.ingest.returned`).

A carried action's code, reference, period and wording are locked; its owner, due date,
status and this period's progress are the owner's to update. An action already reported for
this period (a return issued again) comes back as it was reported, so nothing is typed twice.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from perfkit.config.catalogue import Catalogue
from perfkit.contract import ACTION_STATUSES, OPEN_ACTIONS
from perfkit.ingest.return_sheet import fingerprint
from perfkit.ingest.returned import (
    ACTION_SHEET_COLUMNS,
    ACTIONS_SHEET,
    HEADER_ROW,
    NEW_ACTION_COLUMNS,
    Issued,
    column_letter,
)
from perfkit.periods import parse_period
from perfkit.spreadsheet import safe_cell

__all__ = ["NEW_ROWS", "carried_actions", "write_actions_sheet"]

#: Blank rows for new actions on each return.
NEW_ROWS = 10
WIDTHS = {"indicator": 16, "title": 30, "ref": 6, "period": 12, "action": 50, "owner": 22, "due": 12, "status": 12,
          "last_progress": 36, "progress": 44}


def carried_actions(store: Path, area: str, rows: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    """The actions a return carries, for each indicator of ``rows`` (indicator, period label):
    those already reported for its period, else those still open at the period before (with
    their progress then, as ``last_progress``)."""
    from perfkit.store.store import Store

    wanted = {code: parse_period(label) for code, label in rows}  # the last row of each code: the period of its words
    if not store.exists() or not wanted:
        return pd.DataFrame(columns=["indicator", "ref", "action", "owner", "due", "status", "last_progress"])
    with Store(store, read_only=True) as db:
        stored = db.actions(list(wanted), [area])
    out = []
    for code, period in wanted.items():
        mine = stored[stored["indicator"].eq(code)]
        now = mine[[p == period for p in mine["period"]]]
        before = mine[[p == period.prev() for p in mine["period"]]]
        if len(now):
            last = dict(zip(before["ref"], before["progress"]))
            out += [{**r, "last_progress": last.get(r["ref"])} for r in now.to_dict("records")]
        else:
            out += [{**r, "last_progress": r["progress"], "progress": None} for r in before.to_dict("records") if r["status"] in OPEN_ACTIONS]
    return pd.DataFrame(out, columns=["indicator", "ref", "action", "owner", "due", "status", "last_progress", "progress"])


def write_actions_sheet(book, issued: Issued, catalogue: Catalogue, carried: pd.DataFrame) -> tuple[str, ...]:  # noqa: ANN001 - an openpyxl workbook
    """Add the Actions sheet to ``book``: ``carried`` rows (as :func:`carried_actions` gives them,
    in the order ``issued.actions`` records), then ``issued.new_actions`` blank rows. Returns the
    digests of the carried actions' wording, which the workbook's properties record (so a carried
    row is read by its code and reference wherever sorting puts it, and a retyped one is caught)."""
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    ws = book.create_sheet(ACTIONS_SHEET)
    ws["A1"] = safe_cell(f"Actions: {issued.period.label}. Owner: {issued.owner}.")
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = ("Update each action carried from last period (status, progress; owner and due date if they changed). "
                "Add new actions in the blank rows: choose the indicator's code, then say what will be done, by whom and by when.")
    ws["A3"] = f"Status: {', '.join(ACTION_STATUSES)}. An action marked complete or dropped is not carried to the next return."
    names = [n for n, _ in ACTION_SHEET_COLUMNS]
    grey, wrap = PatternFill("solid", fgColor="E7E6E6"), Alignment(wrap_text=True, vertical="top")
    for column, (_name, heading) in enumerate(ACTION_SHEET_COLUMNS, start=1):
        cell = ws.cell(HEADER_ROW, column, heading)
        cell.font, cell.alignment = Font(bold=True), wrap
    by_ref = {(r["indicator"], r["ref"]): r for r in carried.to_dict("records")}
    rows = [by_ref[key] for key in issued.actions] + [None] * issued.new_actions
    digests = []
    for offset, action in enumerate(rows):
        row = HEADER_ROW + 1 + offset
        if action is not None:
            code = action["indicator"]
            cells = {**action, "title": catalogue[code].title, "period": issued.action_period(code)}
            open_here = ["owner", "due", "status", "progress"]
        else:
            cells, open_here = {}, NEW_ACTION_COLUMNS
        for column, name in enumerate(names, start=1):
            value = cells.get(name)
            value = None if value is None or pd.isna(value) else value  # a progress never reported is blank, not 'nan'
            cell = ws.cell(row, column, safe_cell(value))
            if name in open_here:
                cell.protection = Protection(locked=False)
            else:
                cell.fill = grey
            if name == "due":
                cell.number_format = "yyyy-mm-dd"
            if name == "action" and action is not None:
                digests.append(fingerprint(cell.value))
            cell.alignment = wrap
        ws.row_dimensions[row].height = 15 * max(1, -(-len(str(cells.get("action") or "")) // (WIDTHS["action"] - 2))) + 3
    last = HEADER_ROW + len(rows)
    if rows:
        letter = {n: column_letter(i) for i, n in enumerate(names, start=1)}
        status = DataValidation(type="list", formula1='"' + ",".join(ACTION_STATUSES) + '"', allow_blank=False, showErrorMessage=True,
                                errorTitle="Status", error=f"Choose one of: {', '.join(ACTION_STATUSES)}.")
        due = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=False, showErrorMessage=True,
                             errorTitle="Due", error="Type the due date, e.g. 30/06/2026.")
        codes = list(dict.fromkeys(c for c, _ in issued.rows))
        code = DataValidation(type="list", formula1='"' + ",".join(codes) + '"', allow_blank=True, showErrorMessage=True,
                              errorTitle="Code", error="Choose an indicator of this return from the list.")
        for dv in (status, due, code):
            ws.add_data_validation(dv)
        status.add(f"{letter['status']}{HEADER_ROW + 1}:{letter['status']}{last}")
        due.add(f"{letter['due']}{HEADER_ROW + 1}:{letter['due']}{last}")
        if issued.new_actions:
            code.add(f"{letter['indicator']}{HEADER_ROW + 1 + len(issued.actions)}:{letter['indicator']}{last}")
    for column, name in enumerate(names, start=1):
        ws.column_dimensions[column_letter(column)].width = WIDTHS[name]
    ws.row_dimensions[HEADER_ROW].height = 32
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 3)
    ws.protection.sheet = True
    ws.protection.formatColumns = ws.protection.formatRows = False
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation, ws.page_setup.paperSize = "landscape", ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    return tuple(digests)
