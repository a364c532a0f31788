"""``outputs/published/index.html``: the public site, what goes on the council's website.

Built from publications only (frozen papers, never working builds), from the record each
publication folder keeps (``publication.json``): per period, newest first, the corporate overview,
then the directorates' papers in agenda-letter order, then area profiles, each with its title,
committee, meeting date, paper letter and its files, named for a clerk
(:mod:`perfkit.render.names`); then "Research and analysis": the analysts' papers published
(title, author, date, summary). Nothing internal: no data check, no notebook, no build words, no
one's email (the papers print their own contact block); lists, not tables, so a phone needs no
sideways scrolling.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path

from perfkit.render.names import href_of
from perfkit.report.kinds import AREAS_FOLDER
from perfkit.text import html_text as h

__all__ = ["publication_records", "write_published_index"]

PUBLISHED, PUBLISHED_INDEX = "published", "index.html"
#: The files a reader is offered, by suffix, in this order (the notebook is not one of them).
_OFFERED = {".html": "Web page", ".pdf": "PDF", ".docx": "Word"}


def publication_records(root: Path) -> list[tuple[dict, Path, dict[str, str]]]:
    """Every publication under ``root`` (``published/``), from the record each keeps
    (publication.json, written once the publication is recorded): the record, its folder, and
    its files that are there (published name -> the name it was built under). The one reader,
    for both sites."""
    found = []
    for record in sorted(root.glob("**/publication-*/publication.json")):
        try:
            meta = json.loads(record.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        folder = record.parent
        names = {p.name for p in folder.iterdir() if p.is_file()}
        files = {n: b for n, b in (meta.get("files") or {n: n for n in names}).items() if n in names}
        found.append((meta, folder, files))
    return found


def _records(root: Path) -> list[dict]:
    """Every publication's record, with its folder, number and the files a reader is offered."""
    found = []
    for meta, folder, files in publication_records(root):
        meta.update(place=folder, number=int(meta.get("publication_id") or 0), area_folder=folder.parent.name,
                    offered=[(n, b) for n, b in sorted(files.items()) if not n.endswith((".ipynb", ".json"))])
        found.append(meta)
    return found


def _files(meta: dict, root: Path, what: str) -> str:
    """The publication's files for a reader: web page, PDF, Word, open data, each with its name."""
    def label(name: str, built: str) -> str:
        suffix = Path(name).suffix.lower()
        if suffix == ".csv":
            return "Data dictionary (CSV)" if "dictionary" in built else "Open data (CSV)"
        return _OFFERED.get(suffix, suffix.lstrip(".").upper())

    order = lambda nb: (list(_OFFERED).index(Path(nb[0]).suffix.lower()) if Path(nb[0]).suffix.lower() in _OFFERED else 9, "dictionary" in nb[1], nb[0])  # noqa: E731
    links = []
    for name, built in sorted(meta["offered"], key=order):
        href = href_of(os.path.relpath(meta["place"] / name, root))
        keep = "" if name.endswith(".html") else f" download='{h(name)}'"  # a web page opens; a file downloads under its name
        links.append(f"<li><a href='{h(href)}'{keep}>{h(label(name, built))}<span class='visually-hidden'>: {h(what)}</span></a></li>")
    return f"<ul class='downloads'>{''.join(links)}</ul>"


def _date(iso: str) -> str:
    try:
        return f"{dt.date.fromisoformat(str(iso)[:10]):%-d %B %Y}"
    except ValueError:
        return ""


def _paper(meta: dict, root: Path, names: dict[str, str], earlier: list[dict]) -> str:
    """One period paper, as a card: title, committee, meeting, letter, published, files."""
    facts = meta.get("paper") or {}
    folder = meta["area_folder"]
    title = facts.get("title") or f"{names.get(folder, folder.replace('-', ' ').capitalize())}: {meta.get('subject', '')}"
    rows = [("Committee", facts.get("committee", "")), ("Meeting", _date(facts.get("meeting", ""))),
            ("Agenda item", f"Paper {facts['letter']}" if facts.get("letter") else ""), ("Published", _date(meta.get("published_at", "")))]
    facts_list = "".join(f"<dt>{h(k)}</dt><dd>{h(v)}</dd>" for k, v in rows if v)
    older = "".join(f"<li>{_date(e.get('published_at', ''))}: {_files(e, root, title + ', published ' + _date(e.get('published_at', '')))}</li>"
                    for e in earlier)
    older = f"<details><summary>Earlier versions of this paper</summary><ul>{older}</ul></details>" if older else ""
    return (f"<li class='paper'><h3>{h(title)}</h3><dl class='facts'>{facts_list}</dl>"
            f"{_files(meta, root, title)}{older}</li>")


