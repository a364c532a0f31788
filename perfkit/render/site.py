"""``outputs/index.html``: every report built, by period and directorate, with RAG counts."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from perfkit._version import __version__
from perfkit.assess.rag import RAG_LABELS
from perfkit.atomic import write_text
from perfkit.periods import Period, parse_period
from perfkit.render.formats import FORMATS
from perfkit.render.names import download_name, href_of, paper_download_name
from perfkit.render.public_site import publication_records
from perfkit.report.kinds import AREAS_FOLDER
from perfkit.text import html_text as h

__all__ = ["index_names", "published_links", "write_index"]

PUBLISHED = "published"
PUBLISHED_INDEX = "index.html"

#: Where ``perfkit render`` writes analysts' papers: ``outputs/analysis/<slug>/<slug>.{ipynb,html,pdf,docx}``.
ANALYSIS_FOLDER = "analysis"


def _entries(out: Path, params=None) -> list[dict]:  # noqa: ANN001 - ReportParams
    entries = []
    for nb_path in sorted(out.glob("*/*/*.ipynb")):
        if nb_path.parent.parent.name in (ANALYSIS_FOLDER, PUBLISHED, "as-of"):
            continue
        try:
            meta = json.loads(nb_path.read_text(encoding="utf-8")).get("metadata", {}).get("perfkit", {})
        except (OSError, ValueError):
            meta = {}
        stem = nb_path.with_suffix("")
        period, folder, title = meta.get("period") or nb_path.parent.parent.name, nb_path.parent.name, meta.get("title", "")
        links = _links(stem, out, with_notebook=True)
        entries.append(
            {
                "period": period,
                "folder": folder,
                "report": nb_path.stem,
                "title": title,
                "rag": meta.get("rag_counts", {}),
                "failed": meta.get("failed", "") if meta else "see the notebook",
                "links": links,
                "names": {fmt: paper_download_name(params, folder, period, Path(href).name, nb_path.stem, title)
                          for fmt, href in links.items() if fmt not in ("html", "ipynb")},
                "letter": _letter(params, folder),
            }
        )
    return entries


def _letter(params, folder: str) -> str:  # noqa: ANN001 - ReportParams
    """A folder's paper letter in the agenda ("" where the params give none)."""
    try:
        return params.paper_for(folder).paper if params is not None and folder != AREAS_FOLDER else ""
    except Exception:  # noqa: BLE001 - a folder the params no longer have
        return ""


def _analyses(out: Path) -> list[dict]:
    """The analysts' papers ``perfkit render`` wrote (``outputs/analysis/<slug>/``), newest first, from
    each notebook's ``metadata.perfkit`` (kind "analysis": slug, title, author, date, summary, status)."""
    found = []
    for nb_path in sorted((out / ANALYSIS_FOLDER).glob("*/*.ipynb")):
        try:
            meta = json.loads(nb_path.read_text(encoding="utf-8")).get("metadata", {}).get("perfkit", {})
        except (OSError, ValueError):
            continue
        if meta.get("kind") != "analysis" or nb_path.stem != nb_path.parent.name:
            continue
        links = _links(nb_path.with_suffix(""), out, with_notebook=True)
        title, date = str(meta.get("title") or nb_path.stem), str(meta.get("date") or "")
        found.append({**{k: str(meta.get(k) or "") for k in ("slug", "author", "summary", "status", "committee")}, "title": title, "date": date,
                      "links": links, "names": {fmt: download_name(Path(href).name, nb_path.stem, title, date) for fmt, href in links.items()
                                                if fmt not in ("html", "ipynb")}})
    return sorted(found, key=lambda a: a["date"], reverse=True)


def _links(stem: Path, out: Path, with_notebook: bool = False) -> dict[str, str]:
    """A paper's files in every format it was written in (the notebook too, for a build), by format."""
    files = [(name, Path(f"{stem}{f.suffixes[0]}")) for name, f in FORMATS.items()]
    files += [("ipynb", Path(f"{stem}.ipynb"))] if with_notebook else []
    return {name: os.path.relpath(path, out) for name, path in files if path.exists()}


