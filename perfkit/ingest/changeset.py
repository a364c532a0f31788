"""A returned workbook as a change set: only what the owner changed is applied to the store.

A return workbook (:mod:`perfkit.ingest.returned`) is compared with what the store holds for its
rows. A blank owner cell keeps what is stored (a resent workbook with its commentary left blank
does not wipe the commentary); ``clear`` typed in a note, headline or commentary clears it, and a
status of missing or suppressed with no figure clears the figures. A change is refused when:

- the stored figure was revised after the workbook was issued by anything but a return of the
  same issue (the workbook records each row's batch when issued): it would undo the revision;
- this very file was imported before and a later import changed the figure (an older copy);
- the workbook is for a period a publication has read, unless ``revise_published``.

Owners' figures are also checked here, where the workbook's sheet and row can be named: a rate
whose quarter is worked out from counts needs its numerator and denominator; a percentage typed
as a fraction (0.855 for 85.5%) is refused with the fix.

Canonical and publishers' files keep the usual rules (a row replaces the stored row).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from perfkit.config.catalogue import Aggregation, Catalogue, Unit
from perfkit.errors import IngestError
from perfkit.ingest.read import excel_text
from perfkit.ingest.returned import CLEAR, DATA_SHEET, Issued

__all__ = ["Change", "apply_return", "return_source"]

#: The owner's cells, by the store's column they update.
_CELLS = {"value": "value", "numerator": "numerator", "denominator": "denominator", "status": "status", "note": "status_reason",
          "headline": "headline", "commentary": "commentary"}
_NUMBERS = ("value", "numerator", "denominator")
_WORDS = ("note", "headline", "commentary")
MAX_SHOWN = 25


@dataclass(frozen=True)
class Change:
    """What a return does to one row: 'added', 'changed' (with what), 'unchanged' or 'not returned'."""

    row: int
    indicator: str
    period: str
    what: str
    detail: str = ""


def return_source(issued: Issued) -> str:
    """The batch source recorded for an imported return: its issue, so a resent workbook of the
    same issue is known as the owner's own correction."""
    return f"return {issued.issue}" if issued.issue else "return"


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return excel_text(value)


def _stored(con: duckdb.DuckDBPyConnection, issued: Issued) -> dict[tuple[str, str], dict]:
    codes = sorted({c for c, _ in issued.rows})
    frame = con.execute(
        """SELECT o.indicator, o.period, o.value, o.numerator, o.denominator, o.status, o.status_reason, o.headline, o.commentary,
                  o.batch_id, b.file_name, b.source, b.imported_at
           FROM observations o JOIN batches b USING (batch_id) WHERE o.area_code = ? AND list_contains(?, o.indicator)""",
        [issued.area_code, codes]).df()
    return {(r["indicator"], r["period"]): r for r in frame.to_dict("records")}


def _published(con: duckdb.DuckDBPyConnection, label: str) -> str | None:
    """When a publication of ``label`` was made (its rows were read for committee), or None."""
    found = con.execute("SELECT min(published_at) FROM publications WHERE period = ?", [label]).fetchall()[0][0]
    return f"{found:%-d %B %Y}" if found is not None else None


def _merge(cells: dict, stored: dict | None) -> dict:
    """The row the store should hold: the owner's cells over the stored ones (blank keeps, 'clear' clears)."""
    out = dict(cells)
    for cell, column in _CELLS.items():
        typed = str(cells.get(cell) or "").strip()
        if typed.lower() == CLEAR and cell in _WORDS:
            out[cell] = ""
        elif typed == "" and stored is not None:
            out[cell] = _text(stored[column])
    typed_status = str(cells.get("status") or "").strip().lower()
    typed_numbers = any(str(cells.get(c) or "").strip() for c in _NUMBERS)
    if typed_status in ("missing", "suppressed") and not typed_numbers:
        out.update(value="", numerator="", denominator="")  # the owner says there is no figure: the stored one goes
    elif typed_numbers and not typed_status and stored is not None and stored["status"] in ("missing", "suppressed"):
        out["status"] = ""  # a figure now given for one returned as missing: ok, unless the owner says otherwise
    if stored is not None and out.get("status") == "ok":
        out["status"] = ""
    return out


def _same(a: str, b: str) -> bool:
    try:
        return float(a) == float(b)
    except ValueError:
        return a.strip() == b.strip()


def _differences(merged: dict, stored: dict) -> list[str]:
    found = []
    for cell, column in _CELLS.items():
        was, now = _text(stored[column]), str(merged.get(cell) or "")
        if cell == "status":
            was, now = (was or "ok"), (now or "ok")
        if not _same(was, now):
            found.append(f"{cell} {was or '(blank)'} -> {now or '(blank)'}" if cell in (*_NUMBERS, "status") else f"{cell} changed")
    return found


