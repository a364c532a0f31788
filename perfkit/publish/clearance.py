"""Cleared, then published: a period's built papers go draft -> cleared -> published.

``perfkit clear --period P --by NAME`` records, for each built paper of the period, who signed
it off (the director or portfolio holder, in the words given), when, who recorded it, and
exactly what the paper was built from (its manifest inputs): a paper rebuilt from other data,
params or code is a new draft and needs clearing again. ``perfkit publish`` refuses a paper
not cleared unless told (``--uncleared``), and records each paper's clearance with its files.
"""

from __future__ import annotations

import datetime as dt
import getpass
from pathlib import Path

from perfkit.errors import ConfigError
from perfkit.periods import Period, parse_period

__all__ = ["clear"]


def clear(period: str | Period, by: str, directorates: list[str] | None = None, root: str | Path | None = None,
          store: str | Path | None = None, out: str | Path | None = None, who: str | None = None,
          when: dt.datetime | None = None) -> list[str]:
    """Record that ``by`` cleared the built papers of ``period`` (and ``directorates``); returns their keys."""
    from perfkit.config.project import Project, project
    from perfkit.outputs import OutputFolder
    from perfkit.publish.papers import papers_to_publish
    from perfkit.store.queries import publication_tables, record_clearance
    from perfkit.store.store import Store
    from perfkit.text import printable

    by = " ".join(printable(by).split())
    if not by:
        raise ConfigError("--by: name who cleared the papers (the director or portfolio holder who signed them off)")
    found = project(root=root, store=store)
    proj = Project(found.root, found.store.resolve())
    subject = period if isinstance(period, Period) else parse_period(period)
    folder = OutputFolder(Path(out) if out else proj.outputs)
    papers = papers_to_publish(proj, subject, directorates, folder.path)
    at = (when or dt.datetime.now()).replace(microsecond=0)
    rows = [{"kind": "period", "subject": subject.label, "report": p.key, "inputs": p.inputs_hash, "cleared_by": by, "cleared_at": at,
             "recorded_by": who or getpass.getuser()} for p in papers]
    with Store(proj.store) as db:
        publication_tables(db.con)
        record_clearance(db.con, rows)
    return [p.key for p in papers]
