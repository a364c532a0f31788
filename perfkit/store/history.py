"""The store as it stood: which batch a publication or a moment names, and a copy of the
store holding exactly what it held after that batch (``perfkit build --as-of``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from perfkit.errors import ConfigError, StoreError

__all__ = ["published_build", "resolve_as_of", "snapshot_store"]


def resolve_as_of(store: str | Path, as_of: str) -> tuple[int, str | None, list[str] | None]:
    """The batch a ``--as-of`` names, and for a publication its period and directorates.

    ``as_of`` is a publication id (``3``) or a date and time (``2026-07-01T09:30`` or
    ``2026-07-01``, the end of that day): the last batch imported by then."""
    from perfkit.store.queries import publication_tables
    from perfkit.store.store import Store

    with Store(store) as db:
        con = db.con
        publication_tables(con)
        if as_of.strip().isdigit():
            hit = con.execute("SELECT max_batch_id, subject, kind FROM publications WHERE publication_id = ?", [int(as_of)]).fetchall()
            if not hit:
                raise ConfigError(f"--as-of {as_of}: no publication {as_of}; `perfkit publications` lists them")
            if hit[0][2] == "analysis":
                raise ConfigError(f"--as-of {as_of}: publication {as_of} is the analysis {hit[0][1]!r}, not a period's papers; --as-of "
                                  "rebuilds period papers (the analysis's notebook, as rendered, is kept in its publication folder)")
            folders = con.execute("SELECT DISTINCT split_part(report, '/', 2) FROM publication_files WHERE publication_id = ?",
                                  [int(as_of)]).fetchall()
            return hit[0][0], hit[0][1], sorted(f[0] for f in folders if f[0] != "corporate") or None
        try:
            moment = dt.datetime.fromisoformat(as_of)
        except ValueError:
            raise ConfigError(f"--as-of {as_of!r}: give a publication id (perfkit publications) or a date and time such as "
                              "2026-07-01T09:30") from None
        if len(as_of.strip()) == 10:
            moment = moment.replace(hour=23, minute=59, second=59)
        batch = con.execute("SELECT coalesce(max(batch_id), 0) FROM batches WHERE imported_at <= ?", [moment]).fetchall()[0][0]
        if not batch:
            raise ConfigError(f"--as-of {as_of}: nothing had been imported by then")
        return batch, None, None


def published_build(store: str | Path, publication: int) -> tuple[tuple[str, ...], str | None]:
    """The formats publication ``publication`` has (so ``--as-of`` rebuilds each of them), and the
    perfkit code it was built with (version and source hash; None for a publication recorded before it was kept)."""
    from perfkit.store.queries import publication_tables
    from perfkit.store.store import Store

    with Store(store) as db:
        publication_tables(db.con)
        formats = [f[0] for f in db.con.execute("SELECT DISTINCT format FROM publication_files WHERE publication_id = ? AND format <> 'ipynb' "
                                                "ORDER BY 1", [publication]).fetchall()]
        code = db.con.execute("SELECT code FROM publications WHERE publication_id = ?", [publication]).fetchall()
    return tuple(formats), (code[0][0] if code else None)


def snapshot_store(store: str | Path, batch: int, target: str | Path) -> Path:
    """Write ``target``: a store holding exactly what ``store`` held after ``batch`` was imported."""
    from perfkit.store.store import OBSERVATION_COLUMNS, Store

    target = Path(target)
    for leftover in (target, target.with_name(target.name + ".wal")):
        leftover.unlink(missing_ok=True)
    cols = ", ".join([*OBSERVATION_COLUMNS, "batch_id"])
    with Store(target) as snap:
        con = snap.con
        con.execute("ATTACH ? AS src (READ_ONLY)", [str(Path(store).resolve())])
        try:
            con.execute("BEGIN TRANSACTION")
            con.execute("INSERT INTO batches BY NAME SELECT * FROM src.batches WHERE batch_id <= ?", [batch])
            # the version of each row in force after the batch: the current one if written by
            # then, else the earlier version that was revised only after it
            con.execute(f"""INSERT INTO observations BY NAME
                SELECT {cols} FROM src.observations WHERE batch_id <= $1
                UNION ALL
                SELECT {cols} FROM src.revisions WHERE batch_id <= $1 AND revised_by_batch > $1""", [batch])
            con.execute("INSERT INTO revisions BY NAME SELECT * FROM src.revisions WHERE revised_by_batch <= ?", [batch])
            con.execute("INSERT INTO area_attributes SELECT * FROM src.area_attributes WHERE batch_id <= ?", [batch])
            con.execute("INSERT INTO actions BY NAME SELECT * FROM src.actions WHERE batch_id <= ?", [batch])  # every version written by then
            con.execute("COMMIT")
        except Exception as exc:
            raise StoreError(f"could not make the store as of batch {batch} in {target}: {exc}") from None
        finally:
            con.execute("DETACH src")
    return target
