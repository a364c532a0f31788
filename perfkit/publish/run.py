"""``perfkit publish``: one transaction from the check to the record.

1. Under the output folder's lock (no build or other publish writes there), the papers are
   checked (:mod:`perfkit.publish.papers`) against the data batch read first; then the store is
   opened for writing, which holds DuckDB's write lock (no import can land) until the record.
   If an import landed between the batch read and that lock, the check is made again, so the
   batch recorded is always the one the papers were checked against.
2. Every file is copied into a staging folder, hashed as copied, made read-only; each
   paper's folder is moved into ``published/<period>/<folder>/publication-<id>/``; then the
   publication is recorded in one store transaction: that record is the commit. Only then is
   each folder's ``publication.json`` written and the folders made read-only.
3. SIGTERM and SIGINT during it undo what was made (nothing recorded, nothing left on disk);
   after a power cut the next publish removes any ``publication-<id>`` folder the store does
   not record, and finishes one it does (:func:`recover`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import getpass
import hashlib
import json
import os
import re
import shutil
import signal
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from perfkit.atomic import PUBLISHED_MARKER
from perfkit.errors import ConfigError, Stopped
from perfkit.periods import Period, parse_period

__all__ = ["PUBLISHED", "Publication", "PublishInterrupted", "publish", "recover"]

PUBLISHED = "published"
STAGING = ".publishing"
_FOLDER = re.compile(r"^publication-(\d+)$")


class PublishInterrupted(Stopped):
    """A publish stopped by SIGTERM or SIGINT, after undoing what it had made."""


class _Signal(BaseException):
    pass


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
    papers: tuple[str, ...] = ()  # the reports' keys ('<period>/<folder>/<report>')
    formats: tuple[str, ...] = ()
    uncleared: tuple[str, ...] = ()  # papers published without a recorded clearance (--uncleared)
    notes: tuple[str, ...] = ()  # what was cleaned up after an interrupted publish


@contextlib.contextmanager
def _signals_raise() -> Iterator[None]:
    """SIGTERM raises (as SIGINT does), so the undo runs; the handlers are put back after."""
    def stop(number: int, _frame: object) -> None:
        raise _Signal(signal.Signals(number).name)

    try:
        before = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread: signals are not ours to take
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """SIGTERM and SIGINT wait until the block ends (the undo, or the record, is not cut short)."""
    held = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, held)


def _writable(path: Path) -> None:
    for place in [path, *path.rglob("*")] if path.is_dir() and not path.is_symlink() else []:
        if place.is_dir() and not place.is_symlink():
            os.chmod(place, 0o755)


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        _writable(path)
        shutil.rmtree(path, ignore_errors=True)


def _read_only(folder: Path) -> None:
    for place in folder.iterdir():
        if place.is_file():
            os.chmod(place, 0o444)
    os.chmod(folder, stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)


def published_root(out: Path) -> Path:
    """``out/published``, refused when it (or a folder in it) is a link: publications stay inside the output folder."""
    root = out / PUBLISHED
    for place in [root, *(root.glob("*") if root.is_dir() and not root.is_symlink() else [])]:
        if place.is_symlink():
            raise ConfigError(f"{place} is a link ({place.readlink()}); publications are kept only inside the output folder "
                              f"{out}: replace the link with a folder (move what it holds there) and publish again")
    return root


def recover(con, out: Path) -> list[str]:  # noqa: ANN001 - DuckDB connection
    """Finish or undo an interrupted publish: staging removed, a ``publication-<id>`` folder the
    store does not record removed, a recorded one given its ``publication.json``. Says what it did."""
    root, said = published_root(out), []
    if not root.is_dir():
        return said
    recorded = {r[0]: r for r in con.execute("SELECT publication_id, subject, published_at, published_by, max_batch_id, kind FROM publications").fetchall()}
    for stray in root.glob(f"{STAGING}-*"):
        _remove(stray)
        said.append(f"removed {stray.name}, left by an interrupted publish")
    for folder in sorted(root.glob("*/*/publication-*")):
        found = _FOLDER.match(folder.name)
        if not found or folder.is_symlink():
            continue
        number = int(found.group(1))
        if number not in recorded:
            _remove(folder)
            said.append(f"removed {folder.relative_to(out)}: an interrupted publish made it and never recorded it")
        elif not (folder / "publication.json").is_file():
            os.chmod(folder, 0o755)
            found = con.execute("SELECT report, path, built FROM publication_files WHERE publication_id = ? AND path LIKE ?",
                                [number, f"%{folder.parent.name}/publication-{number}/%"]).fetchall()
            files = {Path(path).name: built for _, path, built in found if built}
            _write_record(folder, recorded[number][:5], found[0][0] if found else "", recorded[number][5] or "period", files)
            _read_only(folder)
            said.append(f"finished {folder.relative_to(out)}: recorded, but interrupted before it was sealed")
    return said


def _write_record(folder: Path, pub: tuple, report: str, kind: str = "period", files: dict | None = None, facts: dict | None = None) -> None:
    """A publication folder's own record, which the sites read: what it is, when, and each published
    file's name as the build wrote it (``files``: published name -> build's name), and the paper's facts."""
    number, subject, at, by, batch = pub
    record = {"publication_id": number, "kind": kind, "period": subject if kind == "period" else "", "subject": subject,
              "published_at": str(at), "published_by": by, "max_batch_id": batch, "report": report,
              "files": files or {}, "paper": facts or {}}
    (folder / "publication.json").write_text(json.dumps(record, indent=1), encoding="utf-8")


