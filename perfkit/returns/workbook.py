"""Return workbooks: what each indicator owner owes for a quarter, sent as XLSX and read back.

``perfkit returns --period P`` writes one workbook per owner and directorate
(``returns/<period>/<directorate>/<owner>.xlsx``): a ``Return`` sheet with a row per
indicator and period due (each month of the quarter for a monthly indicator, the year in
Q4 for an annual one), the pre-filled columns locked, the owner's columns open and
validated; and an ``Instructions`` sheet. The workbook's custom document properties (file
properties, not cells) record the council, period, directorate, owner and the rows issued.

An ``Actions`` sheet carries last period's open actions forward for a progress update and has
blank rows for new ones (:mod:`perfkit.returns.actions_sheet`).

``perfkit ingest`` reads a returned workbook back (:mod:`perfkit.ingest.returned`, which
holds the workbook's contract).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import pandas as pd

from perfkit._version import __version__
from perfkit.atomic import atomic_path, file_sha256, write_text
from perfkit.config.catalogue import Aggregation, Catalogue, Indicator, Unit
from perfkit.contract import STATUSES
from perfkit.errors import ConfigError
from perfkit.ingest.return_sheet import new_issue, row_key
from perfkit.ingest.returned import (
    COLUMNS,
    DATA_SHEET,
    HEADER_ROW,
    HELP_SHEET,
    LOCKED,
    NAMES,
    OWNER_COLUMNS,
    PREFIX,
    WORDS_COLUMNS,
    Issued,
    column_letter,
    locked_digests,
)
from perfkit.periods import Freq, Period, parse_period
from perfkit.returns.actions_sheet import NEW_ROWS, carried_actions, write_actions_sheet
from perfkit.returns.due import due_rows, owner_due, owner_slug, reporting_quarter
from perfkit.spreadsheet import safe_cell

__all__ = ["RECORD", "issued_record", "write_returns", "write_workbook"]

#: In a returns folder: the SHA-256 of each workbook perfkit wrote there, so a filled-in one is never overwritten.
RECORD = ".perfkit-returns.json"

WIDTHS = {"indicator": 16, "title": 34, "definition": 44, "headline": 34, "commentary": 50, "note": 24}
POLARITY_WORDS = {"higher": "higher", "lower": "lower", "neutral": "neither (no polarity)"}


def _number_format(ind: Indicator) -> str:
    return "0" if ind.decimals == 0 else "0." + "0" * ind.decimals


def _validations(ws, ind_rows: list[tuple[int, Indicator]]):  # noqa: ANN001, ANN202 - openpyxl worksheet
    """Excel data validation on the owner's cells: status from the list, numbers only,
    percentages 0 to 100, counts whole and not negative (and, for a rate, asked for: its
    counts are required)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    letter = {name: column_letter(NAMES.index(name) + 1) for name in NAMES}
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
    counts = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=False, showErrorMessage=True,
                            errorTitle="Count", error="A count is a whole number, 0 or more.", showInputMessage=True, promptTitle="Required",
                            prompt="This rate is worked out from its counts: give the numerator and denominator with the value.")
    for dv in (status, whole, percent, positive, anything, counts):
        ws.add_data_validation(dv)
    for row, ind in ind_rows:
        status.add(f"{letter['status']}{row}")
        rate = counts if ind.aggregation is Aggregation.RATE else whole  # a rate's counts are required (ingest refuses a row without them)
        rate.add(f"{letter['numerator']}{row}")
        rate.add(f"{letter['denominator']}{row}")
        if ind.unit is Unit.PERCENT:
            percent.add(f"{letter['value']}{row}")
        elif ind.unit is Unit.COUNT:
            whole.add(f"{letter['value']}{row}")
        elif ind.unit.bounds[0] == 0:
            positive.add(f"{letter['value']}{row}")
        else:
            anything.add(f"{letter['value']}{row}")


