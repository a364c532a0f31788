"""Atomic file writes: a half-written file never sits under its final name, and never one under a
publication (a folder holding :data:`PUBLISHED_MARKER`, which ``perfkit publish`` leaves in
``published/``): what was published is only ever written by publishing, once."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from perfkit.errors import ConfigError

__all__ = ["PUBLISHED_MARKER", "atomic_path", "file_sha256", "note_written", "refuse_published", "sync_file", "write_text", "written"]

PUBLISHED_MARKER = ".perfkit-published"

#: Every file this process has written whole (by :func:`atomic_path`, or a store's committed
#: transaction: :func:`note_written`), in order: what a command stopped by Ctrl-C says it kept.
_WRITTEN: list[Path] = []


def note_written(path: str | Path) -> None:
    """Record that ``path`` now holds what this process wrote, whole (see :func:`written`)."""
    _WRITTEN.append(Path(path))


def written() -> list[Path]:
    """The files this process has written whole so far, each once, in the order first written."""
    return list(dict.fromkeys(_WRITTEN))


def refuse_published(path: str | Path) -> None:
    """Refuse ``path`` if it lies under a folder of publications (links resolved: a link cannot hide one)."""
    resolved = Path(path).resolve()
    for parent in resolved.parents:
        if (parent / PUBLISHED_MARKER).is_file():
            raise ConfigError(f"{path} lies under {parent}, which holds publications: what was published is never written again "
                              "(perfkit publish makes a new publication; write elsewhere)")


@contextmanager
def atomic_path(path: str | Path, record: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it into place only if the block succeeds
    (and, with ``record``, list it among what this process has :func:`written`)."""
    path = Path(path)
    refuse_published(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}", dir=path.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes owner-only files; give the usual mode
    try:
        yield Path(tmp)
        sync_file(tmp)  # a full disk is reported here, before the file takes its final name
        os.replace(tmp, path)
        if record:
            note_written(path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def sync_file(path: str | Path) -> None:
    """Flush a written file to disk (a full disk is reported here, not later)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_text(path: str | Path, text: str, record: bool = True) -> None:
    """Write ``text`` to ``path`` as UTF-8, atomically (see :func:`atomic_path` for ``record``)."""
    with atomic_path(path, record) as tmp:
        tmp.write_text(text, encoding="utf-8")


def file_sha256(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, read in blocks (a store or a file of millions of rows
    never sits in memory whole)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 24):
            digest.update(block)
    return digest.hexdigest()
