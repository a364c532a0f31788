"""Reading a return workbook perfkit issued, and the workbook's contract (its sheets, header
row, columns, which are the owner's, and the document properties that record what was issued).

``perfkit ingest`` reads a returned workbook as it is (:func:`read_return`): rows the owner
left blank are "not returned", anything else goes through the usual checks. A workbook
whose structure was changed is refused, naming the sheet, row, column and fix. The writer
(:mod:`perfkit.returns.workbook`) follows the same contract.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from perfkit._version import __version__
from perfkit.errors import IngestError
from perfkit.ingest.return_sheet import (
    HEADER_ROW,
    fingerprint,
    formula_cells,
    headings,
    locate_rows,
    outside,
    row_key,
)
from perfkit.periods import Period, parse_period

__all__ = ["ACTIONS_SHEET", "ACTION_SHEET_COLUMNS", "ACTION_OWNER_COLUMNS", "CLEAR", "COLUMNS", "DATA_SHEET", "HEADER_ROW", "Issued", "LAYOUT",
           "LOCKED", "NAMES", "NEW_ACTION_COLUMNS", "OWNER_COLUMNS", "WORDS_COLUMNS", "is_return", "issued_by", "locked_digests", "read_return"]

DATA_SHEET, HELP_SHEET, ACTIONS_SHEET = "Return", "Instructions", "Actions"
#: The Return sheet's columns: (name, heading); perfkit reads the row below the headings by these.
COLUMNS = [
    ("indicator", "Code"),
    ("title", "Indicator"),
    ("definition", "Definition"),
    ("unit", "Unit"),
    ("polarity", "Better when"),
    ("target", "Target"),
    ("previous_period", "Previous period"),
    ("previous_value", "Previous value"),
    ("last_year_period", "Same period last year"),
    ("last_year_value", "Value last year"),
    ("area_code", "area_code"),
    ("area_name", "area_name"),
    ("period", "period"),
    ("value", "value"),
    ("numerator", "numerator"),
    ("denominator", "denominator"),
    ("status", "status"),
    ("note", "note"),
    ("headline", "headline"),
    ("commentary", "commentary"),
    ("key", "row key"),  # hidden and locked: indicator|area|period|issue, so a sorted row is still known
]
#: The workbook layout this perfkit issues: 3 has a hidden row key column and records in its
#: properties the issue, the store's batch of each row when issued and digests of the locked
#: cells; 2 (no key) had a headline column and the actions as rows on the Actions sheet; 1 (no
#: ``layout`` property) had a free-text actions column. Layouts 1 and 2 are still read, by position.
LAYOUT = "3"
_LAYOUT_2 = COLUMNS[:-1]
_LAYOUT_1 = [c for c in _LAYOUT_2 if c[0] != "headline"] + [("actions", "actions")]
NAMES = [name for name, _ in COLUMNS]
#: The columns an owner fills in (unlocked); every other column is pre-filled and locked.
OWNER_COLUMNS = ["value", "numerator", "denominator", "status", "note", "headline", "commentary"]
#: The owner's columns of the row for the reporting period's words (a monthly indicator's row
#: for the quarter: the figures are on the months' rows).
WORDS_COLUMNS = ["headline", "commentary"]
#: The Actions sheet: last period's open actions carried forward for a progress update, then
#: blank rows for new actions. (name, heading), read by name as the Return sheet is.
ACTION_SHEET_COLUMNS = [
    ("indicator", "Code"),
    ("title", "Indicator"),
    ("ref", "Ref"),
    ("period", "Reported for"),
    ("action", "Action"),
    ("owner", "Action owner"),
    ("due", "Due (date)"),
    ("status", "Status"),
    ("last_progress", "Progress reported last period"),
    ("progress", "Progress this period"),
]
#: The cells an owner updates on a carried action, and fills in on a new one.
ACTION_OWNER_COLUMNS = ["owner", "due", "status", "progress"]
NEW_ACTION_COLUMNS = ["indicator", "action", *ACTION_OWNER_COLUMNS]
#: Locked columns checked against what was issued: the row's key parts, then (layout 3) the
#: cells an owner reads the figure by, checked against the digests the properties record.
CHECKED = ["indicator", "area_code", "period"]
LOCKED = ["title", "unit", "target", "area_name"]
#: Typed in an owner's text cell (note, headline, commentary) to clear what the store holds:
#: a blank cell in a resent workbook keeps it.
CLEAR = "clear"
PREFIX = "perfkit_"

@dataclass(frozen=True)
class Issued:
    """What one workbook was issued for (its custom document properties)."""

    council: str
    area_code: str
    period: Period
    directorate: str
    owner: str
    rows: tuple[tuple[str, str], ...]  # (indicator, period label), in sheet order
    due: dt.date | None
    actions: tuple[tuple[str, str], ...] = ()  # (indicator, ref) of the actions carried forward, in sheet order
    new_actions: int = 0  # blank rows for new actions below them
    layout: str = LAYOUT
    issue: str = ""  # this issue's id (layout 3): part of every row key
    stored: tuple[int, ...] = ()  # the batch each row's stored figure came from when issued (0: none), in sheet order
    locked: tuple[tuple[str, ...], ...] = ()  # digests of each row's LOCKED cells as issued, in sheet order
    action_locked: tuple[str, ...] = ()  # digests of each carried action's wording as issued, as ``actions`` lists them

    @property
    def keys(self) -> list[str]:
        """Each issued row's key, in sheet order."""
        return [row_key(c, self.area_code, p, self.issue) for c, p in self.rows]

    def action_period(self, code: str) -> str:
        """The period an indicator's actions are reported for: the period of its words (its last row issued)."""
        return [p for c, p in self.rows if c == code][-1]

    @property
    def words_rows(self) -> set[tuple[str, str]]:
        """The rows issued for a quarter's words (commentary and actions, no figures): a
        monthly indicator's row for the quarter, after its months' rows."""
        months = {c for c, p in self.rows if p != self.period.label}
        return {(c, p) for c, p in self.rows if p == self.period.label and c in months}

    def properties(self) -> dict[str, str]:
        return {
            "return": "1", "perfkit_version": __version__, "council": self.council, "area_code": self.area_code,
            "period": self.period.label, "directorate": self.directorate, "owner": self.owner,
            "rows": ";".join(f"{c}|{p}" for c, p in self.rows), "due": self.due.isoformat() if self.due else "",
            "layout": self.layout, "actions": ";".join(f"{c}|{r}" for c, r in self.actions), "new_actions": str(self.new_actions),
            "issue": self.issue, "stored": ";".join(str(b) for b in self.stored), "locked": ";".join(",".join(d) for d in self.locked),
            "action_locked": ";".join(self.action_locked),
        }

    @classmethod
    def from_properties(cls, props: dict[str, str]) -> Issued:
        pairs = lambda key: tuple(tuple(item.split("|", 1)) for item in props.get(key, "").split(";") if "|" in item)  # noqa: E731
        due = dt.date.fromisoformat(props["due"]) if props.get("due") else None
        new = int(props["new_actions"]) if props.get("new_actions", "").isdigit() else 0
        listed = lambda key: [item for item in props.get(key, "").split(";")] if props.get(key, "-") != "-" else []  # noqa: E731
        stored = tuple(int(b) if b.isdigit() else 0 for b in listed("stored"))
        locked = tuple(tuple(d.split(",")) for d in listed("locked"))
        return cls(props.get("council", ""), props.get("area_code", ""), parse_period(props["period"]), props.get("directorate", ""),
                   props.get("owner", ""), pairs("rows"), due, pairs("actions"), new, props.get("layout", "1"),  # type: ignore[arg-type]
                   props.get("issue", "").strip("-"), stored, locked, tuple(listed("action_locked")))

    @property
    def columns(self) -> list[tuple[str, str]]:
        """The Return sheet's columns in this workbook's layout."""
        return {LAYOUT: COLUMNS, "2": _LAYOUT_2}.get(self.layout, _LAYOUT_1)

    @property
    def keyed(self) -> bool:
        """Whether rows carry keys (layout 3): read by key, not by position."""
        return self.layout == LAYOUT and bool(self.issue) and len(self.locked) == len(self.rows)


