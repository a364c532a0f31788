"""The output formats a build can write: one registry.

A format names the files it writes beside the executed notebook, the link a paper gives to
it, and a renderer for each engine that can make it (``nbconvert``: perfkit's own, needing
nothing else; ``quarto``: where a council has Quarto). A renderer takes the executed paper
and returns its files' bytes ({suffix: bytes}), or None when the format is not for this
paper (open data of an internal paper). The build writes what every chosen format returned,
or nothing of the report. A new format is one entry here and one renderer module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the notebook stack is imported where a report is rendered, never to plan a build
    import nbformat

__all__ = ["ENGINES", "FORMATS", "Format", "Rendering", "formats_help", "made"]


def _quarto_missing() -> str | None:
    from perfkit.render.quarto import quarto_binary

    return None if quarto_binary() else "the quarto command is not on PATH; install Quarto or use the default engine"


#: The engines, each with what stops it on this machine (None: nothing).
ENGINES: dict[str, Callable[[], str | None]] = {"nbconvert": lambda: None, "quarto": _quarto_missing}


@dataclass
class Rendering:
    """One executed paper being rendered: what every format's renderer may read."""

    nb: nbformat.NotebookNode
    name: str  # the report's file name, without suffix
    links: Callable[[], tuple[tuple[str, str], ...]]  # the paper's links (HTML only)
    open_data: Callable[[], tuple[bytes, bytes] | None]  # a public directorate paper's figures and dictionary
    replaced: list[str] = field(default_factory=list)  # characters no PDF font has (filled by the PDF renderer)


Renderer = Callable[[Rendering], "dict[str, bytes] | None"]


@dataclass(frozen=True)
class Format:
    name: str
    describe: str  # for --format's help
    suffixes: tuple[str, ...]  # the files it writes: the report's name + each suffix; the first is the format's file
    links: tuple[tuple[str, str], ...]  # (link text, suffix) a paper gives to its files in this format
    renderers: dict[str, Renderer]  # by engine
    applies: Callable[[Rendering], bool] = lambda r: True  # whether this paper has it (open data: a public paper only)

    def paths(self, folder: Path, name: str) -> list[Path]:
        return [folder / f"{name}{suffix}" for suffix in self.suffixes]


def _html(r: Rendering) -> dict[str, bytes]:
    from perfkit.render.exporters import to_html

    return {".html": to_html(r.nb, r.links()).encode("utf-8")}


def _pdf(r: Rendering) -> dict[str, bytes]:
    from perfkit.render.exporters import to_pdf

    return {".pdf": to_pdf(r.nb, r.replaced)}


def _docx(r: Rendering) -> dict[str, bytes]:
    from perfkit.render.docx import to_docx

    return {".docx": to_docx(r.nb)}


def _csv(r: Rendering) -> dict[str, bytes] | None:
    data = r.open_data()
    return None if data is None else {".csv": data[0], "-dictionary.csv": data[1]}


def _quarto(to: str, suffix: str) -> Renderer:
    def render(r: Rendering) -> dict[str, bytes]:
        from perfkit.render.quarto import quarto_render

        return {suffix: quarto_render(r.nb, r.name, to, suffix)}

    return render


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("html", "html (self-contained, for the web and email)", (".html",), (), {"nbconvert": _html, "quarto": _quarto("html", ".html")}),
        Format("pdf", "pdf (A4, tagged, for print and agenda packs)", (".pdf",), (("This paper as PDF", ".pdf"),), {"nbconvert": _pdf, "quarto": _quarto("typst", ".pdf")}),
        Format("docx", "docx (Word, for committee systems)", (".docx",), (("This paper in Word (DOCX)", ".docx"),),
               {"nbconvert": _docx, "quarto": _quarto("docx", ".docx")}),
        Format("csv", "csv (open data beside a public directorate paper, with its data dictionary)", (".csv", "-dictionary.csv"),
               (("Its figures as open data (CSV)", ".csv"), ("What each column means (CSV)", "-dictionary.csv")),
               {"nbconvert": _csv, "quarto": _csv}, lambda r: r.open_data() is not None),
    )
}


def formats_help() -> str:
    return "; ".join(f.describe for f in FORMATS.values())


def made(formats: tuple[str, ...], paper: Rendering) -> tuple[str, ...]:
    """The chosen formats this paper will have (what its links may point to)."""
    return tuple(f for f in formats if FORMATS[f].applies(paper))
