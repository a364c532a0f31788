"""An analyst's notebook in a demo project, rendered with ``perfkit render --execute`` into
``outputs/analysis/<slug>/`` (issue 25's contract: the executed notebook, with ``metadata.perfkit``
kind "analysis", slug, title, author, date, summary, committee, status, parameters; and its HTML,
PDF and Word), for the site and publication tests."""

from __future__ import annotations

from pathlib import Path

import nbformat as nbf

from ..helpers import run_cli

FRONT = """title: "Temporary accommodation: who stays longest"
author: Priya Natarajan, Performance and Intelligence
committee: Housing and Communities Scrutiny Committee
date: {date}
status: final
summary: Which households stay longest in temporary accommodation, and why.
"""
READ = """%load_ext perfkit.analysis.figures
import matplotlib.pyplot as plt
import perfkit

council = perfkit.get_council()
ta = perfkit.observations(["HSG_TA"], [council.area_code])
ta = ta[ta["period"].map(lambda p: p.label.endswith("Q4"))]"""


def make_analysis(project: Path, slug: str = "temporary-accommodation", date: str = "2026-05-12") -> Path:
    """Write ``project/analysis/<slug>.ipynb`` and render it with ``perfkit render --execute``; return its output folder."""
    nb = nbf.v4.new_notebook(metadata={"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}})
    nb.cells = [
        nbf.v4.new_raw_cell(FRONT.format(date=date), metadata={"tags": ["paper"]}),
        nbf.v4.new_code_cell(READ),
        nbf.v4.new_markdown_cell("## Households in temporary accommodation\n\nThe council's figure at each year end, from the store."),
        nbf.v4.new_code_cell("ax = ta.plot(x='period_end', y='value', legend=False)\n"
                             "ax.set_title('Households in temporary accommodation at each year end')\n"
                             "ax.set(xlabel='Year end', ylabel='Households')\nplt.show()"),
        nbf.v4.new_markdown_cell("## The figures"),
        nbf.v4.new_code_cell("ta[['period', 'value']].assign(period=ta['period'].map(str)).rename(columns={'period': 'Year end', "
                             "'value': 'Households'}).set_index('Year end')", metadata={"perfkit": {"caption": "Households in "
                                                                                                   "temporary accommodation at each year end"}}),
    ]
    (project / "analysis").mkdir(exist_ok=True)
    nbf.write(nb, str(project / "analysis" / f"{slug}.ipynb"))
    proc = run_cli(project, "render", f"analysis/{slug}.ipynb", "--execute")
    folder = project / "outputs" / "analysis" / slug
    assert (folder / f"{slug}.pdf").is_file(), proc.stdout + proc.stderr
    return folder