def _stored(store: Path, area: str, codes: list[str]) -> tuple[dict[tuple[str, str], float], dict[tuple[str, str], int]]:
    """The stored values of ``codes`` for ``area``, and the batch each stored row came from, by
    (indicator, period label): a workbook records the batches, so a later revision is not undone."""
    from perfkit.store.store import Store

    if not store.exists() or not codes:
        return {}, {}
    with Store(store, read_only=True) as db:
        rows = db.observations(codes, [area])
    live = rows[rows["status"].isin(["ok", "provisional"])]
    batches = {(r.indicator, r.period.label): int(r.batch_id) for r in rows.itertuples()}
    return {(r.indicator, r.period.label): r.value for r in live.itertuples()}, batches


def write_workbook(path: Path, issued: Issued, catalogue: Catalogue, values: dict[tuple[str, str], float], area_name: str,
                   contact: str, carried: pd.DataFrame | None = None, deputy: dict | None = None) -> Path:
    """Write one owner's return workbook to ``path`` (atomically); ``carried`` are the actions
    :func:`perfkit.returns.actions_sheet.carried_actions` found, as ``issued.actions`` lists them;
    ``deputy`` (name, email), from ``params/owners.yaml``, may return it for the owner."""
    from openpyxl import Workbook
    from openpyxl.packaging.custom import StringProperty
    from openpyxl.styles import Alignment, Font, PatternFill, Protection

    if not issued.issue:
        issued = replace(issued, issue=new_issue())
    book = Workbook()
    ws = book.active
    ws.title = DATA_SHEET
    due = f"{issued.due:%A %-d %B %Y}" if issued.due else "the date the performance team gives"
    ws["A1"] = safe_cell(f"{issued.council}: performance return for {issued.period.label} ({issued.period.span})")
    ws["A1"].font = Font(bold=True, size=14)
    by = f" (or their deputy, {deputy['name']})" if deputy else ""
    ws["A2"] = safe_cell(f"Owner: {issued.owner}{by}. Directorate: {issued.directorate}. Due by {due}.")
    ws["A3"] = "Fill in the white cells only; the grey cells are filled in by perfkit and locked. See the Instructions sheet."
    grey, bold = PatternFill("solid", fgColor="E7E6E6"), Font(bold=True)
    for column, (_name, heading) in enumerate(COLUMNS, start=1):
        cell = ws.cell(HEADER_ROW, column, heading)
        cell.font, cell.alignment = bold, Alignment(wrap_text=True, vertical="top")
    ind_rows, locked = [], []
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
            "key": row_key(code, issued.area_code, label, issued.issue),
        }
        words_row = (code, label) in issued.words_rows  # a monthly indicator's row for the quarter: the owner's words, no figures
        if words_row:  # no earlier figures to compare: the months' rows above carry them
            cells.update(previous_period=None, last_year_period=None)
        open_here = WORDS_COLUMNS if words_row else [c for c in OWNER_COLUMNS if c not in WORDS_COLUMNS or ind.freq is not Freq.MONTH]
        for column, name in enumerate(NAMES, start=1):
            cell = ws.cell(row, column, safe_cell(cells.get(name)))
            if name in open_here:
                cell.protection = Protection(locked=False)
            else:
                cell.fill = grey
            if name in ("target", "previous_value", "last_year_value", "value"):
                cell.number_format = _number_format(ind)
            if name in ("definition", "headline", "commentary", "title"):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        locked.append(locked_digests({name: ws.cell(row, NAMES.index(name) + 1).value for name in LOCKED}))
        if not words_row:
            ind_rows.append((row, ind))
        # spreadsheets do not size rows to wrapped text they did not wrap themselves: give the height
        lines = max(-(-len(ind.definition) // (WIDTHS["definition"] - 2)), -(-len(ind.title) // (WIDTHS["title"] - 2)), 1)
        ws.row_dimensions[row].height = 15 * lines + 3
    _validations(ws, ind_rows)
    for column, name in enumerate(NAMES, start=1):
        ws.column_dimensions[column_letter(column)].width = WIDTHS.get(name, 13)
    ws.column_dimensions[column_letter(NAMES.index("key") + 1)].hidden = True  # the row key: sorted with its row, read by ingest
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
        ("numerator and denominator: for a percentage or rate, the two counts it is worked out from (whole numbers); required where "
         "the paper works the figure out from them (perfkit refuses a rate's row without them).", False),
        ("status: leave blank (ok) or choose provisional (may change), suppressed (withheld, a small number) or missing (with the reason in note).", False),
        ("note: why a figure is provisional, suppressed or missing.", False),
        ("headline: one short sentence (at most 150 characters) on the figure, which page 1 of the paper prints as it is.", False),
        ("commentary: what the figure shows and why, in plain words, for the committee. Required where the figure is red or amber.", False),
        (f"A monthly indicator has a row for each month (figures only) and a row for {issued.period.label} (headline and commentary "
         "only): the committee paper prints the quarter's figure, so write the words about the quarter, not one month.", False),
        ("Actions (sheet 'Actions'): last period's open actions, to update with this period's status and progress, and blank rows "
         "for new actions: what will be done, who owns it, the due date and its status. Required where a figure is red or amber.", False),
        ("", False),
        ("Please do not:", True),
        ("rename or delete sheets, columns or rows; edit the grey cells; add rows; or type formulas. perfkit refuses a changed workbook.", False),
        ("A row left wholly blank is recorded as 'not returned' and the performance team will chase it.", False),
        ("You may sort or filter the rows (whole rows): each carries a hidden key, so every figure is read against its own indicator.", False),
        ("Sending the workbook again? Only what you changed is stored: a blank cell keeps what was sent before. Type clear in a note, "
         "headline or commentary to remove it.", False),
    ]
    for number, (text, strong) in enumerate(lines, start=1):
        cell = help_.cell(number, 1, safe_cell(text))
        cell.font, cell.alignment = Font(bold=strong), Alignment(wrap_text=True, vertical="top")
        help_.row_dimensions[number].height = 15 * max(1, -(-len(text) // 95)) + 2
    help_.column_dimensions["A"].width = 100
    help_.page_setup.paperSize = help_.PAPERSIZE_A4
    help_.sheet_properties.pageSetUpPr.fitToPage = True
    help_.page_setup.fitToWidth, help_.page_setup.fitToHeight = 1, 0
    wording = write_actions_sheet(book, issued, catalogue, carried if carried is not None else pd.DataFrame(columns=["indicator", "ref"]))
    issued = replace(issued, locked=tuple(locked), action_locked=wording)
    for name, value in issued.properties().items():
        book.custom_doc_props.append(StringProperty(name=PREFIX + name, value=value or "-"))
    book.properties.title = f"Performance return {issued.period.label}: {issued.owner}"
    book.properties.creator = f"perfkit {__version__}"
    with atomic_path(path) as tmp:
        book.save(tmp)
    return path


def _issued_rows(rows, catalogue: Catalogue, quarter: Period) -> tuple[tuple[str, str], ...]:  # noqa: ANN001 - due rows
    """The rows a workbook issues, in order: each figure due, and after a monthly indicator's
    months a row for the quarter's headline and commentary."""
    out = []
    for code, group in rows.groupby("indicator", sort=False):
        out += [(code, p.label) for p in group["period"]]
        if catalogue[code].freq is Freq.MONTH:
            out.append((code, quarter.label))
    return tuple(out)


def write_returns(root, period: str | Period, slugs: Iterable[str] | None = None, out: str | Path | None = None,
                  store: str | Path | None = None, force: bool = False) -> list[Path]:  # noqa: ANN001 - a project root
    """Write every owner's return workbook for ``period``; return their paths.

    A workbook already in the folder is replaced only if it is byte for byte what perfkit
    issued there (its SHA-256 is recorded in the folder's ``.perfkit-returns.json``): one an
    owner filled in, or anyone else's file of that name, refuses the whole run (nothing is
    written) unless ``force``, when it is kept beside the new one as ``<name>.replaced-<time>.xlsx``.
    ``out`` follows ``perfkit build``'s folder rules (:class:`perfkit.outputs.OutputFolder`)."""
    from perfkit.config.council import load_council
    from perfkit.config.papers import load_owners, project_params
    from perfkit.config.project import project
    from perfkit.outputs import OutputFolder

    proj = project(root=root, store=store)
    params = project_params(proj)
    council = load_council(proj.params)
    quarter = reporting_quarter(period)
    owed = due_rows(params, quarter, slugs)
    if owed.empty:
        named = ", ".join(slugs) if slugs else "any directorate"
        raise ConfigError(f"no indicator of {named} is due from an owner for {quarter.label} (the catalogue, params/indicators/, gives "
                          "each indicator's owner and frequency): there is no return to write")
    owners = load_owners(proj.params, params.catalogue)
    values, batches = _stored(proj.store, council.area_code, sorted(owed["indicator"].unique()))
    guard = OutputFolder(Path(out)) if out else None  # --out: an empty folder or one perfkit made, as for build
    folder = guard.path if guard else proj.root / "returns" / quarter.slug
    plan = []
    for (slug, owner), rows in owed.groupby(["directorate", "owner"], sort=False):
        names = {p.name for s, _o, p, *_ in plan if s == slug}
        name, number = f"{owner_slug(owner)}.xlsx", 1
        while name in names:  # two owners whose names make the same file name: the second gets a suffix
            number += 1
            name = f"{owner_slug(owner)}-{number}.xlsx"
        plan.append((slug, owner, folder / slug / name, rows))
    record = issued_record(folder)
    kept = [path for _s, _o, path, _r in plan if path.exists() and record.get(_relative(folder, path)) != file_sha256(path)]
    if kept and not force:
        shown = ", ".join(_relative(folder, p) for p in kept[:5]) + (", ..." if len(kept) > 5 else "")
        raise ConfigError(f"{folder}: {len(kept)} workbook(s) there differ from what perfkit issued (an owner's return, or another file of "
                          f"that name): {shown}; nothing was written. Import the returns first, write to another folder with --out, "
                          "or add --force to issue new workbooks (each old one is kept beside it as <name>.replaced-<time>.xlsx)")
    with guard.building() if guard else contextlib.nullcontext():
        return _write_planned(plan, folder, kept, record, proj, params, council, quarter, owners, values, batches)


def _write_planned(plan, folder: Path, kept: list[Path], record: dict, proj, params, council, quarter: Period, owners: dict,  # noqa: ANN001
                   values: dict, batches: dict) -> list[Path]:
    """Write each planned workbook, keeping a workbook an owner filled in (``kept``) beside its replacement."""
    calendar = params.catalogue.calendar
    written = []
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    for slug, owner, path, rows in plan:
        directorate = params.directorate(slug)
        issued_rows = _issued_rows(rows, params.catalogue, quarter)
        carried = carried_actions(proj.store, council.area_code, issued_rows)
        due = owner_due(owners.get(owner, {}), quarter, calendar.due_for(quarter) if calendar else None)
        issued = Issued(council.name, council.area_code, quarter, directorate.name, owner, issued_rows, due,
                        tuple(zip(carried["indicator"], carried["ref"])), NEW_ROWS, issue=new_issue(),
                        stored=tuple(batches.get(r, 0) for r in issued_rows))
        contact = f"{directorate.contact.name}, {directorate.contact.role} ({directorate.contact.email})" if directorate.contact else "the performance team"
        if path in kept:
            path.replace(path.with_name(f"{path.stem}.replaced-{stamp}{path.suffix}"))
        written.append(write_workbook(path, issued, params.catalogue, values, council.area_name, contact, carried,
                                      deputy=owners.get(owner, {}).get("deputy")))
        record[_relative(folder, path)] = file_sha256(path)
        write_text(folder / RECORD, json.dumps(record, indent=1, sort_keys=True) + "\n")
    return written


def _relative(folder: Path, path: Path) -> str:
    return path.relative_to(folder).as_posix()


def issued_record(folder: Path) -> dict[str, str]:
    """What perfkit wrote in a returns folder: {workbook's path in the folder: its SHA-256}."""
    try:
        found = json.loads((folder / RECORD).read_text(encoding="utf-8"))
        return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}
    except (OSError, ValueError):
        return {}