def column_letter(number: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(number)


def locked_digests(cells: dict[str, object]) -> tuple[str, ...]:
    """The digests of a row's LOCKED cells, as written (the properties record them)."""
    return tuple(fingerprint(cells.get(name)) for name in LOCKED)


def _properties(path: Path) -> dict[str, str] | None:
    """The perfkit custom document properties of a workbook, or None if it has none."""
    import zipfile
    from xml.etree import ElementTree

    try:
        with zipfile.ZipFile(path) as archive:
            if "docProps/custom.xml" not in archive.namelist():
                return None
            root = ElementTree.fromstring(archive.read("docProps/custom.xml"))  # noqa: S314 - a small part, read once
    except (zipfile.BadZipFile, OSError, ElementTree.ParseError):
        return None
    found = {}
    for prop in root:
        name = prop.get("name", "")
        if name.startswith(PREFIX):
            found[name[len(PREFIX):]] = "".join(prop.itertext())
    return found if found.get("return") else None


def is_return(path: str | Path) -> bool:
    """Whether ``path`` is a return workbook perfkit issued."""
    path = Path(path)
    return path.suffix.lower() in (".xlsx", ".xlsm") and path.is_file() and _properties(path) is not None


def read_return(path: str | Path, expect_period: Period | None = None) -> tuple[pd.DataFrame, tuple[str, ...], pd.DataFrame | None]:
    """A returned workbook's rows as canonical text cells (``row`` is the sheet's row), notes,
    and its Actions sheet's rows (None for a workbook of layout 1, which had none) as
    :func:`perfkit.ingest.actions.check_actions` reads them.

    Rows whose owner cells are all blank are left out ("not returned", said in the notes).

    Raises
    ------
    IngestError
        When the workbook was changed from what was issued: sheet renamed, columns deleted,
        renamed or moved, locked cells (code, area, period) edited, rows added or deleted,
        a formula in a cell, or (with ``expect_period``) a return for another period.
        The message names the file, sheet, row, column and the fix.
    """
    import openpyxl

    from perfkit.ingest.read import excel_text

    path = Path(path)
    props = _properties(path)
    if props is None:
        raise IngestError(f"{path.name}: not a return workbook issued by perfkit (its file properties do not say so)")
    issued = Issued.from_properties(props)
    if expect_period is not None and issued.period != expect_period:
        raise IngestError(f"{path.name}: this is the return for {issued.period.label}, not {expect_period.label}; "
                          f"import the workbook issued for {expect_period.label} (perfkit returns --period '{expect_period.label}')")
    _bounded(path)
    book = openpyxl.load_workbook(path, data_only=False)
    problems: list[str] = []
    where = f"{path.name}: sheet '{DATA_SHEET}'"
    if DATA_SHEET not in book.sheetnames:
        raise IngestError(f"{path.name}: there is no sheet '{DATA_SHEET}' (found: {', '.join(repr(s) for s in book.sheetnames)}); "
                          f"rename the sheet back to '{DATA_SHEET}'")
    ws = book[DATA_SHEET]
    columns = issued.columns
    names, owner_columns = [n for n, _ in columns], [n for n in OWNER_COLUMNS + ["actions"] if n in dict(columns)]
    problems += headings(ws, columns, where)
    if problems:
        raise IngestError("\n".join([f"{path.name}: nothing was imported: the workbook's columns were changed", *problems[:25]]))
    if issued.keyed:
        at = locate_rows(ws, issued.keys, names.index("key") + 1, len(names), where, problems)
    else:  # layouts 1 and 2: rows by position
        at = _positions(ws, issued, names, where, problems)
    problems += outside(ws, len(names), None, where)
    records, blank = [], 0
    for offset, row in sorted(at.items(), key=lambda item: item[1]):
        cells = {name: ws.cell(row, column) for column, name in enumerate(names, start=1)}
        values = {name: cell.value for name, cell in cells.items()}
        code, label = issued.rows[offset]
        expected = {"indicator": code, "period": label, "area_code": issued.area_code}
        for name in CHECKED:
            if excel_text(values[name]).strip() != expected[name]:
                column = column_letter(names.index(name) + 1)
                moved = (f" (its row key, hidden column {column_letter(names.index('key') + 1)}, says so): rows were moved or codes "
                         "retyped; sort whole rows, every column, or use the workbook as issued, and") if issued.keyed else ";"
                problems.append(f"{where}, row {row}, column {column} ({name}): {excel_text(values[name])!r}, but this row was "
                                f"issued for {expected[name]!r}{moved} put back {expected[name]!r} (the grey cells must not change)")
        if issued.keyed:
            for name, digest, now in zip(LOCKED, issued.locked[offset], locked_digests(values)):
                if digest != now:
                    problems.append(f"{where}, cell {column_letter(names.index(name) + 1)}{row} ({name}): {excel_text(values[name])!r} is "
                                    f"not what was issued for {code} {label}; put back the value issued (the grey cells must not "
                                    "change: ask the performance team to issue the return again if it is wrong)")
        problems += formula_cells(cells, owner_columns, names, where, row)
        owner = {name: excel_text(values[name]).strip() for name in owner_columns}
        if not any(owner.values()):
            blank += (code, label) not in issued.words_rows  # a words row left blank is no figure "not returned"
            continue
        records.append({"row": row, "indicator": code, "area_code": issued.area_code, "area_name": excel_text(values["area_name"]),
                        "period": label, **{name: excel_text(values.get(name)) for name in [*OWNER_COLUMNS, "actions"]}})
    actions = _read_actions(book, issued, path, problems) if issued.layout != "1" else None
    if problems:
        raise IngestError("\n".join([f"{path.name}: nothing was imported: the workbook was changed from what was issued", *problems[:25],
                                     *([f"  ... and {len(problems) - 25} more"] if len(problems) > 25 else [])]))
    notes = (f"{path.name}: {blank} of {len(issued.rows)} row(s) left blank, so not returned (perfkit check lists them for chasing)",) if blank else ()
    frame = pd.DataFrame(records, columns=["row", "indicator", "area_code", "area_name", "period", *OWNER_COLUMNS, "actions"])
    return frame, notes, actions


def _bounded(path: Path) -> None:
    """Refuse, before any sheet is read, a sheet perfkit did not issue (hidden or not), and a sheet
    beyond the bounds (:func:`perfkit.ingest.xlsx.scan`): a whole workbook is loaded to read a return."""
    from perfkit.ingest.bounds import RETURN_MAX_ROWS
    from perfkit.ingest.xlsx import scan, sheets

    issued = (DATA_SHEET, HELP_SHEET, ACTIONS_SHEET)
    listed = sheets(path)
    extra = [s for s in listed if s.name not in issued]
    if extra and DATA_SHEET in [s.name for s in listed]:  # else: the sheet renamed, said once the workbook is open
        listed = ", ".join(f"the {s.shown} '{s.name}'" for s in extra)
        raise IngestError(f"{path.name}: nothing was imported: the workbook holds {listed}, which perfkit did not issue (a return "
                          f"has the sheets {', '.join(repr(s) for s in issued)}); delete it (Format > Hide & Unhide, or the VBA "
                          "editor for a very hidden sheet) and send the workbook again, or ask for the return to be issued again")
    scan(path, max_rows=RETURN_MAX_ROWS)


def issued_by(path: str | Path) -> Issued:
    """What a return workbook records it was issued for (its document properties)."""
    props = _properties(Path(path))
    if props is None:
        raise IngestError(f"{Path(path).name}: not a return workbook issued by perfkit (its file properties do not say so)")
    return Issued.from_properties(props)


def _positions(ws, issued: Issued, names: list[str], where: str, problems: list[str]) -> dict[int, int]:  # noqa: ANN001
    """A workbook of layout 1 or 2 (no row keys): each issued row where it was written."""
    last = ws.max_row
    while last > HEADER_ROW and all(ws.cell(last, c).value in (None, "") for c in range(1, len(names) + 1)):
        last -= 1
    at = {}
    for offset, row in enumerate(range(HEADER_ROW + 1, max(last, HEADER_ROW + len(issued.rows)) + 1)):
        cells = {name: ws.cell(row, column).value for column, name in enumerate(names, start=1)}
        if offset >= len(issued.rows):
            problems.append(f"{where}, row {row}: a row that was not issued (code {cells['indicator']!r}); delete it: to report "
                            "another indicator, add it to the catalogue (params/indicators/) and issue a new return")
        elif all(cells[name] in (None, "") for name in CHECKED):
            code, label = issued.rows[offset]
            problems.append(f"{where}, row {row}: the row issued for {code} {label} was deleted or emptied; use the workbook as issued")
        else:
            at[offset] = row
    return at


def _read_actions(book, issued: Issued, path: Path, problems: list[str]) -> pd.DataFrame:  # noqa: ANN001 - an openpyxl workbook
    """The Actions sheet's rows: each carried action (its code and ref as issued), then the new
    ones the owner added in the blank rows. Structural problems are added to ``problems``."""
    from perfkit.ingest.read import excel_text

    where = f"{path.name}: sheet '{ACTIONS_SHEET}'"
    if ACTIONS_SHEET not in book.sheetnames:
        problems.append(f"{where}: the sheet is missing; use the workbook as issued")
        return pd.DataFrame()
    ws = book[ACTIONS_SHEET]
    names = [n for n, _ in ACTION_SHEET_COLUMNS]
    problems += headings(ws, ACTION_SHEET_COLUMNS, where)
    problems += outside(ws, len(ACTION_SHEET_COLUMNS), None, where)
    codes = list(dict.fromkeys(c for c, _ in issued.rows))
    keyed = issued.keyed and len(issued.action_locked) == len(issued.actions)
    carried = {key: n for n, key in enumerate(issued.actions)}
    records, seen = [], {}
    for offset in range(len(issued.actions) + issued.new_actions):
        row = HEADER_ROW + 1 + offset
        problems += formula_cells({name: ws.cell(row, column) for column, name in enumerate(names, start=1)}, NEW_ACTION_COLUMNS, names,
                                  where, row)
        cells = {name: ws.cell(row, column).value for column, name in enumerate(names, start=1)}
        text = {name: excel_text(cells[name]).strip() for name in names}
        if keyed and text["ref"]:  # a carried action, wherever sorting put it: found by its code and reference
            code, ref = text["indicator"], text["ref"]
            if (code, ref) not in carried or (code, ref) in seen:
                problems.append(f"{where}, row {row}: action {ref} of {code or '(blank)'} was not carried on this return"
                                f"{' or appears twice' if (code, ref) in seen else ''}; use the workbook as issued")
                continue
            seen[(code, ref)] = row
            if fingerprint(cells["action"]) != issued.action_locked[carried[(code, ref)]]:
                problems.append(f"{where}, row {row}, column E (action): the wording is not what was issued for action {ref} of {code}: "
                                "rows were moved or codes retyped, or the wording edited; sort whole rows, every column, or use the "
                                "workbook as issued (the grey cells must not change)")
                continue
        elif not keyed and offset < len(issued.actions):  # layout 2: carried forward in order, code and reference locked
            code, ref = issued.actions[offset]
            if (text["indicator"], text["ref"]) != (code, ref):
                problems.append(f"{where}, row {row}: issued for action {ref} of {code}, but it says {text['ref'] or '(blank)'} of "
                                f"{text['indicator'] or '(blank)'}; put back {code} and {ref} (the grey cells must not change)")
                continue
        else:
            if not any(text[name] for name in NEW_ACTION_COLUMNS):
                continue
            code, ref = text["indicator"].upper(), ""
            if code not in codes:
                problems.append(f"{where}, row {row}, column A (Code): {text['indicator'] or '(blank)'} is not an indicator of this "
                                f"return; choose one of {', '.join(codes)} from the list")
                continue
        records.append({"row": row, "indicator": code, "area_code": issued.area_code, "period": issued.action_period(code), "ref": ref,
                        "action": text["action"], "owner": text["owner"], "due": cells["due"] if isinstance(cells["due"], dt.date) else text["due"],
                        "status": text["status"], "progress": text["progress"]})
    for code, ref in issued.actions if keyed else ():
        if (code, ref) not in seen:
            problems.append(f"{where}: the row carried for action {ref} of {code} was deleted or its code or reference emptied; "
                            "use the workbook as issued")
    for row in range(HEADER_ROW + 1 + len(issued.actions) + issued.new_actions, ws.max_row + 1):
        if any(ws.cell(row, c).value not in (None, "") for c in range(1, len(names) + 1)):
            problems.append(f"{where}, row {row}: a row below the rows issued for new actions; there is room for {issued.new_actions} "
                            "new actions: ask the performance team for another return if you need more")
            break
    return pd.DataFrame(records, columns=["row", "indicator", "area_code", "period", "ref", "action", "owner", "due", "status", "progress"])
