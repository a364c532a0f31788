"""A rendered analysis made by hand to the shared contract (issue 25): ``outputs/analysis/<slug>/``
with the executed notebook (``metadata.perfkit``: kind "analysis", slug, title, author, date,
summary, committee, status, parameters) and its HTML, PDF and Word made by perfkit's own exporters.

Until ``perfkit render`` is merged, the site and publication tests make their analysis with this;
after, they call ``perfkit render`` instead.
"""

from __future__ import annotations

from pathlib import Path

SOURCE = '''from perfkit.report import Blocks
from perfkit.blocks.model import PaperHeader, Section

Blocks((
    PaperHeader("Kestrel Vale Borough Council", "Housing and Communities Scrutiny Committee", "18 June 2026",
                "Temporary accommodation: who stays longest", "Director of Housing and Regeneration", "", "public"),
    Section(1, "Summary", ("Families with children stay longest in temporary accommodation.",
                           "Stays of over six months rose from 41 to 58 in the year.")),
))'''


def make_analysis(out: Path, slug: str = "temporary-accommodation", title: str = "Temporary accommodation: who stays longest",
                  date: str = "2026-05-12") -> Path:
    """Write ``out/analysis/<slug>/`` (see the module) and return the folder."""
    import nbformat
    from nbclient import NotebookClient

    from perfkit.render.docx import to_docx
    from perfkit.render.exporters import to_html, to_pdf

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {title}"), nbformat.v4.new_code_cell(SOURCE)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    nb.metadata["perfkit"] = {"kind": "analysis", "slug": slug, "title": title, "author": "Priya Natarajan, Performance and Intelligence",
                              "date": date, "summary": "Which households stay longest in temporary accommodation, and why.",
                              "committee": "Housing and Communities Scrutiny Committee", "status": "final", "parameters": {}}
    folder = out / "analysis" / slug
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{slug}.ipynb")
    (folder / f"{slug}.html").write_text(to_html(nb), encoding="utf-8")
    (folder / f"{slug}.pdf").write_bytes(to_pdf(nb))
    (folder / f"{slug}.docx").write_bytes(to_docx(nb))
    return folder
