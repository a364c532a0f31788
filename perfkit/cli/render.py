"""``perfkit render NOTEBOOK...``: an analyst's own notebook as a paper (:mod:`perfkit.analysis`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from perfkit.cli.look import out
from perfkit.errors import ConfigError

__all__ = ["render"]


def _each(text: str | None) -> tuple[str, list[str]] | None:
    if not text:
        return None
    name, _, values = text.partition("=")
    chosen = [v.strip() for v in values.split(",") if v.strip()]
    if not name.strip() or not chosen:
        raise ConfigError(f"--each {text!r}: write it as NAME=VALUE,VALUE,... e.g. --each area=E08000007,E08000035")
    return name.strip(), chosen


def render(
    notebooks: Annotated[list[Path], typer.Argument(help="the notebooks to render")],
    execute: Annotated[bool, typer.Option("--execute", help="run each notebook first (papermill, warm kernels)")] = False,
    parameter: Annotated[list[str] | None, typer.Option("-p", "--parameter", help="-p NAME=VALUE: a parameter, with --execute")] = None,
    each: Annotated[str | None, typer.Option("--each", help="NAME=V1,V2,...: one paper per value, with --execute")] = None,
    fmt: Annotated[str, typer.Option("--format", help="html,pdf,docx (default: all three)")] = "html,pdf,docx",
    out_dir: Annotated[Path | None, typer.Option("--out", help="the output folder (default: the project's outputs/)")] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", help="worker processes with --execute (default: cores)")] = None,
) -> None:
    """Render notebooks as papers in the house style into outputs/analysis/<slug>/ (see README "Sharing your own analysis")."""
    from perfkit.analysis.run import plan, render_notebooks
    from perfkit.build.executors import worker_count
    from perfkit.config.project import project
    from perfkit.render.formats import FORMATS

    formats = tuple(f.strip() for f in fmt.split(",") if f.strip())
    bad = [f for f in formats if f not in ("html", "pdf", "docx") or f not in FORMATS]
    if bad or not formats:
        raise ConfigError(f"--format {fmt}: an analysis renders as html, pdf or docx (comma-separated)")
    params: dict[str, str] = {}
    for given in parameter or []:
        name, sep, value = given.partition("=")
        if not sep or not name.strip():
            raise ConfigError(f"-p {given!r}: write it as -p NAME=VALUE, e.g. -p period=\"2025/26 Q4\"")
        params[name.strip()] = value
    proj = project()
    council, env = "", {}
    if (proj.params / "council.yaml").is_file():
        from perfkit.config.council import load_council

        council = load_council(proj.params).name
        env = {"PERFKIT_HOME": str(proj.root), "PERFKIT_STORE": str(proj.store.resolve())}
    target = (out_dir or proj.outputs).resolve()
    planned = plan(list(notebooks), params, _each(each), target, formats, execute, council)
    workers, _ = worker_count(jobs, sum(j.execute for j in planned))

    def done(result) -> None:  # noqa: ANN001 - a perfkit.analysis.run.Rendered
        if result.status == "failed":
            out.print(f"failed {result.job.slug}: {result.error}", markup=False)
            return
        out.print(f"rendered {result.job.slug}: " + ", ".join(result.files[k] for k in (*formats, "ipynb") if k in result.files), markup=False)
        for check in result.checks:
            out.print(f"  check: {check}", markup=False)

    results = render_notebooks(planned, target, env, workers, done)
    failed = [r for r in results if r.status == "failed"]
    checks = sum(len(r.checks) for r in results)
    out.print(f"{len(results) - len(failed)} of {len(results)} paper(s) rendered into {target / 'analysis'}; {checks} check(s) to look at", markup=False)
    if failed:
        raise typer.Exit(1)
