"""Actions as rows, read from an actions file or a return's Actions sheet and checked before they are stored.

An actions file (CSV or XLSX) has the columns :data:`ACTION_FILE_COLUMNS`, one row per action
per reporting period: the period is the one the action is reported for (a monthly indicator's
quarter, a quarterly indicator's quarter, an annual indicator's year); ``ref`` is blank for a
new action (the store gives it the next free A1, A2, ...) and the action's reference to report
on it again. ``status`` is one of :data:`perfkit.contract.ACTION_STATUSES`; ``due`` a date
(2026-06-30 or 30/06/2026). Each problem names the file, row, column, value and fix, as the
figures' checks do; the rows are stored in the same transaction as the file's batch.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import duckdb
import pandas as pd

from perfkit.config.catalogue import Catalogue
from perfkit.contract import ACTION_STATUSES
from perfkit.errors import IngestError, PeriodError
from perfkit.periods import Freq, parse_period
from perfkit.store.actions import ACTION_COLUMNS
from perfkit.text import printable

__all__ = ["ACTION_FILE_COLUMNS", "check_actions", "is_actions_file", "parse_due", "read_actions_file", "stage_actions"]

ACTION_FILE_COLUMNS = ["indicator", "area_code", "period", "ref", "action", "owner", "due", "status", "progress"]
_REQUIRED = ["indicator", "area_code", "period", "action", "owner", "due", "status"]
#: The longest each cell may be, in characters, and what to do instead.
LIMITS = {
    "action": (1_000, "shorten it to what will be done; put the detail in the commentary or a linked document"),
    "owner": (100, "give the post or person who owns the action, e.g. 'Head of Housing Options'"),
    "progress": (2_000, "shorten the progress update to a few sentences"),
    "ref": (12, "keep the reference the return gave (A1, A2, ...) or leave it blank for a new action"),
}
_REF = re.compile(r"A[1-9]\d{0,5}")


def is_actions_file(path: str | Path) -> bool:
    """Whether ``path``'s header row is an actions file's (it has ``action`` and ``due`` columns)."""
    path = Path(path)
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            import openpyxl

            book = openpyxl.load_workbook(path, read_only=True)
            try:
                first = next(book.worksheets[0].iter_rows(max_row=1, values_only=True), ())
            finally:
                book.close()
        else:
            with path.open("rb") as handle:
                first = handle.readline(1 << 16).decode("utf-8-sig", "replace").split(",")
    except Exception:  # noqa: BLE001 - not readable as one: the usual reading says why
        return False
    names = {str(c or "").strip().strip('"').lower() for c in first}
    return {"action", "due"} <= names


def read_actions_file(path: str | Path) -> pd.DataFrame:
    """An actions file's text cells (with ``row``, the spreadsheet row) in :data:`ACTION_FILE_COLUMNS`."""
    from perfkit.ingest.read import read_raw

    path = Path(path)
    frame = read_raw(path)
    names = [c for c in frame.columns if c != "row"]
    missing = [c for c in _REQUIRED if c not in names]
    unknown = [c for c in names if c not in ACTION_FILE_COLUMNS]
    if missing or unknown:
        said = ([f"missing column(s) {', '.join(missing)}"] if missing else []) + ([f"unknown column(s) {', '.join(unknown)}"] if unknown else [])
        raise IngestError(f"{path.name}: row 1: an actions file, but {'; '.join(said)}; an actions file has the columns "
                          f"{', '.join(ACTION_FILE_COLUMNS)} (ref and progress may be blank): rename or delete the others")
    for column in ACTION_FILE_COLUMNS:
        if column not in frame:
            frame[column] = ""
    return frame[["row", *ACTION_FILE_COLUMNS]]


