"""Keeping the store safe: ``perfkit backup`` and ``perfkit restore``.

A backup is a consistent copy of the store file, taken while this process holds the store's
write lock (DuckDB lets one process write; nothing else can write while the copy is made),
after a checkpoint, so the copy needs no write-ahead log. Beside it, ``<backup>.json`` records
the file's SHA-256 and the store's content hash (every row of every table, in any order). A
restore checks both before it puts the copy back, and keeps the store it replaces beside it:
nothing stored is lost.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from pathlib import Path

import duckdb

from perfkit.atomic import file_sha256, sync_file, write_text
from perfkit.errors import StoreError
from perfkit.store.lock import connect

__all__ = ["backup", "content_hash", "restore"]


def content_hash(con: duckdb.DuckDBPyConnection) -> str:
    """A hash of every row of every table in the store (row order does not matter)."""
    digest = hashlib.sha256()
    tables = [t[0] for t in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
                                        "AND table_catalog = current_database() ORDER BY 1").fetchall()]
    for table in tables:
        count, mix, total = con.execute(f'SELECT count(*), bit_xor(hash(t)), sum(hash(t)::HUGEINT) FROM "{table}" t').fetchall()[0]
        digest.update(f"{table}:{count}:{mix}:{total};".encode())
    return digest.hexdigest()


def backup(store: str | Path, target: str | Path | None = None) -> tuple[Path, dict]:
    """Copy ``store`` to ``target`` (default: ``<store folder>/backups/<store>-<time>.duckdb``) and
    write ``<target>.json``; returns the copy and what was recorded."""
    from perfkit.store.store import Store

    store = Path(store).resolve()
    if not store.is_file():
        raise StoreError(f"no store at {store} to back up")
    now = dt.datetime.now().replace(microsecond=0)
    target = Path(target) if target else store.parent / "backups" / f"{store.stem}-{now:%Y%m%dT%H%M%S}.duckdb"
    if target.exists():
        raise StoreError(f"{target} already exists; a backup never replaces a file: name another")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    try:
        with Store(store) as db:  # the write lock: no other process writes while the copy is made
            db.con.execute("CHECKPOINT")
            content = content_hash(db.con)
            shutil.copyfile(store, partial)
            sync_file(partial)
        record = {"store": store.name, "made_at": now.isoformat(), "sha256": file_sha256(partial), "content": content}
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    sidecar = target.with_name(target.name + ".json")
    write_text(sidecar, json.dumps(record, indent=1))
    return target, record


def restore(copy: str | Path, store: str | Path) -> tuple[Path | None, dict]:
    """Put the backup ``copy`` back as ``store``, after checking its SHA-256 and content hash against
    ``<copy>.json``; the store replaced is kept as ``<store>.before-restore-<time>``. Returns that
    file (None when there was no store) and the backup's record."""
    from perfkit.store.store import Store

    copy, store = Path(copy).resolve(), Path(store).resolve()
    sidecar = copy.with_name(copy.name + ".json")
    if not copy.is_file() or not sidecar.is_file():
        raise StoreError(f"{copy}: a backup is the copy and its {sidecar.name} (written by `perfkit backup`); "
                         f"{'the copy' if not copy.is_file() else sidecar.name} is not there")
    try:
        record = json.loads(sidecar.read_text(encoding="utf-8"))
        expected, content = record["sha256"], record["content"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StoreError(f"{sidecar} is not the record `perfkit backup` writes ({exc}); nothing was restored") from None
    if file_sha256(copy) != expected:
        raise StoreError(f"{copy} does not match its SHA-256 in {sidecar.name} (the file changed or was damaged since the backup); "
                         "nothing was restored: use another backup")
    now = dt.datetime.now()
    incoming = store.with_name(f".{store.name}.restoring")
    shutil.copyfile(copy, incoming)
    sync_file(incoming)
    try:
        with connect(incoming, read_only=True, wait=0) as con:
            found = content_hash(con)
    except (duckdb.Error, StoreError) as exc:
        incoming.unlink(missing_ok=True)
        raise StoreError(f"{copy} could not be opened as a store ({exc}); nothing was restored") from None
    if found != content:
        incoming.unlink(missing_ok=True)
        raise StoreError(f"{copy} does not hold what its backup held (content hash differs); nothing was restored")
    kept = None
    if store.exists():
        with Store(store) as db:  # the write lock: refused while another process has the store open
            db.con.execute("CHECKPOINT")
        kept = store.with_name(f"{store.name}.before-restore-{now:%Y%m%dT%H%M%S}")
        os.replace(store, kept)
        wal = store.with_name(store.name + ".wal")
        if wal.exists():
            os.replace(wal, kept.with_name(kept.name + ".wal"))
    os.replace(incoming, store)
    return kept, record