def _owner_checks(rows: pd.DataFrame, catalogue: Catalogue, issued: Issued, where: str) -> list[str]:
    """A rate without its counts, a percentage typed as a fraction: refused, naming the row and cell."""
    from perfkit.ingest.returned import NAMES, column_letter

    letter = {name: column_letter(NAMES.index(name) + 1) for name in _NUMBERS}
    problems = []
    for r in rows.to_dict("records"):
        if (r["indicator"], r["period"]) in issued.words_rows or r["indicator"] not in catalogue:
            continue
        ind = catalogue[r["indicator"]]
        value = _number(r["value"])
        num, den = _number(r["numerator"]), _number(r["denominator"])
        live = str(r["status"] or "").strip().lower() in ("", "ok", "provisional")
        if live and ind.aggregation is Aggregation.RATE and (num is None or den is None):
            missing = " and ".join(n for n, v in (("numerator", num), ("denominator", den)) if v is None)
            problems.append(f"{where}, row {r['row']}, column {letter['numerator' if num is None else 'denominator']} ({missing}): "
                            f"{r['indicator']} {r['period']} is a rate the paper works out from its counts, and the {missing} "
                            f"{'is' if ' and ' not in missing else 'are'} blank; give the {missing} (whole numbers) beside the value")
        if ind.unit is Unit.PERCENT and value is not None and 0 < value < 1:
            counted = num is not None and den and abs(100 * num / den - value) < 0.05
            if not counted:
                problems.append(f"{where}, row {r['row']}, column {letter['value']} (value): {r['value']} looks like a fraction; a "
                                f"percentage is typed as a number from 0 to 100: type {value * 100:g} for {value * 100:g}% (if the "
                                "figure really is under 1%, give the numerator and denominator too)")
    return problems


def _number(text: object) -> float | None:
    try:
        return float(str(text).strip()) if str(text or "").strip() else None
    except ValueError:
        return None


def apply_return(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame, issued: Issued, path: Path, catalogue: Catalogue,
                 revise_published: bool = False) -> tuple[pd.DataFrame, list[Change]]:
    """The rows to stage for a return workbook (``rows``, as :func:`perfkit.ingest.returned.read_return`
    gives them) merged with the store, and what each does.

    Raises
    ------
    IngestError
        Naming the file, sheet, row, the stored figure and the fix, for a change that would
        undo a later revision, an older copy of a workbook already imported, a period already
        published (unless ``revise_published``), a rate without its counts or a percentage typed
        as a fraction.
    """
    where = f"{path.name}: sheet '{DATA_SHEET}'"
    problems = []
    stored = _stored(con, issued)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    earlier = dict(con.execute("SELECT batch_id, imported_at FROM batches WHERE sha256 = ?", [sha]).fetchall())
    position = {key: n for n, key in enumerate(issued.rows)}
    merged, changes = [], []
    for r in rows.to_dict("records"):
        key = (r["indicator"], r["period"])
        now = stored.get(key)
        out = _merge(r, now)
        merged.append(out)
        if now is None:
            changes.append(Change(r["row"], *key, "added"))
            continue
        diff = _differences(out, now)
        if not diff:
            changes.append(Change(r["row"], *key, "unchanged"))
            continue
        changes.append(Change(r["row"], *key, "changed", "; ".join(diff)))
        batch, was = int(now["batch_id"]), f"{now['file_name']} (batch {int(now['batch_id'])}, imported {now['imported_at']:%-d %B %Y %H:%M})"
        issued_batch = issued.stored[position[key]] if issued.keyed and key in position else None
        if issued_batch is not None and batch > issued_batch and now["source"] != return_source(issued):
            problems.append(f"{where}, row {r['row']} ({key[0]} {key[1]}): the stored figure was revised after this workbook was issued, by "
                            f"{was}; this workbook would undo it ({'; '.join(diff)}). Ask the owner for the figure on a return issued "
                            "now (perfkit returns --period ... --force), or correct it with the later file")
        elif any(b < batch for b in earlier):
            first = min(earlier)
            problems.append(f"{where}, row {r['row']} ({key[0]} {key[1]}): this very workbook was imported before (batch {first}, "
                            f"{earlier[first]:%-d %B %Y %H:%M}) and the figure was changed since by {was}; this older copy would undo "
                            f"it ({'; '.join(diff)}). Import the latest workbook")
    if any(c.what != "unchanged" for c in changes) and not revise_published:
        published = _published(con, issued.period.label)
        if published:
            problems.insert(0, f"{path.name}: {issued.period.label} was published on {published} (committee's papers read its figures); "
                               "this workbook would change what was published. Import it with --revise-published to revise the "
                               "figures (the next paper marks each as revised since it was reported), or leave the published figures as they are")
    frame = pd.DataFrame(merged, columns=rows.columns)
    problems += _owner_checks(frame, catalogue, issued, where)
    if problems:
        raise IngestError("\n".join([f"{path.name}: nothing was imported: {len(problems)} problem(s)", *problems[:MAX_SHOWN],
                                     *([f"  ... and {len(problems) - MAX_SHOWN} more"] if len(problems) > MAX_SHOWN else [])]))
    return frame, changes