def parse_due(text: object) -> dt.date | None:
    """A due date as owners write it, or None when it is not one.

    >>> parse_due("2026-06-30"), parse_due("30/06/2026"), parse_due("2026-06-30T00:00:00"), parse_due("June")
    (datetime.date(2026, 6, 30), datetime.date(2026, 6, 30), datetime.date(2026, 6, 30), None)
    """
    if isinstance(text, dt.datetime):
        return text.date()
    if isinstance(text, dt.date):
        return text
    value = str(text or "").strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%dT%H:%M:%S"):
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def check_actions(frame: pd.DataFrame, catalogue: Catalogue, file_name: str, today: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The valid rows of an actions frame (:data:`ACTION_FILE_COLUMNS` and ``row``) in
    :data:`perfkit.store.actions.ACTION_COLUMNS`, and the problems (file, row, column, value, problem, fix)."""
    problems, clean, seen = [], [], {}
    for r in frame.to_dict("records"):
        cell = {c: printable(str(r.get(c) if r.get(c) is not None else "")).strip() for c in ACTION_FILE_COLUMNS}
        found = []

        def bad(column: str, problem: str, fix: str) -> None:
            found.append((file_name, int(r["row"]), column, str(r.get(column) or ""), problem, fix))  # noqa: B023 - used at once

        code = cell["indicator"].upper()
        ind = catalogue[code] if code in catalogue else None
        if ind is None:
            bad("indicator", "unknown indicator", "use a code from `perfkit indicators`, or add it to params/indicators/")
        if not cell["area_code"]:
            bad("area_code", "is blank", "give the area's code, e.g. E08000009")
        try:
            period = parse_period(cell["period"]) if cell["period"] else None
        except PeriodError as exc:
            period = None
            bad("period", str(exc), "write the period as '2025/26', '2025/26 Q3'")
        if period is None and not found:
            bad("period", "is blank", "give the reporting period the action is reported for, e.g. '2025/26 Q4'")
        elif period is not None and ind is not None and not (period.freq is ind.freq or (ind.freq is Freq.MONTH and period.freq is Freq.QUARTER)):
            bad("period", f"is a {period.freq.value} but {code} is reported for each {Freq.QUARTER.value if ind.freq is Freq.MONTH else ind.freq.value}",
                "give the period the paper reports the indicator for: a quarter for a monthly or quarterly indicator, a year for an annual one")
        elif period is not None and period.start > today:
            bad("period", f"the period starts after today ({today:%Y-%m-%d})", "check the year; actions are reported for periods that have started")
        for column in ("action", "owner"):
            if not cell[column]:
                bad(column, "is blank", "say what will be done" if column == "action" else LIMITS["owner"][1])
        for column, (limit, fix) in LIMITS.items():
            if len(cell[column]) > limit:
                bad(column, f"is {len(cell[column]):,} characters long, more than {limit:,}", fix)
        ref = cell["ref"].upper() or None
        if ref is not None and not _REF.fullmatch(ref):
            bad("ref", "is not an action reference", LIMITS["ref"][1])
        due = parse_due(r.get("due"))
        if due is None:
            bad("due", "is not a date", "write the due date as 2026-06-30 or 30/06/2026")
        status = cell["status"].lower()
        if status not in ACTION_STATUSES:
            bad("status", "is not an action status", f"choose one of: {', '.join(ACTION_STATUSES)}")
        key = (code, cell["area_code"].upper(), ref, period)
        if ref is not None and key in seen and not found:
            bad("ref", f"the same action is reported twice for {period.label} (also row {seen[key]})", "keep one row per action and period")
        if found:
            problems += found
            continue
        seen[key] = int(r["row"])
        clean.append({"indicator": code, "area_code": cell["area_code"].upper(), "ref": ref, "period_type": period.freq.value,
                      "period_start": period.start, "period": period.label, "action": cell["action"], "owner": cell["owner"],
                      "due": due, "status": status, "progress": cell["progress"] or None, "row": int(r["row"])})
    problem_frame = pd.DataFrame(problems, columns=["file", "row", "column", "value", "problem", "fix"])
    return pd.DataFrame(clean, columns=[*ACTION_COLUMNS, "row"]), problem_frame


def stage_actions(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, problems: pd.DataFrame, raw: str, name: str) -> int:
    """Put an actions file's cells in ``raw``, its problems in ``<name>_problems`` and an empty
    ``<name>_clean`` (the file holds no figures), as :func:`perfkit.ingest.validate.check` leaves a
    file of figures; return how many rows have a problem."""
    from perfkit.store.store import OBSERVATION_COLUMNS

    for table, data in ((f"{raw}_file", frame.astype(str)), (f"{name}_problems", problems.assign(seq=range(len(problems))))):
        con.register("actions_cells", data)
        try:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM actions_cells")
        finally:
            con.unregister("actions_cells")
    con.execute(f"ALTER TABLE {raw}_file ALTER row TYPE BIGINT")
    con.execute(f"CREATE OR REPLACE TEMP VIEW {raw} AS SELECT * FROM {raw}_file")
    con.execute(f"CREATE OR REPLACE TEMP VIEW {name}_clean AS SELECT {', '.join(OBSERVATION_COLUMNS)} FROM observations WHERE false")
    return problems["row"].nunique()