def publish(period: str | Period, directorates: list[str] | None = None, root: str | Path | None = None,
            store: str | Path | None = None, out: str | Path | None = None, who: str | None = None,
            uncleared: bool = False) -> Publication:
    """Publish the built papers of ``period`` (see the module).

    Raises
    ------
    ConfigError
        When a paper to publish is not built, failed, is out of date with the store, params or
        code, lacks a file it was built with, or is not cleared (unless ``uncleared``).
    PublishInterrupted
        When SIGTERM or SIGINT stopped it: nothing was published.
    """
    from perfkit.config.project import Project, project
    from perfkit.outputs import OutputFolder
    from perfkit.publish.papers import papers_to_publish
    from perfkit.store.queries import clearance_of, latest_batch, publication_tables
    from perfkit.store.store import Store

    found = project(root=root, store=store)
    proj = Project(found.root, found.store.resolve())
    when = period if isinstance(period, Period) else parse_period(period)
    folder = OutputFolder(Path(out) if out else proj.outputs)
    published_root(folder.path)
    with folder.building():
        for _attempt in range(5):
            with Store(proj.store, read_only=True) as db:
                seen = latest_batch(db.con)
            papers = papers_to_publish(proj, when, directorates, folder.path)
            db = Store(proj.store)  # DuckDB's write lock, held to the record: no import lands now
            if latest_batch(db.con) == seen:
                break
            db.close()  # an import landed while the papers were checked: check them again
        else:
            raise ConfigError("imports kept landing while the papers were checked; publish again when they have finished")
        try:
            con = db.con
            publication_tables(con)
            notes = recover(con, folder.path)
            cleared = {p.key: clearance_of(con, p.key, p.inputs_hash) for p in papers}
            missing = [k for k, c in cleared.items() if c is None]
            if missing and not uncleared:
                raise ConfigError(f"not cleared for publication: {', '.join(missing)}; record who signed them off with "
                                  f"`perfkit clear --period '{when.label}' --by NAME` (the director or portfolio holder), or publish "
                                  "them uncleared with --uncleared (recorded as such)")
            made = _publish(con, folder.path, proj, _period_subject(proj, when, papers), papers, cleared, who, seen)
        finally:
            db.close()
        _indexes(proj, folder.path)
    return dataclasses.replace(made, notes=tuple(notes))


def _indexes(proj, out: Path) -> None:  # noqa: ANN001 - Project
    """The index of everything built and published, and ``published/index.html`` (publications only)."""
    from perfkit.config.council import load_council
    from perfkit.config.papers import project_params
    from perfkit.render.public_site import write_published_index
    from perfkit.render.site import index_names, write_index

    params = project_params(proj)
    names, council = index_names(params), load_council(proj.params).name
    write_index(out, council, names, params)
    write_published_index(out, council, names)


@dataclass(frozen=True)
class Subject:
    """What a publication publishes: a period's papers (``kind`` 'period', ``subject`` its label)
    or an analyst's paper ('analysis', its slug); where it goes under ``published/``; what each
    paper's files are called there and what a reader is told of each paper (its facts)."""

    kind: str
    subject: str
    period: str  # the publications table's period: the label, or "" for an analysis
    folder: str  # under published/: the period's slug, or analysis/<slug>
    when: Period | None  # the period, whose papers' links publishing rewrites
    names: dict  # paper key -> {build's file name: published file name}
    facts: dict  # paper key -> {title, committee, meeting, letter, ...} (publication.json)


def _period_subject(proj, when: Period, papers: list) -> Subject:  # noqa: ANN001 - Project
    """The period's papers, each file named for a clerk (:mod:`perfkit.render.names`), and each
    paper's committee, meeting date and letter as its params give them now."""
    from perfkit.config.papers import project_params
    from perfkit.render.names import paper_download_name

    params = project_params(proj)
    names, facts = {}, {}
    for paper in papers:
        report = paper.key.split("/")[-1]
        title = _title(paper.files)
        names[paper.key] = {s.name: paper_download_name(params, paper.folder, when.label, s.name, report, title) for _, s, _ in paper.files}
        settings = params.paper_for(paper.folder) if paper.folder in (*params.directorates, "corporate", "areas") else None
        meeting = params.meeting(when, settings) if settings is not None else None
        facts[paper.key] = {"title": title, "committee": settings.committee if settings else "", "letter": settings.paper if settings else "",
                            "meeting": meeting.isoformat() if meeting else "", "officer": settings.officer if settings else ""}
    return Subject("period", when.label, when.label, when.slug, when, names, facts)


