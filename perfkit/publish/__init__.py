"""Publication: the papers committee saw, kept unchanged, and rebuilt as the data stood then.

``perfkit publish --period P`` copies a period's built papers to
``outputs/published/<period>/<directorate>/publication-<id>/`` as read-only files and records
the publication in the store: its id, time, who ran it, the data snapshot (the highest
batch imported) and, for each file, its SHA-256 and the hash of exactly the stored rows the
paper read. A paper that is not built, or was built from other data or code than the store
and perfkit hold now, is refused: rebuild it first. Publishing again makes a new
publication with its own id and folder; nothing published is ever replaced, and ``perfkit
build`` never writes under ``published/``.

``perfkit build --as-of ID|DATE-TIME`` rebuilds from the store as it stood then: each row in
the version in force after that batch (the current row if it was written by then, else the
earlier version kept in ``revisions``), in a snapshot store of its own, into a separate
folder (:func:`perfkit.store.history.snapshot_store`).
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from perfkit.errors import ConfigError
from perfkit.periods import Period, parse_period
from perfkit.store.history import resolve_as_of, snapshot_store
from perfkit.store.queries import next_publication, publication_rows, record_publication

__all__ = ["Publication", "publications", "publish", "resolve_as_of", "snapshot_store"]

PUBLISHED = "published"


@dataclass(frozen=True)
class Publication:
    """One publication: what was published, when, by whom, from which data."""

    publication_id: int
    period: str
    published_at: dt.datetime
    published_by: str
    max_batch_id: int
    folder: Path
    files: tuple[Path, ...]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def publish(period: str | Period, directorates: list[str] | None = None, root: str | Path | None = None,
            store: str | Path | None = None, out: str | Path | None = None, who: str | None = None) -> Publication:
    """Publish the built papers of ``period`` (see the module).

    Raises
    ------
    ConfigError
        When a paper to publish is not built, failed, or is out of date with the store,
        params or code (naming it and the command that rebuilds it).
    """
    from perfkit.build.job import job_key, jobs_inputs, plan
    from perfkit.build.manifest import Manifest, code_hash
    from perfkit.config.council import load_council
    from perfkit.config.papers import project_params
    from perfkit.config.project import Project, project
    from perfkit.outputs import OutputFolder
    from perfkit.render.formats import FORMATS
    from perfkit.render.site import index_names, write_index
    from perfkit.store.store import Store

    found = project(root=root, store=store)
    proj = Project(found.root, found.store.resolve())
    when = period if isinstance(period, Period) else parse_period(period)
    params = project_params(proj)
    council = load_council(proj.params)
    folder = OutputFolder(Path(out) if out else proj.outputs)
    manifest = Manifest(folder.path)
    jobs = plan(params, when, directorates, None, store=proj.store)
    papers = []
    every = jobs_inputs(jobs, params, proj, code_hash(), council.area_code)
    for job in jobs:
        key = job_key(job)
        entry = manifest.entries.get(key)
        inputs = every[key]
        files = {fmt: Path(p) for fmt, p in (entry or {}).get("files", {}).items() if p}
        rebuild = f"run `perfkit build --period '{when.label}'` first, then publish"
        if not entry or entry.get("status") != "built" or not files.get("html", Path()).is_file():
            raise ConfigError(f"{key} is not built in {folder.path}; {rebuild}")
        if entry.get("inputs") != inputs:
            changed = ", ".join(k for k in inputs if inputs[k] != entry.get("inputs", {}).get(k))
            raise ConfigError(f"{key} was built from other {changed} than perfkit has now (the paper would not be what the store "
                              f"says); {rebuild}")
        papers.append((job, inputs, files))
    with Store(proj.store) as db, folder.building():
        con = db.con
        batch, number = next_publication(con)
        now, by = dt.datetime.now().replace(microsecond=0), who or getpass.getuser()
        target_root = folder.path / PUBLISHED / when.slug
        made, rows = [], []
        try:
            for job, inputs, files in papers:
                target = target_root / job.folder / f"publication-{number}"
                if target.exists():
                    raise ConfigError(f"{target} already exists; nothing published is replaced: remove the stray folder by hand")
                staging = target.with_name(f".{target.name}.tmp")
                shutil.rmtree(staging, ignore_errors=True)
                staging.mkdir(parents=True)
                every = [(fmt, path) for fmt, main in sorted(files.items())  # open data travels with its data dictionary
                         for path in (FORMATS[fmt].paths(main.parent, job.name) if fmt in FORMATS else [main])]
                for fmt, source in every:
                    if source.is_file():
                        copy = staging / source.name
                        shutil.copyfile(source, copy)
                        os.chmod(copy, 0o444)  # read-only: the record of what was published
                        rows.append((number, job_key(job), fmt, str(target / source.name), _sha256(copy), inputs["data"]))
                record = {"publication_id": number, "period": when.label, "published_at": now.isoformat(sep=" "), "published_by": by,
                          "max_batch_id": batch, "report": job_key(job)}
                (staging / "publication.json").write_text(json.dumps(record, indent=1), encoding="utf-8")
                os.chmod(staging / "publication.json", 0o444)
                os.replace(staging, target)
                made.append(target)
            record_publication(con, (number, when.label, now, by, batch, str(target_root)), rows)
            write_index(folder.path, council.name, index_names(params))  # the index marks what was published
        except BaseException:
            for path in made:  # a publication is whole or absent
                for child in path.iterdir():
                    os.chmod(child, 0o644)
                shutil.rmtree(path, ignore_errors=True)
            raise
    return Publication(number, when.label, now, by, batch, target_root, tuple(Path(r[3]) for r in rows))


def publications(store: str | Path) -> pd.DataFrame:
    """Every publication, newest first, with its number of files."""
    from perfkit.store.store import Store

    if not Path(store).exists():
        return pd.DataFrame(columns=["publication_id", "period", "published_at", "published_by", "max_batch_id", "files", "folder"])
    with Store(store) as db:  # read-write: a store made before publications gains their tables
        return publication_rows(db.con)


