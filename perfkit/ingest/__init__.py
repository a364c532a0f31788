"""Import data files into the store: read, validate, then write all or nothing.

``perfkit ingest FILE...`` calls :func:`ingest`; so can a notebook.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from perfkit import __version__
from perfkit.atomic import atomic_path
from perfkit.catalogue import Catalogue
from perfkit.errors import IngestError
from perfkit.ingest.read import read_table
from perfkit.ingest.sources import SourceMapping, apply_mapping
from perfkit.ingest.validate import PROBLEM_COLUMNS, Problem, validate
from perfkit.store import OBSERVATION_COLUMNS, BatchResult, Store

__all__ = ["IngestReport", "Problem", "ingest", "MAX_SHOWN"]

#: How many problems an error message lists before it says how many more there are.
MAX_SHOWN = 25


@dataclass(frozen=True)
class IngestReport:
    """What happened to one file."""

    path: Path
    result: BatchResult
    rejects_path: Path | None = None


def _problem_list(problems: pd.DataFrame) -> list[Problem]:
    return [Problem(*row) for row in problems[PROBLEM_COLUMNS].itertuples(index=False)]


def _error(problems: pd.DataFrame) -> IngestError:
    files = problems["file"].nunique()
    rows = problems[["file", "row"]].drop_duplicates().shape[0]
    shown = _problem_list(problems.head(MAX_SHOWN))
    lines = [f"nothing was imported: {rows} row(s) in {files} file(s) have problems"]
    lines += [f"  {p}" for p in shown]
    if len(problems) > MAX_SHOWN:
        lines.append(f"  ... and {len(problems) - MAX_SHOWN} more problem(s)")
    lines.append("Fix the rows and import again, or use --skip-invalid to import the valid rows and save the rest to <file>.rejected.csv")
    return IngestError("\n".join(lines), _problem_list(problems))


def _write_rejects(path: Path, raw: pd.DataFrame, problems: pd.DataFrame) -> Path:
    reasons = problems.assign(reason=problems["column"] + ": " + problems["problem"] + " (" + problems["fix"] + ")")
    joined = reasons.groupby("row")["reason"].agg("; ".join)
    rejects = raw[raw["row"].isin(joined.index)].copy()
    rejects["problem"] = rejects["row"].map(joined)
    target = path.with_name(f"{path.stem}.rejected.csv")
    with atomic_path(target) as tmp:
        rejects.to_csv(tmp, index=False)
    return target


def ingest(
    paths: Sequence[str | Path],
    store: str | Path,
    catalogue: Catalogue,
    skip_invalid: bool = False,
    today: dt.date | None = None,
    mapping: SourceMapping | None = None,
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
        Write the valid rows and save each file's rejected rows beside it as
        ``<name>.rejected.csv``; otherwise one bad row means nothing is written.
    today
        The date a period must have started by (default: today).
    mapping
        A source mapping (``params/sources/*.yaml``) for a published file's own layout;
        without one the files must be in the canonical layout.

    Raises
    ------
    IngestError
        Listing every problem (file, row, column, value, why, fix) when any row is bad
        and ``skip_invalid`` is off. The store is unchanged.
    """
    checked = []
    for raw_path in paths:
        path = Path(raw_path)
        if mapping is None:
            raw, attributes = read_table(path), None
        else:
            raw, attributes = apply_mapping(path, mapping)
        tolerance = mapping.value_tolerance if mapping else None
        clean, problems = validate(raw, catalogue, path.name, today=today, value_tolerance=tolerance)
        if attributes is not None:
            attributes = attributes[attributes["area_code"].isin(clean["area_code"])]
        checked.append((path, raw, clean, problems, attributes))
    all_problems = pd.concat([c[3] for c in checked], ignore_index=True) if checked else pd.DataFrame()
    if len(all_problems) and not skip_invalid:
        raise _error(all_problems)
    batches = []
    for path, _raw, clean, problems, attributes in checked:
        meta = {
            "file_name": path.name,
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "source": mapping.name if mapping else "canonical",
            "attributes": attributes,
            "rejected": int(problems["row"].nunique()),
            "perfkit_version": __version__,
        }
        batches.append((clean[OBSERVATION_COLUMNS], meta))
    with Store(store) as db:
        results = db.write_batches(batches)
    reports = []
    for (path, raw, _clean, problems, _attributes), result in zip(checked, results):
        rejects = _write_rejects(path, raw, problems) if len(problems) else None
        reports.append(IngestReport(path, result, rejects))
    return reports