def _analysis(meta: dict, root: Path, earlier: list[dict]) -> str:
    """One published analysis: title, author, date, summary, files."""
    facts = meta.get("paper") or {}
    title = facts.get("title") or meta.get("subject", "")
    rows = [("Author", facts.get("author", "")), ("Date", _date(facts.get("date", ""))), ("Committee", facts.get("committee", "")),
            ("Published", _date(meta.get("published_at", "")))]
    facts_list = "".join(f"<dt>{h(k)}</dt><dd>{h(v)}</dd>" for k, v in rows if v)
    summary = f"<p>{h(facts['summary'])}</p>" if facts.get("summary") else ""
    older = "".join(f"<li>{_date(e.get('published_at', ''))}: {_files(e, root, title)}</li>" for e in earlier)
    older = f"<details><summary>Earlier versions</summary><ul>{older}</ul></details>" if older else ""
    return f"<li class='paper'><h3>{h(title)}</h3><dl class='facts'>{facts_list}</dl>{summary}{_files(meta, root, title)}{older}</li>"


def _latest(records: list[dict], key) -> list[tuple[dict, list[dict]]]:  # noqa: ANN001 - a function of a record
    """Each paper's latest publication, with its earlier ones (newest first)."""
    groups: dict = {}
    for r in sorted(records, key=lambda r: -r["number"]):
        groups.setdefault(key(r), []).append(r)
    return [(g[0], g[1:]) for g in groups.values()]


def _order(meta: dict) -> tuple:
    """The overview first, then the directorates' papers by agenda letter, then area profiles."""
    folder, letter = meta["area_folder"], (meta.get("paper") or {}).get("letter", "")
    return (0 if folder == "corporate" else 2 if folder == AREAS_FOLDER else 1, len(letter), letter, folder)


def write_published_index(out: Path, council: str, names: dict[str, str] | None = None) -> Path:
    """Write ``out/published/index.html`` (see the module). The papers published link here ("All
    reports"), so it stays where it is; ``perfkit publish`` writes it (it is not a publication:
    ``perfkit verify`` does not check it)."""
    from perfkit.periods import parse_period

    names = names or {}
    root = out / PUBLISHED
    records = _records(root) if root.is_dir() else []
    periods = [r for r in records if r.get("kind", "period") == "period"]
    analyses = [r for r in records if r.get("kind") == "analysis"]
    css = (Path(__file__).parent / "report.css").read_text(encoding="utf-8")

    def when(label: str):  # noqa: ANN202 - sort key
        try:
            return parse_period(label)
        except Exception:  # noqa: BLE001 - a subject that is not a period sorts last
            return parse_period("1900/01")

    labels = sorted({r.get("subject") or r.get("period", "") for r in periods}, key=when, reverse=True)
    sections, nav = [], []
    for label in labels:
        mine = _latest([r for r in periods if (r.get("subject") or r.get("period")) == label], lambda r: (r["area_folder"], r.get("report")))
        items = "".join(_paper(m, root, names, e) for m, e in sorted(mine, key=lambda me: _order(me[0])))
        anchor = "p-" + label.replace("/", "-").replace(" ", "-")
        nav.append(f"<li><a href='#{h(anchor)}'>{h(label)}</a></li>")
        sections.append(f"<section><h2 id='{h(anchor)}'>Committee papers for {h(label)}</h2><ul class='papers'>{items}</ul></section>")
    if analyses:
        mine = _latest(analyses, lambda r: r.get("subject"))
        items = "".join(_analysis(m, root, e) for m, e in sorted(mine, key=lambda me: str((me[0].get("paper") or {}).get("date", "")), reverse=True))
        nav.append("<li><a href='#research'>Research and analysis</a></li>")
        sections.append(f"<section><h2 id='research'>Research and analysis</h2><ul class='papers'>{items}</ul></section>")
    body = (f"<nav aria-label='On this page'><h2>On this page</h2><ul class='periods'>{''.join(nav)}</ul></nav>{''.join(sections)}"
            if sections else "<p>Nothing has been published yet.</p>")
    page = (
        f"<!DOCTYPE html><html lang='en-GB'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{h(council)}: performance reports</title><style>{css}</style></head><body>"
        f"<a class='skip-link' href='#main'>Skip to the papers</a><main id='main'><h1>{h(council)}: performance reports</h1>"
        f"<p>The performance papers as each committee received them, unchanged since, and the council's published research "
        f"and analysis. Each paper is offered as a web page, as PDF and as Word, with open data beside the public papers.</p>"
        f"{body}</main></body></html>"
    )
    root.mkdir(parents=True, exist_ok=True)
    path = root / PUBLISHED_INDEX
    fd, tmp = tempfile.mkstemp(prefix=".index.", suffix=".tmp", dir=root)  # not perfkit's atomic writer: that refuses published/
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(page)
    os.chmod(tmp, 0o444)
    os.replace(tmp, path)
    return path
