"""nbconvert exporters for perfkit's reports: self-contained HTML and typst (then PDF).

Both drop code, prompts, the parameters cells, notebook-only documentation cells
(tagged ``perfkit-doc``), streams and tracebacks. The paper's title, language and footer
come from the metadata output the header block emits (:class:`perfkit.blocks.model.Meta`).
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import tempfile
import threading
from pathlib import Path

import nbformat
from nbconvert.exporters import TemplateExporter
from nbconvert.filters import DataTypeFilter
from nbconvert.preprocessors import ExtractOutputPreprocessor, TagRemovePreprocessor

from perfkit._version import __version__
from perfkit.blocks.model import META_MIME, TYPST_MIME
from perfkit.render.fonts import FAMILIES, font_paths, typesettable
from perfkit.text import html_text, typst_string, typst_text

__all__ = ["HIDDEN_TAGS", "paper_meta", "paper_properties", "to_html", "to_pdf", "to_typst"]

TEMPLATES = Path(__file__).parent / "templates"
HIDDEN_TAGS = {"parameters", "injected-parameters", "perfkit-doc"}


def typst_date(value: object) -> str:
    """The paper's date (ISO, from its metadata) as a typst datetime for the document's
    properties; ``none`` (no date at all) for a paper without one, never typst's default, the
    time it compiles: the same paper makes the same PDF (README "Publishing")."""
    try:
        day = dt.date.fromisoformat(str(value))
    except ValueError:
        return "none"
    return f"datetime(year: {day.year}, month: {day.month}, day: {day.day})"


_FILTERS = {
    "typst_date": typst_date,
    "typst_string": typst_string,
    "typst_text": typst_text,
    "typst_strings": lambda values: "(" + "".join(typst_string(v) + ", " for v in values) + ")",
    "svg_base64": lambda svg: base64.b64encode(svg.encode("utf-8")).decode("ascii"),
}


def paper_meta(nb: nbformat.NotebookNode) -> dict:
    """The first perfkit metadata output of the notebook (title, lang, committee ...)."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if META_MIME in data:
                meta = dict(data[META_MIME])
                meta["footer"] = " – ".join(str(meta[k]) for k in ("paper", "committee", "meeting") if meta.get(k))
                return meta
    name = nb.metadata.get("papermill", {}).get("input_path", "report")
    return {"title": Path(str(name)).stem.replace("_", " ").capitalize(), "lang": "en-GB", "footer": ""}


def paper_properties(meta: dict) -> dict:
    """The document properties a paper's PDF and Word file both carry (one home for both):
    ``title``; ``author``, the author its metadata names (an analysis's) or else the council;
    ``subject``, what it is: its metadata's subject or summary, or else which paper, for which
    committee, when (its footer's words); ``keywords``, council, committee, paper and status."""
    title = str(meta.get("title") or "Report")
    subject = meta.get("subject") or meta.get("summary") or meta.get("footer") or title
    keywords = [str(meta[k]) for k in ("council", "committee", "paper", "status") if meta.get(k)]
    return {"title": title, "author": str(meta.get("author") or meta.get("council") or "perfkit"), "subject": str(subject), "keywords": keywords}


_MADE = threading.local()  # each thread's exporters, made once: compiling the templates costs more than rendering a paper


def _exporter(template: str, mimetype: str, priority: list[str]) -> TemplateExporter:
    made = _MADE.__dict__
    if template not in made:
        made[template] = _make_exporter(template, mimetype, priority)
    return made[template]


def _make_exporter(template: str, mimetype: str, priority: list[str]) -> TemplateExporter:
    exporter = TemplateExporter(
        optimistic_validation=True,  # validate once after the preprocessors, not after each
        template_name=template,
        template_file="index.html.j2" if mimetype == "text/html" else "index.typ.j2",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        filters={**_FILTERS, "filter_data_type": DataTypeFilter(display_data_priority=priority)},
    )
    exporter.output_mimetype = mimetype
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags=HIDDEN_TAGS), enabled=True)
    if mimetype == TYPST_MIME:
        exporter.register_preprocessor(ExtractOutputPreprocessor(extract_output_types={"image/png"}), enabled=True)
    return exporter


def _resources(nb: nbformat.NotebookNode) -> dict:
    css = (Path(__file__).parent / "report.css").read_text(encoding="utf-8")
    fonts = "(" + ", ".join(typst_string(f) for f in FAMILIES) + ")"
    meta = paper_meta(nb)
    return {"perfkit": meta, "perfkit_properties": paper_properties(meta), "perfkit_css": css, "perfkit_version": __version__, "perfkit_fonts": fonts}


