"""A receipt for each return workbook imported: what was stored from it, row by row, or that
nothing was and why. Printed by ``perfkit ingest`` and written beside the workbook as
``<name>.receipt.txt`` (plain text, written atomically), for the performance officer to send
back to the owner.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from perfkit.atomic import write_text
from perfkit.ingest.changeset import Change
from perfkit.store.store import BatchResult

__all__ = ["receipt_path", "receipt_summary", "write_receipt"]


def receipt_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.receipt.txt")


def receipt_summary(path: Path, result: BatchResult, changes: list[Change]) -> str:
    """One line: 'x.xlsx: 2 row(s) added, 1 changed (CS_REREF 2026/27 Q1: value 18 -> 19), 4 unchanged (batch 7)'."""
    added = sum(c.what == "added" for c in changes)
    changed = [c for c in changes if c.what == "changed"]
    same = sum(c.what == "unchanged" for c in changes)
    what = "; ".join(f"{c.indicator} {c.period}: {c.detail}" for c in changed[:5]) + ("; ..." if len(changed) > 5 else "")
    return (f"{path.name}: {added} row(s) added, {len(changed)} changed" + (f" ({what})" if changed else "")
            + f", {same} unchanged (batch {result.batch_id}, {result.actions} action row(s) written)")


def write_receipt(path: Path, result: BatchResult | None, changes: list[Change], refused: str | None = None) -> str:
    """Write ``path``'s receipt beside it; return a note saying where (or that it could not be written)."""
    now = dt.datetime.now().replace(microsecond=0)
    lines = [f"Receipt for {path.name}, {now:%-d %B %Y %H:%M}", ""]
    if result is None:
        lines += ["Nothing from this workbook was stored.", "", refused or "", "",
                  "Fix what is named above in the workbook and send it again."]
    else:
        lines += [receipt_summary(path, result, changes), ""]
        width = max([len(f"{c.indicator} {c.period}") for c in changes] or [0])
        for c in sorted(changes, key=lambda c: c.row):
            lines.append(f"row {c.row:>3}  {f'{c.indicator} {c.period}':<{width}}  {c.what}" + (f": {c.detail}" if c.detail else ""))
        lines += ["", "A row left blank was not returned; a blank cell kept what was stored before. Type 'clear' in a note, "
                  "headline or commentary to remove it."]
    target = receipt_path(path)
    try:
        write_text(target, "\n".join(lines) + "\n")
    except OSError as exc:
        return f"the receipt could not be written beside {path.name} ({exc.strerror or exc}); the import is not affected"
    return f"receipt: {target}"
