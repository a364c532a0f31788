"""Render executed notebooks with Quarto, where a ``quarto`` binary is on PATH.

perfkit's own exporters (:mod:`perfkit.render.exporters`) need no Quarto. This engine is for
councils that standardise on Quarto: it renders the same executed notebook with the
``_quarto.yml`` below (typst to A4 PDF/UA-1, self-contained HTML, Word); the build writes
what it makes as it writes its own (:mod:`perfkit.render.formats`).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import nbformat

from perfkit.errors import PerfkitError
from perfkit.render.exporters import HIDDEN_TAGS, paper_meta

__all__ = ["QUARTO_YML", "quarto_binary", "quarto_render"]

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
  docx:
    lang: en-GB
"""


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


def quarto_render(nb: nbformat.NotebookNode, name: str, to: str, suffix: str) -> bytes:
    """``nb`` rendered by ``quarto render --to TO``: the bytes of the file it made."""
    quarto = quarto_binary()
    if quarto is None:
        raise PerfkitError("--engine quarto needs the quarto command on PATH (https://quarto.org); the default engine needs nothing else")
    with tempfile.TemporaryDirectory(prefix="perfkit-quarto-") as tmp:
        work = Path(tmp)
        (work / "_quarto.yml").write_text(QUARTO_YML, encoding="utf-8")
        nbformat.write(_prepared(nb), work / f"{name}.ipynb")
        proc = subprocess.run([quarto, "render", f"{name}.ipynb", "--to", to], cwd=work, capture_output=True, text=True)
        if proc.returncode != 0:
            raise PerfkitError(f"quarto render --to {to} failed: {proc.stderr.strip()[-800:]}")
        return (work / f"{name}{suffix}").read_bytes()
