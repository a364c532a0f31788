"""``perfkit lab``: JupyterLab in the project's analysis/ folder, with its store configured."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from perfkit.cli.look import StoreOpt, out
from perfkit.config.project import Project, project
from perfkit.errors import PerfkitError

__all__ = ["lab", "lab_command"]


def lab_command(proj: Project, extra: list[str]) -> list[str]:
    """The JupyterLab command ``perfkit lab`` runs: in the project's ``analysis/`` folder,
    which starts with a copy of the analyst starter notebook, never on the production
    report notebooks; ``extra`` (``--port 8899 --ip 0.0.0.0 --no-browser`` ...) go to JupyterLab."""
    from perfkit.scaffold.init import analysis_folder

    folder = analysis_folder(proj)
    return [sys.executable, "-m", "jupyterlab", "--notebook-dir", str(folder), *extra]


NewOpt = Annotated[str | None, typer.Option("--new", help="write analysis/<slug>.ipynb for this title (front matter filled in) and stop")]


def lab(ctx: typer.Context, store: StoreOpt = None, new: NewOpt = None) -> None:
    r"""Open JupyterLab in analysis/ with the project's store configured (needs perfkit\[lab]).

    Other options go to JupyterLab: perfkit lab --port 8899 --ip 0.0.0.0 --no-browser.
    --new "Temporary accommodation" writes analysis/temporary-accommodation.ipynb, ready for
    perfkit render, and opens nothing.
    """
    import importlib.util
    import subprocess

    if new is not None:
        from perfkit.analysis.new import new_analysis
        from perfkit.scaffold.init import analysis_folder

        path = new_analysis(analysis_folder(project(store=store)), new)
        out.print(f"wrote {path}: fill in its front matter (the cell tagged 'paper'), then perfkit render {path}", markup=False)
        return

    if importlib.util.find_spec("jupyterlab") is None:
        raise PerfkitError("JupyterLab is not installed: pip install 'perfkit[lab]' (or pip install jupyterlab)")
    proj = project(store=store)
    env = {**os.environ, "PERFKIT_HOME": str(proj.root), "PERFKIT_STORE": str(proj.store)}
    command = lab_command(proj, list(ctx.args))
    out.print(f"JupyterLab on {command[4]} with the store {proj.store}")
    raise typer.Exit(subprocess.call(command, env=env))
