"""Publication: the papers committee saw, cleared, kept unchanged, verifiable, and rebuilt as the data stood then.

- ``perfkit clear --period P --by NAME`` records who signed a period's built papers off
  (:mod:`perfkit.publish.clearance`): draft, then cleared, then published.
- ``perfkit publish --period P`` copies the built papers to
  ``outputs/published/<period>/<directorate>/publication-<id>/`` as read-only files in
  read-only folders and records the publication in the store, in one transaction
  (:mod:`perfkit.publish.run`; the checks in :mod:`perfkit.publish.papers`): its subject,
  time, who ran it, the data snapshot, the perfkit that built it and, for each file, its path
  (relative to the output folder), SHA-256, the hash of exactly the stored rows the paper
  read, and its clearance. Nothing published is ever replaced.
- ``perfkit verify`` checks every published file against its recorded SHA-256 (:mod:`perfkit.publish.verify`).
- ``perfkit build --as-of ID|DATE-TIME`` rebuilds from the store as it stood then
  (:func:`perfkit.store.history.snapshot_store`), in every format the publication has, and
  says of each published file whether the rebuild reproduced it (:mod:`perfkit.publish.reproduce`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from perfkit.publish.clearance import clear
from perfkit.publish.run import PUBLISHED, Publication, PublishInterrupted, publish
from perfkit.publish.verify import verify
from perfkit.store.history import resolve_as_of, snapshot_store

__all__ = ["PUBLISHED", "Publication", "PublishInterrupted", "clear", "publications", "publish", "resolve_as_of", "snapshot_store", "verify"]


def publications(store: str | Path, subject: str | None = None) -> pd.DataFrame:
    """Every publication (of ``subject``: a period's label), newest first, with its number of
    files, the directorates and formats it covers and how many of its papers were cleared."""
    from perfkit.store.queries import publication_rows, publication_tables
    from perfkit.store.store import Store

    if not Path(store).exists():
        return pd.DataFrame(columns=["publication_id", "kind", "subject", "period", "published_at", "published_by", "max_batch_id", "files",
                                     "folders", "formats", "cleared", "papers", "perfkit_version", "code", "folder"])
    with Store(store) as db:  # read-write: a store made before publications gains their tables
        publication_tables(db.con)
        return publication_rows(db.con, subject)
