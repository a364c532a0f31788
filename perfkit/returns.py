"""Return workbooks: what each indicator owner owes for a quarter, sent as XLSX and read back.

``perfkit returns --period P`` writes one workbook per owner and directorate
(``returns/<period>/<directorate>/<owner>.xlsx``): a ``Return`` sheet with a row per
indicator and period due (each month of the quarter for a monthly indicator, the year in
Q4 for an annual one), the pre-filled columns locked, the owner's columns open and
validated; and an ``Instructions`` sheet. The workbook's custom document properties (file
properties, not cells) record the council, period, directorate, owner and the rows issued.

``perfkit ingest`` reads a returned workbook as it is (:func:`read_return`): rows the owner
left blank are "not returned", anything else goes through the usual checks. A workbook
whose structure was changed is refused, naming the sheet, row, column and fix.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from perfkit._version import __version__
from perfkit.atomic import atomic_path
from perfkit.catalogue import Catalogue, Indicator, Unit
from perfkit.contract import STATUSES
from perfkit.errors import ConfigError, IngestError
from perfkit.periods import Freq, Period, parse_period
from perfkit.spreadsheet import safe_cell

__all__ = ["DATA_SHEET", "COLUMNS", "OWNER_COLUMNS", "due_rows", "is_return", "owner_slug", "read_return", "write_returns"]

DATA_SHEET, HELP_SHEET = "Return", "Instructions"
HEADER_ROW = 4  # rows 1 to 3: the council, the period, the owner and due date
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
    ("commentary", "commentary"),
    ("actions", "actions"),
]
NAMES = [name for name, _ in COLUMNS]
#: The columns an owner fills in (unlocked); every other column is pre-filled and locked.
OWNER_COLUMNS = ["value", "numerator", "denominator", "status", "note", "commentary", "actions"]
#: Locked columns checked against what was issued (the rest are ignored on reading).
CHECKED = ["indicator", "area_code", "period"]
_PREFIX = "perfkit_"
WIDTHS = {"indicator": 16, "title": 34, "definition": 44, "commentary": 50, "actions": 40, "note": 24}
POLARITY_WORDS = {"higher": "higher", "lower": "lower", "neutral": "neither (no polarity)"}


def owner_slug(owner: str) -> str:
    """A file name for an owner: 'Head of Early Help and Assessment' -> 'head-of-early-help-and-assessment'."""
    return re.sub(r"[^a-z0-9]+", "-", owner.lower()).strip("-") or "owner"


def periods_due(ind: Indicator, quarter: Period) -> list[Period]:
    """The periods of ``ind`` a return for ``quarter`` asks for: its months, the quarter, or
    (in Q4) the financial year."""
    if ind.freq is Freq.YEAR:
        return [quarter.financial_year] if quarter.financial_year.quarters()[-1] == quarter else []
    return quarter.subperiods(ind.freq)


def reporting_quarter(period: str | Period) -> Period:
    """``period`` as the quarter returns are collected for; a clear error for anything else."""
    when = period if isinstance(period, Period) else parse_period(period)
    if when.freq is not Freq.QUARTER:
        raise ConfigError(f"returns are collected for a quarter, such as '2026/27 Q1'; {when.label!r} is a {when.freq.value}")
    return when


def due_rows(params, quarter: Period, slugs: Iterable[str] | None = None) -> pd.DataFrame:  # noqa: ANN001 - ReportParams
    """Every row owed for ``quarter``: directorate (slug), owner, indicator and period, in
    directorate and catalogue order."""
    rows = []
    for slug in slugs or params.directorates:
        directorate = params.directorate(slug)
        for code in params.indicators_of(directorate.slug):
            ind = params.catalogue[code]
            rows += [(directorate.slug, directorate.name, ind.owner, code, p) for p in periods_due(ind, quarter)]
    return pd.DataFrame(rows, columns=["directorate", "directorate_name", "owner", "indicator", "period"])


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

    def properties(self) -> dict[str, str]:
        return {
            "return": "1", "perfkit_version": __version__, "council": self.council, "area_code": self.area_code,
            "period": self.period.label, "directorate": self.directorate, "owner": self.owner,
            "rows": ";".join(f"{c}|{p}" for c, p in self.rows), "due": self.due.isoformat() if self.due else "",
        }

    @classmethod
    def from_properties(cls, props: dict[str, str]) -> Issued:
        rows = tuple(tuple(item.split("|", 1)) for item in props.get("rows", "").split(";") if "|" in item)
        due = dt.date.fromisoformat(props["due"]) if props.get("due") else None
        return cls(props.get("council", ""), props.get("area_code", ""), parse_period(props["period"]), props.get("directorate", ""),
                   props.get("owner", ""), rows, due)  # type: ignore[arg-type]


# ----- writing ---------------------------------------------------------------------------
def _number_format(ind: Indicator) -> str:
    return "0" if ind.decimals == 0 else "0." + "0" * ind.decimals


def _validations(ws, ind_rows: list[tuple[int, Indicator]]):  # noqa: ANN001, ANN202 - openpyxl worksheet
    """Excel data validation on the owner's cells: status from the list, numbers only,
    percentages 0 to 100, counts whole and not negative."""
    from openpyxl.worksheet.datavalidation import DataValidation

    letter = {name: _letter(NAMES.index(name) + 1) for name in NAMES}
    status = DataValidation(type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=True, showErrorMessage=True,
                            errorTitle="Status", error="Choose ok, provisional, suppressed or missing (or leave it blank for ok).")
    whole = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True, showErrorMessage=True,
                           errorTitle="Count", error="A count is a whole number, 0 or more.")
    percent = DataValidation(type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True, showErrorMessage=True,
                             errorTitle="Percentage", error="A percentage is a number from 0 to 100 (type 85.5 for 85.5%).")
    positive = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True, showErrorMessage=True,
                              errorTitle="Number", error="Type a number, 0 or more, without units or commas.")
    anything = DataValidation(type="decimal", operator="between", formula1="-1E+300", formula2="1E+300", allow_blank=True,
                              showErrorMessage=True, errorTitle="Number", error="Type a number, without units or commas.")
    for dv in (status, whole, percent, positive, anything):
        ws.add_data_validation(dv)
    for row, ind in ind_rows:
        status.add(f"{letter['status']}{row}")
        whole.add(f"{letter['numerator']}{row}")
        whole.add(f"{letter['denominator']}{row}")
        if ind.unit is Unit.PERCENT:
            percent.add(f"{letter['value']}{row}")
        elif ind.unit is Unit.COUNT:
            whole.add(f"{letter['value']}{row}")
        elif ind.unit.bounds[0] == 0:
            positive.add(f"{letter['value']}{row}")
        else:
            anything.add(f"{letter['value']}{row}")


def _letter(number: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(number)


def _stored(store: Path, area: str, codes: list[str]) -> dict[tuple[str, str], float]:
    """The stored values of ``codes`` for ``area``, by (indicator, period label)."""
    from perfkit.store import Store

    if not store.exists() or not codes:
        return {}
    with Store(store, read_only=True) as db:
        rows = db.observations(codes, [area])
    live = rows[rows["status"].isin(["ok", "provisional"])]
    return {(r.indicator, r.period.label): r.value for r in live.itertuples()}


def write_workbook(path: Path, issued: Issued, catalogue: Catalogue, values: dict[tuple[str, str], float], area_name: str,
                   contact: str) -> Path:
    """Write one owner's return workbook to ``path`` (atomically)."""
    from openpyxl import Workbook
    from openpyxl.packaging.custom import StringProperty
    from openpyxl.styles import Alignment, Font, PatternFill, Protection

    book = Workbook()
    ws = book.active
    ws.title = DATA_SHEET
    due = f"{issued.due:%A %-d %B %Y}" if issued.due else "the date the performance team gives"
    ws["A1"] = safe_cell(f"{issued.council}: performance return for {issued.period.label} ({issued.period.span})")
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = safe_cell(f"Owner: {issued.owner}. Directorate: {issued.directorate}. Due by {due}.")
    ws["A3"] = "Fill in the white cells only; the grey cells are filled in by perfkit and locked. See the Instructions sheet."
    grey, bold = PatternFill("solid", fgColor="E7E6E6"), Font(bold=True)
    for column, (_name, heading) in enumerate(COLUMNS, start=1):
        cell = ws.cell(HEADER_ROW, column, heading)
        cell.font, cell.alignment = bold, Alignment(wrap_text=True, vertical="top")
    ind_rows = []
    for offset, (code, label) in enumerate(issued.rows):
        row = HEADER_ROW + 1 + offset
        ind, period = catalogue[code], parse_period(label)
        target = ind.target_for(period)
        before, last_year = period.prev(), period.same_period_last_year()
        cells = {
            "indicator": code, "title": ind.title, "definition": ind.definition, "unit": ind.unit.value,
            "polarity": POLARITY_WORDS[ind.polarity.value], "target": target.value if target else None,
            "previous_period": before.label, "previous_value": values.get((code, before.label)),
            "last_year_period": last_year.label, "last_year_value": values.get((code, last_year.label)),
            "area_code": issued.area_code, "area_name": area_name, "period": label,
        }
        for column, name in enumerate(NAMES, start=1):
            cell = ws.cell(row, column, safe_cell(cells.get(name)))
            if name in OWNER_COLUMNS:
                cell.protection = Protection(locked=False)
            else:
                cell.fill = grey
            if name in ("target", "previous_value", "last_year_value", "value"):
                cell.number_format = _number_format(ind)
            if name in ("definition", "commentary", "actions", "title"):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        ind_rows.append((row, ind))
        # spreadsheets do not size rows to wrapped text they did not wrap themselves: give the height
        lines = max(-(-len(ind.definition) // (WIDTHS["definition"] - 2)), -(-len(ind.title) // (WIDTHS["title"] - 2)), 1)
        ws.row_dimensions[row].height = 15 * lines + 3
    _validations(ws, ind_rows)
    for column, name in enumerate(NAMES, start=1):
        ws.column_dimensions[_letter(column)].width = WIDTHS.get(name, 13)
    ws.row_dimensions[HEADER_ROW].height = 32
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 3)
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # owners may widen columns and rows
    ws.protection.formatRows = False
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation, ws.page_setup.paperSize = "landscape", ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # printed: every column on one page's width
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0

    help_ = book.create_sheet(HELP_SHEET)
    lines = [
        (f"{issued.council}: performance return", True),
        (f"Period: {issued.period.label} ({issued.period.span}). Owner: {issued.owner}. Directorate: {issued.directorate}.", False),
        (f"Return it by {due}, to {contact}.", True),
        ("", False),
        ("What to fill in (sheet 'Return', white cells):", True),
        ("value: the figure for the period, in the unit shown (a percentage as 85.5, not 0.855 or 85.5%).", False),
        ("numerator and denominator: for a percentage or rate, the two counts it is worked out from (whole numbers).", False),
        ("status: leave blank (ok) or choose provisional (may change), suppressed (withheld, a small number) or missing (with the reason in note).", False),
        ("note: why a figure is provisional, suppressed or missing.", False),
        ("commentary: what the figure shows and why, in plain words, for the committee. Required where the figure is red or amber.", False),
        ("actions: what is being done, by whom and by when.", False),
        ("", False),
        ("Please do not:", True),
        ("rename or delete sheets, columns or rows; edit the grey cells; add rows; or type formulas. perfkit refuses a changed workbook.", False),
        ("A row left wholly blank is recorded as 'not returned' and the performance team will chase it.", False),
    ]
    for number, (text, strong) in enumerate(lines, start=1):
        cell = help_.cell(number, 1, safe_cell(text))
        cell.font, cell.alignment = Font(bold=strong), Alignment(wrap_text=True, vertical="top")
        help_.row_dimensions[number].height = 15 * max(1, -(-len(text) // 95)) + 2
    help_.column_dimensions["A"].width = 100
    help_.page_setup.paperSize = help_.PAPERSIZE_A4
    help_.sheet_properties.pageSetUpPr.fitToPage = True
    help_.page_setup.fitToWidth, help_.page_setup.fitToHeight = 1, 0
    for name, value in issued.properties().items():
        book.custom_doc_props.append(StringProperty(name=_PREFIX + name, value=value or "-"))
    book.properties.title = f"Performance return {issued.period.label}: {issued.owner}"
    book.properties.creator = f"perfkit {__version__}"
    with atomic_path(path) as tmp:
        book.save(tmp)
    return path


def write_returns(root, period: str | Period, slugs: Iterable[str] | None = None, out: str | Path | None = None,
                  store: str | Path | None = None) -> list[Path]:  # noqa: ANN001 - a project root
    """Write every owner's return workbook for ``period``; return their paths."""
    from perfkit.council import load_council
    from perfkit.params import load_params
    from perfkit.paths import project

    proj = project(root=root, store=store)
    params = load_params(proj.params, proj.notebook_folders[0])
    council = load_council(proj.params)
    quarter = reporting_quarter(period)
    owed = due_rows(params, quarter, slugs)
    values = _stored(proj.store, council.area_code, sorted(owed["indicator"].unique()))
    calendar = params.catalogue.calendar
    folder = Path(out) if out else proj.root / "returns" / quarter.slug
    written = []
    for (slug, owner), rows in owed.groupby(["directorate", "owner"], sort=False):
        directorate = params.directorate(slug)
        issued = Issued(council.name, council.area_code, quarter, directorate.name, owner,
                        tuple((r.indicator, r.period.label) for r in rows.itertuples()), calendar.due_for(quarter) if calendar else None)
        contact = f"{directorate.contact.name}, {directorate.contact.role} ({directorate.contact.email})" if directorate.contact else "the performance team"
        written.append(write_workbook(folder / slug / f"{owner_slug(owner)}.xlsx", issued, params.catalogue, values, council.area_name, contact))
    return written


# ----- reading ---------------------------------------------------------------------------
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
        if name.startswith(_PREFIX):
            found[name[len(_PREFIX):]] = "".join(prop.itertext())
    return found if found.get("return") else None


def is_return(path: str | Path) -> bool:
    """Whether ``path`` is a return workbook perfkit issued."""
    path = Path(path)
    return path.suffix.lower() in (".xlsx", ".xlsm") and path.is_file() and _properties(path) is not None


def read_return(path: str | Path, expect_period: Period | None = None) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """A returned workbook's rows as canonical text cells (``row`` is the sheet's row), and notes.

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

    from perfkit.ingest.read import _check_packed_sizes, _excel_text

    path = Path(path)
    props = _properties(path)
    if props is None:
        raise IngestError(f"{path.name}: not a return workbook issued by perfkit (its file properties do not say so)")
    issued = Issued.from_properties(props)
    if expect_period is not None and issued.period != expect_period:
        raise IngestError(f"{path.name}: this is the return for {issued.period.label}, not {expect_period.label}; "
                          f"import the workbook issued for {expect_period.label} (perfkit returns --period '{expect_period.label}')")
    _check_packed_sizes(path)
    book = openpyxl.load_workbook(path, data_only=False)
    problems: list[str] = []
    where = f"{path.name}: sheet '{DATA_SHEET}'"
    if DATA_SHEET not in book.sheetnames:
        raise IngestError(f"{path.name}: there is no sheet '{DATA_SHEET}' (found: {', '.join(repr(s) for s in book.sheetnames)}); "
                          f"rename the sheet back to '{DATA_SHEET}'")
    ws = book[DATA_SHEET]
    width = max(ws.max_column, len(COLUMNS))
    for column in range(1, width + 1):
        found = ws.cell(HEADER_ROW, column).value
        expected = COLUMNS[column - 1][1] if column <= len(COLUMNS) else None
        if (str(found).strip() if found is not None else None) != expected:
            shown = f"{found!r}" if found is not None else "blank"
            wanted = f"'{expected}'" if expected else "nothing (the last column is 'actions')"
            problems.append(f"{where}, row {HEADER_ROW}, column {_letter(column)}: heading {shown}, expected {wanted}; "
                            "columns must not be deleted, renamed, moved or added: use the workbook as issued")
    if problems:
        raise IngestError("\n".join([f"{path.name}: nothing was imported: the workbook's columns were changed", *problems[:25]]))
    last = ws.max_row
    while last > HEADER_ROW and all(ws.cell(last, c).value in (None, "") for c in range(1, len(COLUMNS) + 1)):
        last -= 1
    records, blank = [], 0
    for offset, row in enumerate(range(HEADER_ROW + 1, max(last, HEADER_ROW + len(issued.rows)) + 1)):
        cells = {name: ws.cell(row, column).value for column, name in enumerate(NAMES, start=1)}
        if offset >= len(issued.rows):
            problems.append(f"{where}, row {row}: a row that was not issued (code {cells['indicator']!r}); delete it: to report "
                            "another indicator, add it to the catalogue (params/indicators/) and issue a new return")
            continue
        code, label = issued.rows[offset]
        if all(cells[name] in (None, "") for name in CHECKED):
            problems.append(f"{where}, row {row}: the row issued for {code} {label} was deleted or emptied; use the workbook as issued")
            continue
        expected = {"indicator": code, "period": label, "area_code": issued.area_code}
        for name in CHECKED:
            if _excel_text(cells[name]).strip() != expected[name]:
                column = _letter(NAMES.index(name) + 1)
                problems.append(f"{where}, row {row}, column {column} ({name}): {_excel_text(cells[name])!r}, but this row was "
                                f"issued for {expected[name]!r}; put back {expected[name]!r} (the grey cells must not change)")
        for name in OWNER_COLUMNS:
            value = cells[name]
            if isinstance(value, str) and value.startswith("=") or type(value).__name__ in ("ArrayFormula", "DataTableFormula"):
                column = _letter(NAMES.index(name) + 1)
                problems.append(f"{where}, row {row}, column {column} ({name}): holds a formula ({str(value)[:40]}); "
                                "type the figure itself (copy, then paste as values)")
        owner = {name: _excel_text(cells[name]).strip() for name in OWNER_COLUMNS}
        if not any(owner.values()):
            blank += 1
            continue
        records.append({"row": row, "indicator": code, "area_code": issued.area_code, "area_name": _excel_text(cells["area_name"]),
                        "period": label, **{name: _excel_text(cells[name]) for name in OWNER_COLUMNS}})
    if problems:
        raise IngestError("\n".join([f"{path.name}: nothing was imported: the workbook was changed from what was issued", *problems[:25],
                                     *([f"  ... and {len(problems) - 25} more"] if len(problems) > 25 else [])]))
    notes = (f"{path.name}: {blank} of {len(issued.rows)} row(s) left blank, so not returned (perfkit check lists them for chasing)",) if blank else ()
    frame = pd.DataFrame(records, columns=["row", "indicator", "area_code", "area_name", "period", *OWNER_COLUMNS])
    return frame, notes
