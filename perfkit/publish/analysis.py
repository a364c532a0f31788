"""``perfkit publish --analysis SLUG``: an analyst's rendered paper published like a period's.

``perfkit render`` writes ``outputs/analysis/<slug>/<slug>.{ipynb,html,pdf,docx}``, the notebook's
``metadata.perfkit`` saying what it is (kind "analysis", slug, title, author, date, summary). This
freezes those files as a publication keyed by its own subject (``kind`` 'analysis', ``subject``
the slug): read-only copies under ``outputs/published/analysis/<slug>/publication-<id>/``, named
for a clerk (:mod:`perfkit.render.names`), each hashed and recorded in the store in one
transaction, checked by ``perfkit verify``, and shown in the public site under "Research and
analysis". An analysis has no clearance step yet: it is recorded as uncleared.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from perfkit.errors import ConfigError
from perfkit.publish.run import (
    Publication,
    Subject,
    _indexes,
    _publish,
    published_root,
    recover,
)

__all__ = ["publish_analysis"]

ANALYSIS = "analysis"  # outputs/analysis/ (perfkit.render.site.ANALYSIS_FOLDER) and published/analysis/
_SUFFIXES = {".html": "html", ".pdf": "pdf", ".docx": "docx", ".ipynb": "ipynb"}


def _rendered(out: Path, slug: str) -> tuple[dict, list[tuple[str, Path, str]]]:
    """The analysis's notebook metadata and its files (format, path, SHA-256), checked."""
    from perfkit.contract import METADATA_KEY

    folder = out / ANALYSIS / slug
    again = f"render it first (`perfkit render analysis/{slug}.ipynb`), then publish"
    notebook = folder / f"{slug}.ipynb"
    if slug in ("", ".", "..") or "/" in slug or folder.is_symlink() or not folder.is_dir():
        raise ConfigError(f"--analysis {slug!r}: there is no rendered analysis {folder}; {again}")
    if not notebook.is_file() or notebook.is_symlink():
        raise ConfigError(f"{notebook} is missing: a published analysis keeps the notebook it was rendered from; {again}")
    try:
        meta = json.loads(notebook.read_text(encoding="utf-8")).get("metadata", {}).get(METADATA_KEY, {})
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{notebook} cannot be read as a notebook ({exc}); {again}") from None
    if meta.get("kind") != ANALYSIS or meta.get("slug", slug) != slug or not meta.get("title"):
        raise ConfigError(f"{notebook}: metadata.perfkit must say kind 'analysis', slug {slug!r} and a title (it says kind "
                          f"{meta.get('kind')!r}, slug {meta.get('slug')!r}, title {meta.get('title')!r}); {again}")
    files = []
    for path in sorted(folder.glob(f"{slug}.*")):
        fmt = _SUFFIXES.get(path.suffix)
        if fmt is None:
            continue
        if path.is_symlink() or not path.is_file():
            raise ConfigError(f"{path} is a link, not a file: perfkit publishes only the files render wrote there; {again}")
        files.append((fmt, path, hashlib.sha256(path.read_bytes()).hexdigest()))
    if "html" not in {f for f, _, _ in files}:
        raise ConfigError(f"{folder / (slug + '.html')} is missing: the public site links an analysis's web page; {again}")
    return meta, files


def publish_analysis(slug: str, root: str | Path | None = None, store: str | Path | None = None, out: str | Path | None = None,
                     who: str | None = None) -> Publication:
    """Publish the rendered analysis ``slug`` (see the module).

    Raises
    ------
    ConfigError
        When it is not rendered, its notebook does not say it is an analysis, or its web page is missing.
    PublishInterrupted
        When SIGTERM or SIGINT stopped it: nothing was published.
    """
    import dataclasses

    from perfkit.config.project import Project, project
    from perfkit.outputs import OutputFolder
    from perfkit.publish.papers import Paper
    from perfkit.render.names import download_name
    from perfkit.store.queries import latest_batch, publication_tables
    from perfkit.store.store import Store

    found = project(root=root, store=store)
    proj = Project(found.root, found.store.resolve())
    folder = OutputFolder(Path(out) if out else proj.outputs)
    published_root(folder.path)
    with folder.building():
        meta, files = _rendered(folder.path, slug)
        content = hashlib.sha256("".join(sha for _, _, sha in files).encode()).hexdigest()
        key = f"{ANALYSIS}/{slug}/{slug}"
        paper = Paper(key, slug, tuple(files), {"data": content}, content[:20])
        title, date = str(meta["title"]), str(meta.get("date") or "")
        names = {key: {p.name: download_name(p.name, slug, title, date) for _, p, _ in files}}
        facts = {key: {k: str(meta.get(k) or "") for k in ("title", "author", "date", "summary", "committee")}}
        what = Subject(ANALYSIS, slug, "", ANALYSIS, None, names, facts)
        with Store(proj.store) as db:
            publication_tables(db.con)
            notes = recover(db.con, folder.path)
            made = _publish(db.con, folder.path, proj, what, [paper], {}, who, latest_batch(db.con))
        _indexes(proj, folder.path)
    return dataclasses.replace(made, notes=tuple(notes))
