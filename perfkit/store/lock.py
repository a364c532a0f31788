"""Opening the store's DuckDB file: extensions never fetched, and a second writer told who has it.

DuckDB lets one process write a file (or several read it). A command that finds the file held
by another waits a little (``PERFKIT_LOCK_WAIT`` seconds, 10 by default) for it to finish, then
says which command holds it, never DuckDB's own "Conflicting lock is held ... (PID n)".
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import duckdb

from perfkit.errors import StoreError
from perfkit.store.identity import CONFIG

__all__ = ["connect", "holder"]

_HELD = re.compile(r"Conflicting lock is held in .*?\(PID (\d+)\)", re.S)


def holder(pid: int) -> str:
    """The command a process runs, as a person would type it (``perfkit ingest x.csv``), or its PID."""
    try:
        import psutil

        words = psutil.Process(pid).cmdline()
    except Exception:  # noqa: BLE001 - gone, or not ours to see
        return f"another program (process {pid})"
    shown = [Path(words[0]).name, *words[1:]] if words else []
    if len(shown) > 2 and shown[0].startswith("python") and shown[1] == "-m":
        shown = shown[2:]
    elif len(shown) > 1 and shown[0].startswith("python") and Path(shown[1]).name == "perfkit":
        shown = shown[1:]
    text = " ".join(Path(shown[0]).name if i == 0 else w for i, w in enumerate(shown))[:200]
    return f"`{text}` (process {pid})" if text else f"another program (process {pid})"


def connect(path: Path, read_only: bool, wait: float | None = None) -> duckdb.DuckDBPyConnection:
    """A connection to the store at ``path`` (no extension installed or loaded automatically)."""
    wait = float(os.environ.get("PERFKIT_LOCK_WAIT", "10")) if wait is None else wait
    deadline = time.monotonic() + wait
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only, config=dict(CONFIG))
        except duckdb.Error as exc:
            held = _HELD.search(str(exc))
            if held is None:
                raise StoreError(f"cannot open the store {path}: {str(exc).splitlines()[0]}") from None
            if time.monotonic() >= deadline:
                raise StoreError(f"the store {path} is in use by {holder(int(held.group(1)))}; perfkit waited {wait:g} s for it. "
                                 "Run this again when that has finished (one command writes to a store at a time)") from None
            time.sleep(0.25)
