"""``perfkit lab --new TITLE``: a new analysis notebook with its front matter filled in.

``analysis/<slug>.ipynb``: a raw cell tagged ``paper`` (title, author from git's
``user.name`` or the login name, today's date, status draft, an empty committee and
summary), the starter's imports with the figures extension (:mod:`perfkit.analysis.figures`),
a parameters cell and a first section to write in. It never replaces a notebook.
"""

from __future__ import annotations

import datetime as dt
import getpass
import subprocess
from pathlib import Path

import nbformat

from perfkit.analysis.front import PAPER_TAG, front_text
from perfkit.analysis.run import slug_of
from perfkit.errors import ConfigError

__all__ = ["IMPORTS", "author_name", "new_analysis"]

IMPORTS = """%load_ext perfkit.analysis.figures
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

import perfkit
from perfkit.report.charts import house_style"""


def author_name() -> str:
    """git's ``user.name``, else the login name."""
    try:
        name = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True, timeout=10, check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        name = ""
    if name:
        return name
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""


def new_analysis(folder: Path, title: str, author: str | None = None, today: dt.date | None = None) -> Path:
    """Write ``folder/<slug>.ipynb`` for ``title`` (see the module); refuses to replace one."""
    if not title.strip():
        raise ConfigError("--new needs a title, e.g. perfkit lab --new \"Temporary accommodation\"")
    path = folder / f"{slug_of(title)}.ipynb"
    if path.exists():
        raise ConfigError(f"{path} already exists; open it, or choose another title")
    front = {"title": title.strip(), "author": author if author is not None else author_name(), "committee": "",
             "date": (today or dt.date.today()).isoformat(), "status": "draft",
             "summary": "One or two sentences: what this analysis found."}
    cells = [
        nbformat.v4.new_raw_cell(front_text(front), metadata={"tags": [PAPER_TAG]}),
        nbformat.v4.new_code_cell('# perfkit render --execute -p area=E08000007 sets one; --each area=E08000007,E08000035 makes a paper each\n'
                                  'period = "2025/26 Q4"\narea = ""', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(IMPORTS),
        nbformat.v4.new_markdown_cell("## Background\n\nWhy this was looked at, and the question it answers."),
        nbformat.v4.new_markdown_cell("## Findings\n\nA table shows with the heading above it as its caption; a chart "
                                      "gives its title (`ax.set_title`) as its alt text."),
    ]
    nb = nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                                                         "language_info": {"name": "python"}})
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path
