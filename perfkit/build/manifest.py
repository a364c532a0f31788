"""The build manifest: what each report was built from, so unchanged reports are skipped.

``outputs/manifest.json`` records for each report the hashes of its inputs (notebook,
parameters, the stored rows it reads, the params files it uses, perfkit's code and
templates), its status, timings and files (their paths relative to the output folder, and
each file's SHA-256 as written, which ``perfkit publish`` checks before it copies). A report is rebuilt when any hash differs, a
file is missing, or it failed last time. The manifest is rewritten atomically after every
report, so a build killed at any moment loses nothing it finished.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

import duckdb

from perfkit._version import __version__
from perfkit.atomic import write_text

__all__ = ["Manifest", "RowHashes", "code_hash", "file_hash", "rows_hash"]

MANIFEST = "manifest.json"
_PACKAGE = Path(__file__).resolve().parents[1]


def file_hash(paths: Iterable[Path]) -> str:
    """SHA-256 over the names and bytes of ``paths`` (sorted)."""
    digest = hashlib.sha256()
    for path in sorted(Path(p) for p in paths):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def code_hash() -> str:
    """perfkit's version, its Python source and its report templates."""
    files = [*_PACKAGE.rglob("*.py"), *_PACKAGE.rglob("*.j2"), *_PACKAGE.rglob("*.css"), *_PACKAGE.rglob("conf.json")]
    return f"{__version__}:{file_hash(files)}"


def rows_hash(store: Path, indicators: list[str], areas: list[str]) -> str:
    """A content hash of exactly the stored rows of ``indicators`` and ``areas`` (order does not matter)."""
    return RowHashes(store, indicators, areas).of(indicators, areas)


class RowHashes:
    """The content hash of each indicator's rows for each area, read in one pass over the store,
    so a build of hundreds of reports hashes exactly the rows each reads without a query each.

    A report's hash combines those of the (indicator, area) pairs it reads: a row count and
    the XOR of the rows' hashes, the same as hashing its rows at once."""

    def __init__(self, store: Path, indicators: list[str], areas: list[str]) -> None:
        from perfkit.store.queries import row_hashes

        found = row_hashes(store, indicators, areas)
        self.pieces = {(i, a): (n, mix) for i, a, n, mix in found}

    def of(self, indicators: list[str], areas: list[str]) -> str:
        count, mix = 0, 0
        for key in ((i, a) for i in dict.fromkeys(indicators) for a in dict.fromkeys(areas)):
            n, m = self.pieces.get(key, (0, 0))
            count, mix = count + n, mix ^ m
        return f"{count}:{mix:x}:duckdb{duckdb.__version__}"


class Manifest:
    """The manifest file under an output folder."""

    def __init__(self, out: Path) -> None:
        self.path = out / MANIFEST
        self.entries: dict[str, dict] = {}
        self.problem = ""  # why an existing manifest could not be used
        if not self.path.exists():
            return
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            reports = data.get("reports") if isinstance(data, dict) else None
            if not isinstance(reports, dict) or not all(isinstance(e, dict) for e in reports.values()):
                raise ValueError("it is not the manifest perfkit writes (no 'reports' object of reports)")
            self.entries = {key: self._absolute(entry) for key, entry in reports.items()}
        except (OSError, ValueError) as exc:
            reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
            self.problem = f"{self.path} could not be read ({reason}): every report will be rebuilt, and the manifest written anew"

    def up_to_date(self, key: str, inputs: dict[str, str], formats: tuple[str, ...]) -> bool:
        """Built from exactly these inputs, and every file still there."""
        entry = self.entries.get(key)
        if not entry or entry.get("status") != "built" or entry.get("inputs") != inputs:
            return False
        files = entry.get("files", {})
        if not isinstance(files, dict):
            return False
        # None: a format that does not apply to this report (open data of an internal paper)
        return all(fmt in files and (files[fmt] is None or Path(files[fmt]).is_file()) for fmt in ("ipynb", *formats))

    def _absolute(self, entry: dict) -> dict:
        """``entry`` with its files' paths as paths under the output folder (a manifest keeps them relative)."""
        files = entry.get("files")
        if isinstance(files, dict):
            entry = entry | {"files": {fmt: (str(self.path.parent / p) if isinstance(p, str) else p) for fmt, p in files.items()}}
        return entry

    def record(self, key: str, entry: dict) -> None:
        """Store one report's entry, with its files' SHA-256, and rewrite the manifest atomically."""
        files = entry.get("files") or {}
        entry = entry | {"sha256": {fmt: hashlib.sha256(Path(p).read_bytes()).hexdigest() for fmt, p in files.items()
                                    if p and Path(p).is_file()}}
        self.entries[key] = entry
        self.path.parent.mkdir(parents=True, exist_ok=True)
        out = self.path.parent.resolve()

        def relative(path: object) -> object:
            if not isinstance(path, str):
                return path
            resolved = Path(path).resolve()
            return resolved.relative_to(out).as_posix() if resolved.is_relative_to(out) else path

        kept = {k: e | {"files": {fmt: relative(p) for fmt, p in e["files"].items()}} if isinstance(e.get("files"), dict) else e
                for k, e in self.entries.items()}
        write_text(self.path, json.dumps({"version": 1, "reports": kept}, indent=1, sort_keys=True))