def _toc(body: str) -> str:
    """A table of contents from the h2 headings, placed after the paper header."""
    entries = re.findall(r"<h2 id='([^']+)'>(.*?)</h2>", body)
    if not entries:
        return body
    items = "".join(f"<li><a href='#{ident}'>{text}</a></li>" for ident, text in entries)
    nav = f"<nav class='toc' aria-labelledby='toc-heading'><h2 id='toc-heading'>Contents</h2><ul>{items}</ul></nav>"
    if "</header>" in body:
        return body.replace("</header>", "</header>" + nav, 1)
    return body.replace("<main id=\"main\">", "<main id=\"main\">" + nav, 1)


def _links(body: str, links: tuple[tuple[str, str], ...]) -> str:
    """Links to the paper's neighbours (the index, its PDF, the previous period's paper) under its header."""
    if not links:
        return body
    items = "".join(f"<a href='{html_text(href)}'>{html_text(text)}</a>" for text, href in links)
    nav = f"<nav class='paper-links' aria-label='Related papers'>{items}</nav>"
    return body.replace("</header>", "</header>" + nav, 1) if "</header>" in body else body.replace('<main id="main">', '<main id="main">' + nav, 1)


def to_html(nb: nbformat.NotebookNode, links: tuple[tuple[str, str], ...] = ()) -> str:
    """The notebook as one self-contained HTML page; ``links`` are (text, relative href) pairs."""
    exporter = _exporter("perfkit_html", "text/html", ["text/html", "image/svg+xml", "image/png", "text/plain"])
    body, _ = exporter.from_notebook_node(nb, resources=_resources(nb))
    return _links(_toc(body), links)


def to_typst(nb: nbformat.NotebookNode) -> tuple[str, dict[str, bytes]]:
    """The notebook as typst source, with the image files it refers to."""
    exporter = _exporter("perfkit_typst", TYPST_MIME, [TYPST_MIME, "image/svg+xml", "image/png", "text/plain"])
    source, resources = exporter.from_notebook_node(nb, resources={**_resources(nb), "unique_key": "figure"})
    return source, dict(resources.get("outputs", {}))


def to_pdf(nb: nbformat.NotebookNode, replaced: list[str] | None = None) -> bytes:
    """The notebook as a tagged PDF/UA-1 document, compiled with typst.

    Characters no font of :data:`perfkit.render.fonts.FAMILIES` has are shown as U+FFFD
    and appended to ``replaced`` (see :func:`perfkit.render.fonts.typesettable`)."""
    import typst

    source, files = to_typst(nb)
    source, missing = typesettable(source)
    if replaced is not None:
        replaced += missing
    with tempfile.TemporaryDirectory(prefix="perfkit-typst-") as folder:
        root = Path(folder)
        (root / "main.typ").write_text(source, encoding="utf-8")
        for name, data in files.items():
            (root / name).write_bytes(data)
        try:
            return typst.compile(str(root / "main.typ"), root=str(root), font_paths=font_paths(), pdf_standards="ua-1")
        finally:
            _forget_layouts(typst)


#: How many compiles the ``typst`` package keeps a compile's work for: after each compile it
#: evicts from typst's process-wide memo cache only what the last 10 compiles did not use
#: (``comemo::evict(10)`` in typst-py's compiler.rs), and it offers no call to clear it.
_KEPT_FOR = 10


def _forget_layouts(typst) -> None:  # noqa: ANN001 - the typst module, imported by the caller
    """Drop what typst memoized while typesetting the last paper, by compiling an empty
    document as often as typst keeps work for (each compile ages the cache by one; about
    half a millisecond each).

    Why: a build worker typesets paper after paper, and each paper's layouts, shaped text and
    PDF parts are its own (no two papers share their tables), so the cache only grows: a
    worker held about 650 MB after 10 of the demo's papers, and the build's peak RSS passed
    2 GB (README "Measured"). Forgotten, a worker stays near 300 MB, and the next paper
    typesets no slower (fonts are loaded per compile either way)."""
    empty = _no_fonts(typst)
    for _ in range(_KEPT_FOR + 1):
        typst.compile(b"", font_paths=empty)


_NO_FONTS: list = []


def _no_fonts(typst):  # noqa: ANN001, ANN202
    """An empty font book (an empty document needs none, and searching the system's costs time)."""
    if not _NO_FONTS:
        _NO_FONTS.append(typst.Fonts(include_system_fonts=False, include_embedded_fonts=False))
    return _NO_FONTS[0]

