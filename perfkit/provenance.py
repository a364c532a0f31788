"""Where a report's figures came from: data snapshot, code version, parameters, time."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
from pathlib import Path

import pandas as pd

from perfkit._version import __version__

__all__ = ["git_commit", "provenance", "snapshot_id"]

_ROW_COLUMNS = [
    "indicator", "area_code", "period_type", "period_start", "value", "numerator", "denominator",
    "status", "status_reason", "commentary", "actions", "batch_id",
]


def snapshot_id(rows: pd.DataFrame) -> str:
    """A 16-hex-digit content hash of the stored rows a report read (order does not matter)."""
    cols = [c for c in _ROW_COLUMNS if c in rows.columns]
    ordered = rows[cols].astype(str).sort_values(cols).reset_index(drop=True)
    digest = hashlib.sha256()
    digest.update("|".join(cols).encode())
    digest.update(pd.util.hash_pandas_object(ordered, index=False).to_numpy().tobytes())
    return digest.hexdigest()[:16]


#: Set by a build for its reports (their kernels inherit it): the project's git commit, read
#: once for the whole build instead of by two git commands in every report.
BUILD_COMMIT = "PERFKIT_GIT_COMMIT"


def git_commit(folder: str | Path) -> str:
    """The git commit of ``folder`` (with '+dirty' for uncommitted changes), or 'unknown'.

    In a build's report, the commit the build read for its project (``$PERFKIT_GIT_COMMIT``,
    for the folder ``$PERFKIT_HOME``)."""
    import os

    if os.environ.get(BUILD_COMMIT) and os.environ.get("PERFKIT_HOME") == str(Path(folder)):
        return os.environ[BUILD_COMMIT]
    try:
        sha = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=folder, capture_output=True, text=True, timeout=5)
        if sha.returncode != 0:
            return "unknown"
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=folder, capture_output=True, text=True, timeout=5)
        return sha.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def provenance(rows: pd.DataFrame, folder: str | Path, parameters: dict) -> dict[str, str]:
    """The 'About this report' facts."""
    return {
        "data snapshot": snapshot_id(rows),
        "stored rows read": f"{len(rows):,}",
        "perfkit version": __version__,
        "code version (git)": git_commit(folder),
        "parameters": ", ".join(f"{k}={v}" for k, v in parameters.items()),
        "generated at": dt.datetime.now().replace(microsecond=0).isoformat(sep=" "),
    }
