"""``perfkit verify``: every published file against its recorded SHA-256.

Each file a publication recorded is read and hashed: one whose bytes differ is "changed", one
not there "missing"; a file in a publication's folder it did not record, or a
``publication-<id>`` folder the store does not record, is "added"; a published file or folder
that can be written is "writable" (published copies are read-only). The publications checked
are those of a subject (``--period``) or all; nothing is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from perfkit.atomic import file_sha256

__all__ = ["Finding", "verify"]

_FOLDER = re.compile(r"^publication-(\d+)$")
_OWN = {"publication.json"}


@dataclass(frozen=True)
class Finding:
    """One published file that is not as it was published."""

    publication_id: int | None
    what: str  # changed, missing, added, writable
    path: Path


def verify(out: Path, store: str | Path, subject: str | None = None) -> tuple[int, list[Finding]]:
    """How many published files were checked, and what is not as published (empty when all is)."""
    from perfkit.store.queries import (
        publication_files,
        publication_rows,
        publication_tables,
    )
    from perfkit.store.store import Store

    out = Path(out).resolve()
    with Store(store) as db:  # read-write only so a store made before publications' newer columns gains them
        publication_tables(db.con)
        files = publication_files(db.con, subject)
        pubs = publication_rows(db.con, subject)
        every = {r[0] for r in db.con.execute("SELECT publication_id FROM publications").fetchall()}
    found: list[Finding] = []
    folders: dict[Path, int] = {}
    for r in files.itertuples():
        path = out / r.path  # an absolute path recorded by an earlier perfkit stays as it was
        folders[path.parent] = r.publication_id
        if not path.is_file():
            found.append(Finding(r.publication_id, "missing", path))
            continue
        if file_sha256(path) != r.sha256:
            found.append(Finding(r.publication_id, "changed", path))
        if path.stat().st_mode & 0o222:
            found.append(Finding(r.publication_id, "writable", path))
    recorded = {out / p for p in files["path"]}
    for folder, number in folders.items():
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path not in recorded and path.name not in _OWN:
                found.append(Finding(number, "added", path))
        if folder.stat().st_mode & 0o222:
            found.append(Finding(number, "writable", folder))
    for root in {out / f for f in pubs["folder"]}:  # a subject's folder: a publication there the store does not record
        for folder in sorted(root.glob("*/publication-*")) if root.is_dir() else []:
            hit = _FOLDER.match(folder.name)
            if hit and int(hit.group(1)) not in every:
                found.append(Finding(None, "added", folder))
    return len(files), sorted(found, key=lambda f: (f.publication_id or 0, str(f.path), f.what))