def _title(files: tuple) -> str:
    """The paper's title, as its executed notebook records it ("" when it has none)."""
    from perfkit.contract import METADATA_KEY

    for fmt, source, _ in files:
        if fmt == "ipynb":
            try:
                return str(json.loads(source.read_text(encoding="utf-8")).get("metadata", {}).get(METADATA_KEY, {}).get("title", ""))
            except (OSError, ValueError):
                return ""
    return ""


def _publish(con, out: Path, proj, what: Subject, papers: list, cleared: dict, who: str | None, batch: int) -> Publication:  # noqa: ANN001
    from perfkit._version import __version__
    from perfkit.build.manifest import code_hash
    from perfkit.render.site import published_links
    from perfkit.store.queries import next_publication, record_publication

    _batch, number = next_publication(con)
    now, by = dt.datetime.now().replace(microsecond=0), who or getpass.getuser()
    root = published_root(out)
    root.mkdir(parents=True, exist_ok=True)
    if not (root / PUBLISHED_MARKER).is_file():
        (root / PUBLISHED_MARKER).write_text("perfkit keeps publications here; its writers never write in this folder.\n", encoding="utf-8")
    staging = root / f"{STAGING}-{number}"
    subject_root = root / what.folder
    made: list[Path] = []
    rows: list[dict] = []
    recorded = False
    try:
        with _signals_raise():
            for paper in papers:
                target = subject_root / paper.folder / f"publication-{number}"
                if target.exists():
                    raise ConfigError(f"{target} already exists; nothing published is replaced: remove the stray folder by hand")
                place = staging / paper.folder
                place.mkdir(parents=True)
                renamed = what.names.get(paper.key, {})
                for fmt, source, sha in paper.files:
                    data = source.read_bytes()
                    if hashlib.sha256(data).hexdigest() != sha:
                        raise ConfigError(f"{source} changed while it was being published; build it again, then publish")
                    if fmt == "html" and source.suffix == ".html":  # its links work from where it sits (render.site)
                        data = published_links(data.decode("utf-8"), out, target, what.when, source.name, renamed=renamed).encode("utf-8")
                    name = renamed.get(source.name, source.name)
                    copy = place / name
                    copy.write_bytes(data)
                    os.chmod(copy, 0o444)
                    c = cleared.get(paper.key)
                    rows.append({"publication_id": number, "report": paper.key, "format": fmt,
                                 "path": (target / name).relative_to(out).as_posix(),
                                 "sha256": hashlib.sha256(data).hexdigest(), "rows_hash": paper.inputs["data"],
                                 "cleared_by": c[0] if c else None, "cleared_at": c[1] if c else None, "built": source.name})
            for paper in papers:
                target = subject_root / paper.folder / f"publication-{number}"
                target.parent.mkdir(parents=True, exist_ok=True)
                os.rename(staging / paper.folder, target)
                made.append(target)
            code = papers[0].inputs.get("code") if papers else None
            record = {"publication_id": number, "period": what.period, "published_at": now, "published_by": by, "max_batch_id": batch,
                      "folder": subject_root.relative_to(out).as_posix(), "kind": what.kind, "subject": what.subject,
                      "perfkit_version": __version__, "code": code or code_hash()}
            with _signals_held():
                record_publication(con, record, rows)
                recorded = True
                for paper, target in zip(papers, made):
                    _write_record(target, (number, what.subject, now.isoformat(sep=" "), by, batch), paper.key, what.kind,
                                  {v: k for k, v in what.names.get(paper.key, {}).items()}, what.facts.get(paper.key, {}))
                    _read_only(target)
                _remove(staging)
    except BaseException as exc:
        if recorded:
            raise
        with _signals_held():  # a publication is whole or absent
            for path in [*made, staging]:
                _remove(path)
        if isinstance(exc, (_Signal, KeyboardInterrupt)):
            name = str(exc) if isinstance(exc, _Signal) else "SIGINT"
            said = "Ctrl-C" if name == "SIGINT" else name
            raise PublishInterrupted(f"stopped by {said}: nothing was published or recorded; run it again",
                                     128 + signal.Signals[name].value) from None
        raise
    files = tuple(out / r["path"] for r in rows)
    return Publication(number, what.subject, now, by, batch, subject_root, files, tuple(p.key for p in papers),
                       tuple(dict.fromkeys(f for p in papers for f in p.formats)),
                       tuple(k for k, c in cleared.items() if c is None))
