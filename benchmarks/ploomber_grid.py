"""ploomber's parallel executor over perfkit's grid of reports (run by benchmarks/build.py).

Runs in its own virtualenv (benchmarks/.ploomber-venv, made by build.py, which sees
perfkit's environment through a .pth file), because ploomber-engine registers papermill
engines that import matplotlib whenever papermill is imported: installed beside perfkit,
it would slow every papermill run, perfkit's and the plain way's alike.

    python benchmarks/ploomber_grid.py PROJECT PERIOD [PERIOD ...]

Per report: a NotebookRunner task (papermill, a new kernel) and a render task (nbconvert
HTML without input, and perfkit's PDF step), two processes. Prints the seconds as JSON.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def render(product, upstream) -> None:  # noqa: ANN001 - ploomber's task signature
    import nbformat
    from nbconvert import HTMLExporter

    from perfkit.render.exporters import to_pdf

    nb = nbformat.read(str(next(iter(upstream.values()))), as_version=4)
    Path(str(product["html"])).write_text(HTMLExporter(exclude_input=True).from_notebook_node(nb)[0], encoding="utf-8")
    Path(str(product["pdf"])).write_bytes(to_pdf(nb))


def main() -> None:
    from ploomber import DAG
    from ploomber.executors import Parallel
    from ploomber.products import File
    from ploomber.tasks import NotebookRunner, PythonCallable

    from perfkit.build.job import plan
    from perfkit.config.papers import load_params
    from perfkit.periods import parse_period

    project, periods = Path(sys.argv[1]), sys.argv[2:]
    os.environ["PERFKIT_HOME"] = str(project)
    params = load_params(project / "params", project / "notebooks")
    out, store = project / "ploomber", project / "data" / "perfkit.duckdb"
    dag = DAG(executor=Parallel(processes=2))
    jobs = [job for period in periods for job in plan(params, parse_period(period), None, None)]
    for number, job in enumerate(jobs):
        folder = job.outputs(out)
        folder.mkdir(parents=True, exist_ok=True)
        executed = NotebookRunner(
            project / "notebooks" / job.report.notebook, File(folder / f"{job.name}.ipynb"), dag=dag, name=f"nb{number}",
            params=job.parameters(store), papermill_params={"progress_bar": False}, static_analysis="disable",
        )
        products = {"html": File(folder / f"{job.name}.html"), "pdf": File(folder / f"{job.name}.pdf")}
        executed >> PythonCallable(render, products, dag=dag, name=f"render{number}")
    started = time.perf_counter()
    dag.build(force=True, show_progress=False)
    print(json.dumps({"seconds": time.perf_counter() - started, "reports": len(jobs)}))


if __name__ == "__main__":
    main()
