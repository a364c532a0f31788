"""Render executed notebooks with Quarto, where a ``quarto`` binary is on PATH.

perfkit's own exporters (:mod:`perfkit.render.exporters`) need no Quarto. This engine is for
councils that standardise on Quarto: it renders the same executed notebook with the
``_quarto.yml`` below (typst to A4 PDF/UA-1, self-contained HTML) to the same output paths.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import nbformat

from perfkit.atomic import atomic_path
from perfkit.errors import PerfkitError
from perfkit.render.exporters import HIDDEN_TAGS, paper_meta

__all__ = ["QUARTO_YML", "quarto_binary", "render_with_quarto"]

QUARTO_YML = """\
project:
  type: default
execute:
  enabled: false
  echo: false
format:
  html:
    embed-resources: true
    lang: en-GB
    toc: true
  typst:
    papersize: a4
    pdf-standard: ua-1
    lang: en-GB
    toc: false
"""
_TARGETS = {"html": ("html", ".html"), "pdf": ("typst", ".pdf")}


def quarto_binary() -> str | None:
    """The quarto command, or None when it is not installed."""
    return shutil.which("quarto")


def _prepared(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy without the parameters and documentation cells, titled for Quarto."""
    copy = nbformat.from_dict(nb)
    copy.cells = [c for c in copy.cells if not HIDDEN_TAGS & set(c.metadata.get("tags", []))]
    meta = paper_meta(nb)
    title = nbformat.v4.new_raw_cell(f"---\ntitle: \"{meta.get('title', 'Report').replace(chr(34), '')}\"\nlang: en-GB\n---")
    copy.cells.insert(0, title)
    return copy


def render_with_quarto(nb: nbformat.NotebookNode, folder: Path, name: str, formats: tuple[str, ...]) -> dict[str, str]:
    """Render ``nb`` to ``folder/name.{html,pdf}`` with Quarto; returns the files written."""
    quarto = quarto_binary()
    if quarto is None:
        raise PerfkitError("--engine quarto needs the quarto command on PATH (https://quarto.org); the default engine needs nothing else")
    written = {}
    with tempfile.TemporaryDirectory(prefix="perfkit-quarto-") as tmp:
        work = Path(tmp)
        (work / "_quarto.yml").write_text(QUARTO_YML, encoding="utf-8")
        nbformat.write(_prepared(nb), work / f"{name}.ipynb")
        for fmt in formats:
            to, suffix = _TARGETS[fmt]
            proc = subprocess.run([quarto, "render", f"{name}.ipynb", "--to", to], cwd=work, capture_output=True, text=True)
            if proc.returncode != 0:
                raise PerfkitError(f"quarto render --to {to} failed: {proc.stderr.strip()[-800:]}")
            with atomic_path(folder / f"{name}{suffix}") as out:
                shutil.copyfile(work / f"{name}{suffix}", out)
            written[fmt] = str(folder / f"{name}{suffix}")
    return written
