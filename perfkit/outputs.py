"""An output folder: whether perfkit may write in it, who is writing now, what it left half-done.

perfkit writes reports only into a folder it made (it leaves a marker file there) or an
empty one; a folder holding anyone else's files is refused, so ``--out ~/Documents`` can
never overwrite a user's ``index.html``. One build at a time holds the folder's lock; a
second is refused with a clear message rather than losing the first one's manifest
entries. Only perfkit's own temporary files (its atomic writes' names, in the places it
writes) are cleaned up after an interrupted build.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from perfkit.atomic import write_text
from perfkit.errors import ConfigError

__all__ = ["MARKER", "OutputFolder"]

MARKER = ".perfkit-outputs"
LOCK = ".perfkit-outputs.lock"
#: Names perfkit's atomic writes use (see :func:`perfkit.atomic.atomic_path`): ".<stem>.<8 random>.tmp<suffix>".
_TEMPORARY = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp(\.(ipynb|html|pdf|json|csv|docx|xlsx))?$")
_IGNORED = {".gitkeep", ".DS_Store", "Thumbs.db", MARKER, LOCK}


class OutputFolder:
    """The folder ``perfkit build`` writes into (``outputs/`` or ``--out``)."""

    def __init__(self, path: Path) -> None:
        self.path = path.resolve()
        if self.path.exists() and not self.path.is_dir():
            raise ConfigError(f"--out {path}: that is a file, not a folder; give a folder (a new one is created)")
        if self.path.is_dir() and not self.is_perfkits():
            shown = sorted(p.name for p in self.path.iterdir() if p.name not in _IGNORED)
            raise ConfigError(
                f"--out {path}: the folder holds files perfkit did not make ({', '.join(shown[:5])}"
                f"{', ...' if len(shown) > 5 else ''}); perfkit writes only into an empty folder or one it made: "
                "give a new or empty folder"
            )

    def is_perfkits(self) -> bool:
        """Made by perfkit (its marker, or the manifest of an earlier version), or empty."""
        if (self.path / MARKER).is_file():
            return True
        try:
            manifest = json.loads((self.path / "manifest.json").read_text(encoding="utf-8"))
            if isinstance(manifest, dict) and {"version", "reports"} <= set(manifest):
                return True
        except (OSError, ValueError):
            pass
        return all(p.name in _IGNORED for p in self.path.iterdir())

    @contextmanager
    def building(self) -> Iterator[OutputFolder]:
        """Hold the folder's lock for a build; refuse if another build holds it."""
        self.path.mkdir(parents=True, exist_ok=True)
        lock = FileLock(self.path / LOCK, timeout=0)
        try:
            lock.acquire()
        except Timeout:
            raise ConfigError(
                f"another perfkit build is writing to {self.path}; wait for it to finish, or build into another folder with --out"
            ) from None
        try:
            if not (self.path / MARKER).is_file():
                write_text(self.path / MARKER, "perfkit writes its reports in this folder; `perfkit build` cleans up only its own files here.\n")
            yield self
        finally:
            lock.release()

    def remove_stale_temporaries(self) -> int:
        """Delete the half-written files of a killed build: perfkit's own temporary names,
        in the folder, its <period>/ and its <period>/<directorate>/ folders only."""
        places = [self.path, *(p for p in self.path.glob("*") if p.is_dir()), *(p for p in self.path.glob("*/*") if p.is_dir())]
        stale = [p for place in places for p in place.iterdir() if p.is_file() and _TEMPORARY.match(p.name)]
        for path in stale:
            os.unlink(path)
        return len(stale)
