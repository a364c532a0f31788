"""Import data files into the store: read, validate, then write all or nothing.

``perfkit ingest FILE...`` calls :func:`ingest`; so can a notebook.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import pandas as pd

from perfkit._version import __version__
from perfkit.atomic import atomic_path, file_sha256
from perfkit.config.catalogue import Catalogue
from perfkit.errors import IngestError
from perfkit.ingest.actions import (
    check_actions,
    is_actions_file,
    read_actions_file,
    stage_actions,
)
from perfkit.ingest.changeset import Change, apply_return, return_source
from perfkit.ingest.denominators import from_store
from perfkit.ingest.read import stage_frame, stage_table, unstage
from perfkit.ingest.receipt import receipt_summary, write_receipt
from perfkit.ingest.returned import (
    DATA_SHEET,
    Issued,
    is_return,
    issued_by,
    read_return,
)
from perfkit.ingest.sources import SourceMapping, apply_mapping
from perfkit.ingest.validate import PROBLEM_COLUMNS, Checked, Problem, check, drop
from perfkit.periods import Period
from perfkit.store.store import BatchResult, Store

__all__ = ["IngestReport", "Problem", "ingest", "MAX_SHOWN", "MAX_KEPT"]

#: How many problems an error message lists before it says how many more there are.
MAX_SHOWN = 25
#: How many problems an IngestError carries as Problem objects (the message gives the total;
#: --skip-invalid writes every rejected row to <file>.rejected.csv).
MAX_KEPT = 10_000
#: DuckDB's memory limit while importing (``PERFKIT_MEMORY_LIMIT`` overrides); beyond it
#: the staged rows spill to ``<store>.tmp/``, so a file of any size imports in bounded memory.
MEMORY_LIMIT = "1GB"


@dataclass(frozen=True)
class IngestReport:
    """What happened to one file."""

    path: Path
    result: BatchResult
    rejects_path: Path | None = None
    notes: tuple[str, ...] = ()  # what was changed on the way in (e.g. control characters removed)
    flagged: int = 0  # rows stored as published with a quality flag (counts_disagree)


def _problem_list(problems: pd.DataFrame) -> list[Problem]:
    return [Problem(*row) for row in problems[PROBLEM_COLUMNS].itertuples(index=False)]


def _error(con: duckdb.DuckDBPyConnection, found: list[Checked]) -> IngestError:
    bad = [c for c in found if c.problems]
    total, rows = sum(c.problems for c in bad), sum(c.rows for c in bad)
    kept = pd.concat([c.first(con, MAX_KEPT) for c in bad], ignore_index=True).head(MAX_KEPT)
    lines = [f"nothing was imported: {rows} row(s) in {len(bad)} file(s) have problems"]
    lines += [f"  {p}" for p in _problem_list(kept.head(MAX_SHOWN))]
    if total > MAX_SHOWN:
        lines.append(f"  ... and {total - MAX_SHOWN} more problem(s)")
    lines.append("Fix the rows and import again, or use --skip-invalid to import the valid rows and save the rest to data/rejected/<file>.rejected.csv")
    return IngestError("\n".join(lines), _problem_list(kept))


def _write_rejects(con: duckdb.DuckDBPyConnection, path: Path, raw: str, found: Checked, folder: Path) -> Path:
    """Save the rejected rows in ``folder``, before anything is stored: rows that are
    neither stored nor saved would be lost."""
    target = folder / f"{path.stem}.rejected.csv"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with atomic_path(target) as tmp:
            found.write_rejects(con, raw, str(tmp))
    except (OSError, duckdb.Error) as exc:
        reason = getattr(exc, "strerror", None) or str(exc).splitlines()[0]
        raise IngestError(
            f"{path.name}: nothing was imported: its {found.rows} rejected row(s) could not be saved to {target} ({reason}); "
            "make that folder writable (or choose another with --rejects DIR) and import again"
        ) from None
    return target


def _stage(con: duckdb.DuckDBPyConnection, path: Path, table: str, mapping: SourceMapping | None,
           period: Period | None) -> tuple[pd.DataFrame | None, tuple[str, ...], pd.DataFrame | None, pd.DataFrame | None]:
    """Put ``path``'s text cells in ``table``; return the area attributes a mapping found,
    notes (a return workbook's rows left blank), a return's action rows as text cells and the
    source rows a mapping refused as a whole (joint returns). (A return workbook is staged by
    :func:`_stage_return`.)"""
    if mapping is None or mapping.layout == "canonical":
        return None, stage_table(con, path, table), None, None
    raw, attributes, refused = apply_mapping(path, mapping)
    notes = []
    for ind in mapping.indicators:  # a rate of a figure already stored (e.g. the child population)
        if ind.denominator_from and ind.denominator_from.indicator:
            raw, note = from_store(con, raw, ind.code, ind.denominator_from.indicator, path)
            notes += [note] if note else []
    stage_frame(con, raw, table)
    return attributes, tuple(notes), None, refused


def _stage_return(con: duckdb.DuckDBPyConnection, path: Path, table: str, period: Period | None, catalogue: Catalogue,
                  revise_published: bool) -> tuple[tuple[str, ...], pd.DataFrame | None, Issued, list[Change]]:
    """Stage a return workbook as a change set on the store (:mod:`perfkit.ingest.changeset`):
    its notes, action rows, what it was issued for and what it does to each row."""
    rows, notes, actions = read_return(path, period)
    issued = issued_by(path)
    rows, changes = apply_return(con, rows, issued, path, catalogue, revise_published)
    stage_frame(con, rows, table)
    return notes, actions, issued, changes


def _refuse_whole_rows(con: duckdb.DuckDBPyConnection, found: Checked, refused: pd.DataFrame | None, file_name: str) -> Checked:
    """A source row refused as a whole (a joint return) has one problem, saying why, in place
    of whatever validation said of its cells; it is a rejected row like any other."""
    if refused is None or refused.empty:
        return found
    con.register("refused_df", refused.assign(file=file_name, seq=-1))
    try:
        con.execute(f"DELETE FROM {found.name}_problems WHERE row IN (SELECT row FROM refused_df)")
        con.execute(f"INSERT INTO {found.name}_problems BY NAME SELECT file, row, \"column\", value, problem, fix, seq FROM refused_df")
        con.execute(f"UPDATE {found.name}_rows SET bad = true WHERE row IN (SELECT row FROM refused_df)")
    finally:
        con.unregister("refused_df")
    total, rows = con.execute(f"SELECT count(*), count(DISTINCT row) FROM {found.name}_problems").fetchall()[0]
    return replace(found, problems=total, rows=rows)


def _return_actions(cells: pd.DataFrame | None, catalogue: Catalogue, path: Path, today: dt.date) -> pd.DataFrame | None:
    """A return's checked action rows; a problem in one refuses the import (the Actions sheet is
    typed by hand and short: it is fixed, not skipped)."""
    if cells is None:
        return None
    actions, problems = check_actions(cells, catalogue, f"{path.name}: sheet 'Actions'", today)
    if len(problems):
        found = [Problem(*p) for p in problems.itertuples(index=False)]
        raise IngestError("\n".join([f"nothing was imported: {len(found)} problem(s) in the Actions sheet of {path.name}",
                                      *(f"  {p}" for p in found[:MAX_SHOWN]), "Fix them in the workbook and import it again"]), found)
    return actions


def ingest(
    paths: Sequence[str | Path],
    store: str | Path,
    catalogue: Catalogue,
    skip_invalid: bool = False,
    today: dt.date | None = None,
    mapping: SourceMapping | None = None,
    rejects: str | Path | None = None,
    period: Period | None = None,
    released: dt.date | None = None,
    revise_published: bool = False,
) -> list[IngestReport]:
    """Validate every file, then write them to the store in one transaction.

    Parameters
    ----------
    paths
        CSV or XLSX files in the canonical layout (see README).
    store
        The DuckDB file; created if absent.
    catalogue
        The indicator catalogue rows are checked against.
    skip_invalid
        Write the valid rows and save each file's rejected rows as ``<name>.rejected.csv``
        in ``rejects``; otherwise one bad row means nothing is written.
    today
        The date a period must have started by (default: today).
    mapping
        A source mapping (``params/sources/*.yaml``) for a published file's own layout;
        without one the files must be in the canonical layout. A published file is kept as
        published: a value that disagrees with its own counts is stored with the flag
        ``counts_disagree`` (unless the mapping says ``strict: true``).
    rejects
        The folder for rejected rows (default: ``rejected/`` beside the store, i.e. the
        project's ``data/rejected/``): never beside the input, which may be a shared folder.
    period
        Refuse a return workbook (``perfkit returns``) issued for another period. A return
        workbook is read as issued (:func:`perfkit.ingest.returned.read_return`): rows its owner
        left blank are not returned, not an error; a changed workbook is refused.
    released
        The publisher's release date of a published file (default: the mapping's ``released:``),
        recorded on each batch: a paper shows a published indicator's latest figure released by
        its meeting date (:mod:`perfkit.assess.latest`). Not after ``today``.
    revise_published
        Let a return workbook change figures of a period already published (refused otherwise).

    A return workbook is a change set (:mod:`perfkit.ingest.changeset`): a blank cell keeps what
    is stored. Each gets a receipt, ``<name>.receipt.txt`` beside it (what was stored, or why
    nothing was), whose summary is among the report's notes.

    Raises
    ------
    IngestError
        Listing every problem (file, row, column, value, why, fix) when any row is bad
        and ``skip_invalid`` is off. The store is unchanged (and not created if absent).

    Files are read and checked in DuckDB beside the store (temporary tables, spilled to
    disk beyond DuckDB's memory limit), so a file of millions of rows never becomes
    Python objects.
    """
    store = Path(store)
    released = released or (mapping.released if mapping else None)
    if released is not None and released > (today or dt.date.today()):
        where = "--released" if mapping is None or mapping.released != released else f"the mapping {mapping.name!r}, key 'released'"
        raise IngestError(f"{where}: {released:%Y-%m-%d} is after today; give the date the publisher released the file "
                          "(YYYY-MM-DD), or leave it out to have it estimated from the indicator's lag_months")
    existed = store.exists()
    hashing = ThreadPoolExecutor(1)  # each file's SHA-256 (its batch record) is read beside DuckDB's work
    db = Store(store)
    try:
        con = db.con
        limit = os.environ.get("PERFKIT_MEMORY_LIMIT", MEMORY_LIMIT)
        try:
            con.execute(f"SET memory_limit = '{limit.replace(chr(39), '')}'")
        except duckdb.Error:
            raise IngestError(f"PERFKIT_MEMORY_LIMIT={limit!r} is not a memory size; write it like 1GB or 500MB") from None
        with contextlib.suppress(duckdb.Error):  # in Jupyter, turning it off needs ipywidgets
            con.execute("SET enable_progress_bar = false")
        digests = [hashing.submit(file_sha256, Path(p)) for p in paths]  # a missing file fails in staging first
        checked, actions, returns = [], [], {}
        for number, raw_path in enumerate(paths):
            path = Path(raw_path)
            raw = f"raw_{number}"
            if mapping is None and not is_return(path) and is_actions_file(path):  # actions as rows: no figures
                cells = read_actions_file(path)
                found_actions, problems = check_actions(cells, catalogue, path.name, today or dt.date.today())
                bad = stage_actions(con, cells, problems, raw, f"file_{number}")
                checked.append((path, raw, f"file_{number}_clean", Checked(f"file_{number}", len(problems), bad), None))
                actions.append(found_actions)
                continue
            if mapping is None and is_return(path):
                read_notes, action_cells, issued, changes = _stage_return(con, path, raw, period, catalogue, revise_published)
                attributes, refused, file_name = None, None, f"{path.name}: sheet '{DATA_SHEET}'"
                returns[path] = (issued, changes)
            else:
                attributes, read_notes, action_cells, refused = _stage(con, path, raw, mapping, period)
                file_name = path.name
            actions.append(_return_actions(action_cells, catalogue, path, today or dt.date.today()))
            tolerance = mapping.value_tolerance if mapping else None
            published = mapping is not None and mapping.layout != "canonical" and not mapping.strict
            found = check(con, raw, catalogue, file_name, today=today, value_tolerance=tolerance, name=f"file_{number}", flag_disagreement=published,
                          mapping=mapping.name if mapping is not None and mapping.layout != "canonical" else None)
            found = _refuse_whole_rows(con, found, refused, path.name)
            if attributes is not None:
                kept = {r[0] for r in con.execute(f"SELECT DISTINCT area_code FROM file_{number}_clean").fetchall()}
                attributes = attributes[attributes["area_code"].isin(kept)]
            checked.append((path, raw, f"file_{number}_clean", replace(found, notes=read_notes + found.notes), attributes))
        if any(c[3].problems for c in checked) and not skip_invalid:
            raise _error(con, [c[3] for c in checked])
        batches = []
        for (path, _raw, clean, found, attributes), digest, rows in zip(checked, digests, actions):
            meta = {
                "actions": rows.drop(columns="row") if rows is not None else None,
                "file_name": path.name,
                "sha256": digest.result(),
                "source": mapping.name if mapping else (return_source(returns[path][0]) if path in returns else "canonical"),
                "attributes": attributes,
                "rejected": found.rows,
                "perfkit_version": __version__,
                "released": released,
            }
            batches.append((clean, meta))
        folder = Path(rejects) if rejects is not None else store.parent / "rejected"
        saved = [_write_rejects(con, path, raw, found, folder) if found.problems else None for path, raw, _c, found, _a in checked]
        try:
            results = db.write_batches(batches)
        except BaseException:
            for rejects in saved:  # nothing was imported: no rejects file says otherwise
                if rejects:
                    rejects.unlink(missing_ok=True)
            raise
        reports = []
        for number, ((path, raw, _clean, found, _attributes), result, rejected) in enumerate(zip(checked, results, saved)):
            notes = found.notes
            if path in returns:  # the owner's receipt, beside the workbook
                notes += (receipt_summary(path, result, returns[path][1]), write_receipt(path, result, returns[path][1]))
            reports.append(IngestReport(path, result, rejected, notes, found.flagged))
            drop(con, f"file_{number}")
            unstage(con, raw)
    except BaseException as exc:
        hashing.shutdown(cancel_futures=True)
        db.close()
        if isinstance(exc, IngestError):  # each return workbook's receipt says nothing was stored, and why
            for raw_path in paths:
                if is_return(Path(raw_path)):
                    write_receipt(Path(raw_path), None, [], str(exc))
        if not existed:  # a refused first import leaves no empty store behind
            for leftover in (store, store.with_name(store.name + ".wal")):
                leftover.unlink(missing_ok=True)
        raise
    hashing.shutdown()
    db.close()
    return reports