def _period_key(label: str):  # noqa: ANN202 - sort key
    try:
        return parse_period(label)
    except Exception:  # noqa: BLE001 - a folder that is not a period sorts last
        return parse_period("1900/01")


def _published(out: Path, base: Path | None = None) -> list[dict]:
    """Every publication's period papers under ``out/published/``, from the record each keeps
    (publication.json, written once the publication is recorded), with links relative to ``base``
    (default ``out``) to the files under the names they were published with."""
    found = []
    for meta, folder, files in publication_records(out / "published"):
        if meta.get("kind", "period") != "period":
            continue
        report = str(meta.get("report", "")).split("/")[-1] or next((Path(b).stem for b in files.values() if b.endswith(".html")), "")
        links = {fmt: os.path.relpath(folder / name, base or out) for fmt, f in FORMATS.items()
                 for name, built in files.items() if built == f"{report}{f.suffixes[0]}"}
        if "html" in links:
            found.append({"period": meta.get("period", folder.parent.parent.name), "folder": folder.parent.name, "report": report,
                          "id": meta.get("publication_id"), "at": str(meta.get("published_at", ""))[:10], "links": links})
    return found


def _swap(html: str, text: str, href: str) -> str:
    """``html`` with the link whose text starts ``text`` pointing at ``href``."""
    return re.sub(r"href='[^']*'>(" + re.escape(text) + r"[^<]*)</a>", lambda m: f"href='{h(href)}'>{m.group(1)}</a>", html, count=1)


def published_links(html: str, out: Path, folder: Path, period: Period | None, name: str, before: int | None = None,
                    renamed: dict[str, str] | None = None) -> str:
    """A paper's HTML as published into ``folder``: "All reports" points at ``published/index.html``
    (the publications, not the build's working index) and "Previous paper" at the previous
    period's latest publication of the same paper (else that period in ``published/index.html``),
    each relative to ``folder`` so the copy works from where it sits, as a file or on a host;
    its links to its own files in other formats point at their published names (``renamed``:
    the build's file name -> the published one). ``name``: the paper's file name as built.
    ``before``: count only publications numbered below it (as publication ``before`` saw them)."""
    for built, published in (renamed or {}).items():
        html = html.replace(f"href='{built}'", f"href='{h(href_of(published))}'")
    index = out / PUBLISHED / PUBLISHED_INDEX
    html = _swap(html, "All reports", os.path.relpath(index, folder))
    if period is None:  # an analysis: no previous paper
        return html
    number = lambda p: int(p.parent.name.split("-")[-1]) if p.parent.name.split("-")[-1].isdigit() else 0  # noqa: E731
    earlier = sorted((p for p in (out / PUBLISHED / period.prev().slug / folder.parent.name).glob("publication-*/publication.json")
                      if before is None or number(p) < before), key=number)
    target = f"{os.path.relpath(index, folder)}#{_anchor(period.prev().label)}"
    if earlier and (found := _published_name(earlier[-1], name)):
        target = href_of(os.path.relpath(earlier[-1].parent / found, folder))
    return _swap(html, "Previous paper", target)


def _published_name(record: Path, built: str) -> str | None:
    """The name the publication whose record is ``record`` gave the build's file ``built`` (None: it has none)."""
    try:
        files = json.loads(record.read_text(encoding="utf-8")).get("files") or {}
    except (OSError, ValueError):
        files = {}
    name = next((p for p, b in files.items() if b == built), built)
    return name if (record.parent / name).is_file() else None


def _files(links: dict[str, str], what: str, names: dict[str, str] | None = None) -> str:
    """Links to a paper's files; a file with a name for a clerk (``names``, by format) downloads under it."""
    names = names or {}
    return " ".join(
        f"<a{(' download=' + chr(39) + h(names[ext]) + chr(39)) if ext in names else ''} href='{h(href_of(href))}'>{ext.upper()}"
        f"<span class='visually-hidden'> of {h(what)}</span></a>" for ext, href in links.items()
    )


def _anchor(period: str) -> str:
    return "p-" + period.replace("/", "-").replace(" ", "-")


