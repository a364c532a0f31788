"""``outputs/index.html``: every report built, by period and directorate, with RAG counts."""

from __future__ import annotations

import json
import os
from pathlib import Path

from perfkit._version import __version__
from perfkit.assess.rag import RAG_LABELS
from perfkit.atomic import write_text
from perfkit.periods import parse_period
from perfkit.report.escape import html_text as h

__all__ = ["write_index"]

def _entries(out: Path) -> list[dict]:
    entries = []
    for nb_path in sorted(out.glob("*/*/*.ipynb")):
        try:
            meta = json.loads(nb_path.read_text(encoding="utf-8")).get("metadata", {}).get("perfkit", {})
        except (OSError, ValueError):
            meta = {}
        stem = nb_path.with_suffix("")
        entries.append(
            {
                "period": meta.get("period") or nb_path.parent.parent.name,
                "folder": nb_path.parent.name,
                "report": nb_path.stem,
                "rag": meta.get("rag_counts", {}),
                "failed": meta.get("failed", "") if meta else "see the notebook",
                "links": {ext: os.path.relpath(f"{stem}.{ext}", out) for ext in ("html", "pdf", "csv", "ipynb") if Path(f"{stem}.{ext}").exists()},
            }
        )
    return entries


def _period_key(label: str):  # noqa: ANN202 - sort key
    try:
        return parse_period(label)
    except Exception:  # noqa: BLE001 - a folder that is not a period sorts last
        return parse_period("1900/01")


def write_index(out: Path, council: str, names: dict[str, str] | None = None) -> Path:
    """Write ``out/index.html`` from the executed notebooks under ``out``.

    ``names`` maps output folders (directorate slugs) to the names readers know.
    """
    names = names or {}
    entries = _entries(out)
    css = (Path(__file__).parent / "report.css").read_text(encoding="utf-8")
    sections = []
    for period in sorted({e["period"] for e in entries}, key=_period_key, reverse=True):
        rows = []
        for e in [e for e in entries if e["period"] == period]:
            links = " ".join(
                f"<a href='{h(href)}'>{ext.upper()}<span class='visually-hidden'> of {h(e['folder'])} {h(e['report'])}</span></a>"
                for ext, href in e["links"].items()
            )
            counts = "".join(f"<td class='num'>{int(e['rag'].get(r, 0))}</td>" for r in RAG_LABELS)
            status = f"failed: {e['failed'][:200]}" if e["failed"] else "built"
            rows.append(
                f"<tr><th scope='row'>{h(names.get(e['folder'], e['folder'].replace('-', ' ').capitalize()))}</th><td>{h(e['report'].replace('_', ' '))}</td>"
                f"{counts}<td>{h(status)}</td><td class='files'>{links}</td></tr>"
            )
        head = "".join(f"<th scope='col'>{h(c)}</th>" for c in ("Directorate", "Report", *[r.capitalize() for r in RAG_LABELS], "Status", "Files"))
        sections.append(
            f"<section><h2 id='p-{h(period.replace('/', '-').replace(' ', '-'))}'>{h(period)}</h2>"
            f"<div class='table-scroll' role='region' tabindex='0' aria-label='Reports for {h(period)}'>"
            f"<table class='data'><caption>Reports for {h(period)}, with the number of indicators at each RAG status</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div></section>"
        )
    body = "".join(sections) or "<p>No reports have been built yet. Run <code>perfkit build</code>.</p>"
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