def write_index(out: Path, council: str, names: dict[str, str] | None = None, params=None) -> Path:  # noqa: ANN001 - ReportParams
    """Write ``out/index.html``: the team's internal site of every period built or published.

    Newest period first, each with its papers (the corporate overview first, then by paper
    letter), formats (the notebook too), RAG counts and the data check, and the papers published
    for it (marked with their publication and date); then each directorate's papers over time,
    and the analysts' papers (``outputs/analysis/``, "Research and analysis"). Plain links only:
    it works from ``file://`` and any static host. ``names`` maps output folders (directorate
    slugs) to the names readers know; ``params`` (the project's) gives each paper's letter, so
    its files download under the names a clerk reads (:mod:`perfkit.render.names`).
    The public site is :mod:`perfkit.render.public_site`.
    """
    names = names or {}
    name = lambda folder: names.get(folder, folder.replace("-", " ").capitalize())  # noqa: E731
    entries, published, analyses = _entries(out, params), _published(out), _analyses(out)
    first = lambda e: (e["folder"] != "corporate", len(e.get("letter", "")), e.get("letter", ""), name(e["folder"]), e["report"])  # noqa: E731
    css = (Path(__file__).parent / "report.css").read_text(encoding="utf-8")
    periods = sorted({e["period"] for e in entries} | {p["period"] for p in published}, key=_period_key, reverse=True)
    sections = []
    for period in periods:
        rows = []
        for e in sorted((e for e in entries if e["period"] == period and e["folder"] != AREAS_FOLDER), key=first):
            what = f"{name(e['folder'])} {e['report'].replace('_', ' ')}, {period}"
            counts = "".join(f"<td role='cell' class='num' data-label='{h(r.capitalize())}'>{int(e['rag'].get(r, 0))}</td>" for r in RAG_LABELS)
            status = f"failed: {e['failed'][:200]}" if e["failed"] else "built"
            rows.append(
                f"<tr role='row'><th scope='row' role='rowheader'>{h(name(e['folder']))}</th><td role='cell' data-label='Report'>{h(e['report'].replace('_', ' '))}</td>"
                f"{counts}<td role='cell' data-label='Status'>{h(status)}</td><td role='cell' class='files' data-label='Files'>{_files(e['links'], what, e['names'])}</td></tr>"
            )
        head = "".join(f"<th scope='col' role='columnheader'>{h(c)}</th>" for c in ("Directorate", "Report", *[r.capitalize() for r in RAG_LABELS], "Status", "Files"))
        parts = [f"<section><h2 id='{h(_anchor(period))}'>{h(period)}</h2>"]
        if rows:
            parts.append(
                f"<div class='table-scroll' role='region' tabindex='0' aria-label='Reports for {h(period)}'>"
                f"<table class='data stack' role='table'><caption>Reports for {h(period)}, with the number of indicators at each RAG status</caption>"
                f"<thead role='rowgroup'><tr role='row'>{head}</tr></thead><tbody role='rowgroup'>{''.join(rows)}</tbody></table></div>"
            )
        parts += _area_profiles([e for e in entries if e["period"] == period and e["folder"] == AREAS_FOLDER], period)
        check = out / _period_key(period).slug / "data-check.html"
        if _period_key(period).label == period and check.is_file():
            parts.append(f"<p><a href='{h(os.path.relpath(check, out))}'>Data check for {h(period)}</a>: what was returned, "
                         "missing or unusual before the papers were built.</p>")
        mine = [p for p in published if p["period"] == period]
        if mine:
            items = "".join(
                f"<li>{h(name(p['folder']))}, {h(p['report'].replace('_', ' '))}: published {h(p['at'])} (publication {h(str(p['id']))}) "
                f"{_files(p['links'], name(p['folder']) + ' ' + p['report'].replace('_', ' ') + ', published ' + p['at'])}</li>"
                for p in sorted(mine, key=lambda p: (p["folder"] != "corporate", -int(p["id"] or 0), name(p["folder"])))
            )
            parts.append(f"<h3>Published for {h(period)}</h3><p>As committee received them, unchanged since.</p><ul class='published'>{items}</ul>")
        parts.append("</section>")
        sections.append("".join(parts))
    by_folder = []
    for folder in sorted(({e["folder"] for e in entries} | {p["folder"] for p in published}) - {AREAS_FOLDER}, key=name):
        items = []
        for period in periods:
            built = [e for e in entries if e["folder"] == folder and e["period"] == period and "html" in e["links"]]
            pubs = [p for p in published if p["folder"] == folder and p["period"] == period]
            links = [f"<a href='{h(e['links']['html'])}'>{h(e['report'].replace('_', ' '))}</a>" for e in built]
            links += [f"<a href='{h(p['links']['html'])}'>published {h(p['at'])}</a>" for p in pubs if "html" in p["links"]]
            if links:
                items.append(f"<li>{h(period)}: {', '.join(links)}</li>")
        if items:
            by_folder.append(f"<h3>{h(name(folder))}</h3><ul>{''.join(items)}</ul>")
    nav = "".join(f"<li><a href='#{h(_anchor(p))}'>{h(p)}</a></li>" for p in periods)
    also = "<li><a href='#by-directorate'>By directorate</a></li>" if periods else ""
    also += "<li><a href='#research'>Research and analysis</a></li>" if analyses else ""
    body = (
        "<nav aria-label='On this page'>" + (f"<h2>Periods</h2><ul class='periods'>{nav}</ul>" if periods else "")
        + (f"<h2>Also on this page</h2><ul class='periods'>{also}</ul>" if also else "") + "</nav>"
        + "".join(sections)
        + (f"<section><h2 id='by-directorate'>By directorate</h2>{''.join(by_folder)}</section>" if periods else "")
        + _research(analyses)
    ) if periods or analyses else "<p>No reports have been built yet. Run <code>perfkit build</code>.</p>"
    page = (
        f"<!DOCTYPE html><html lang='en-GB'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{h(council)}: performance reports</title><style>{css}</style></head><body>"
        f"<a class='skip-link' href='#main'>Skip to the list of reports</a><main id='main'>"
        f"<h1>{h(council)}: performance reports</h1>{body}</main>"
        f"<footer class='page-footer'><p>Made by perfkit {h(__version__)}.</p></footer></body></html>"
    )
    path = out / "index.html"
    write_text(path, page)
    return path


def _research(analyses: list[dict]) -> str:
    """"Research and analysis": each analyst's paper rendered, newest first (title, author, date, summary, files)."""
    if not analyses:
        return ""
    items = "".join(
        f"<li class='paper'><h3>{h(a['title'])}</h3><p>{h(', '.join(x for x in (a['author'], a['date'], a['status']) if x))}</p>"
        + (f"<p>{h(a['summary'])}</p>" if a["summary"] else "") + f"<p>{_files(a['links'], a['title'], a['names'])}</p></li>"
        for a in analyses)
    return (f"<section><h2 id='research'>Research and analysis</h2><p>Analysts' papers rendered with <code>perfkit render</code>; "
            f"publish one with <code>perfkit publish --analysis SLUG</code>.</p><ul class='papers'>{items}</ul></section>")


def _area_profiles(entries: list[dict], period: str) -> list[str]:
    """The period's area profiles, one row per area (they carry no RAG counts)."""
    if not entries:
        return []
    rows = []
    for e in sorted(entries, key=lambda e: e["title"] or e["report"]):
        what = e["title"] or e["report"].replace("_", " ")
        status = f"failed: {e['failed'][:200]}" if e["failed"] else "built"
        rows.append(f"<tr><th scope='row'>{h(what)}</th><td>{h(status)}</td><td class='files'>{_files(e['links'], what, e['names'])}</td></tr>")
    head = "".join(f"<th scope='col'>{c}</th>" for c in ("Area profile", "Status", "Files"))
    return [
        f"<h3 id='{h(_anchor(period))}-areas'>Area profiles for {h(period)} ({len(entries)})</h3>"
        f"<div class='table-scroll' role='region' tabindex='0' aria-label='Area profiles for {h(period)}'>"
        f"<table class='data'><caption>Area profiles for {h(period)}: each area against its neighbours, its region and England</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    ]


def index_names(params) -> dict[str, str]:  # noqa: ANN001 - ReportParams
    """Output folders by the names readers know them by."""
    return {slug: d.name for slug, d in params.directorates.items()} | {"corporate": "Corporate overview"}
