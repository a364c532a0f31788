"""The terminal side of ``perfkit build``: progress, the summary table, the exit code."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from perfkit.build import (
    FORMATS,
    Job,
    JobResult,
    check_parameters,
    job_inputs,
    job_key,
    latest_complete_period,
    load_checked,
    plan,
    run_jobs,
    worker_count,
)
from perfkit.council import load_council
from perfkit.errors import ConfigError, PerfkitError
from perfkit.manifest import Manifest, code_hash
from perfkit.outputs import OutputFolder
from perfkit.paths import Project, project
from perfkit.periods import parse_period
from perfkit.render.index import write_index
from perfkit.store import Store
from perfkit.text import printable

__all__ = ["run_build"]


def _ensure_data(proj, out: Console) -> None:  # noqa: ANN001 - a Project
    empty = not proj.store.exists()
    if not empty:
        with Store(proj.store, read_only=True) as db:
            empty = db.is_empty()
    if empty:
        from perfkit.demo import is_fictional, write_demo_files
        from perfkit.ingest import ingest

        council = load_council(proj.params)
        if not is_fictional(council):
            raise ConfigError(
                f"the store {proj.store} holds no data yet: import {council.name}'s files first, e.g. `perfkit ingest "
                "--source dfe_c1_referrals FILE.csv` or `perfkit ingest data/returns/*.csv` (README, 'Set up your own council')"
            )
        out.print(f"The store {proj.store} is empty: generating the fictional demo council's data first (as `perfkit demo`).")
        from perfkit.catalogue import load_catalogue

        catalogue = load_catalogue(proj.params)
        ingest(write_demo_files(catalogue, council, proj.demo_data), proj.store, catalogue)


def run_build(period, directorates, reports, formats, jobs, out_dir, store, out_console: Console, err_console: Console, engine: str = "nbconvert", force: bool = False, scheduler: str | None = None, warm_kernels: bool = True) -> int:  # noqa: ANN001
    """Build, show progress and a summary; return the exit code (1 when any report failed)."""
    found = project(store=store)
    # the store is chosen here, once: workers (other processes, Dask machines) must not
    # choose again from their own $PERFKIT_STORE
    proj = Project(found.root, found.store.resolve())
    chosen = tuple(f.strip().lower() for f in formats.split(",") if f.strip())
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown:
        raise ConfigError(f"--format: unknown format(s) {', '.join(unknown)}; use {', '.join(FORMATS)}")
    if engine not in ("nbconvert", "quarto"):
        raise ConfigError(f"--engine: unknown engine {engine!r}; use nbconvert (the default) or quarto")
    if engine == "quarto":
        from perfkit.render.quarto import quarto_binary

        if quarto_binary() is None:
            raise ConfigError("--engine quarto: the quarto command is not on PATH; install Quarto or use the default engine")
    folder = OutputFolder(out_dir or proj.outputs)  # refused before anything is made
    params = load_checked(proj)
    _ensure_data(proj, out_console)
    council = load_council(proj.params)
    periods = [parse_period(p) for p in ([period] if isinstance(period, str) else period or [])]
    periods = periods or [latest_complete_period(proj.store, council.area_code)]
    _check_periods_have_data(proj.store, council.area_code, periods)
    planned = [job for when in periods for job in plan(params, when, directorates, reports)]
    with folder.building():
        try:
            return _build(proj, params, council, periods, planned, folder, chosen, jobs, force, engine, scheduler, warm_kernels, out_console, err_console)
        except OSError as exc:  # a full disk, a folder made read-only: what was written is whole, the rest is not there
            raise PerfkitError(
                f"writing the build's files failed ({exc.strerror or exc}: {exc.filename or folder.path}); no file was left "
                "half-written under its name. Free some space (or make the folder writable) and run the build again"
            ) from None


def _build(proj, params, council, periods, planned, folder, chosen, jobs, force, engine, scheduler, warm_kernels, out_console, err_console) -> int:  # noqa: ANN001, PLR0913
    """The build itself, holding the output folder's lock."""
    out = folder.path
    removed = folder.remove_stale_temporaries()
    manifest = Manifest(out)
    if manifest.problem:
        out_console.print(f"[yellow]{escape(manifest.problem)}[/]", soft_wrap=True)
    code = code_hash()
    seen: dict = {}  # rows' hashes, shared by the periods of a report
    inputs = {job_key(j): job_inputs(j, params, proj, code, council.area_code, seen) for j in planned}
    todo = [j for j in planned if force or not manifest.up_to_date(job_key(j), inputs[job_key(j)], chosen)]
    skipped = [JobResult(j, "skipped", dict(manifest.entries[job_key(j)].get("files", {}))) for j in planned if j not in todo]
    if todo:
        check_parameters(todo, proj, proj.store)
    note = f"; removed {removed} half-written file(s) from an interrupted build" if removed else ""
    named = ", ".join(f"{w.label} ({w.span})" for w in periods)
    out_console.print(f"{len(planned)} report(s) for {named} in {out}: {len(todo)} to build, {len(skipped)} up to date{note}")
    for when in periods:
        undated = sorted({j.folder for j in planned if j.period == when and params.meeting(when, params.paper_for(j.folder)) is None})
        if undated:
            out_console.print(
                f"no committee meeting date for {when.label} ({', '.join(undated)}): those papers say \"to be confirmed\"; "
                f"add the date under meetings in {proj.params / 'calendar.yaml'} (or a directorate's own meetings)"
            )
    workers, why = worker_count(jobs, len(todo))
    if why and todo:
        out_console.print(why)
    started = time.perf_counter()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=out_console, transient=False) as progress:
        task = progress.add_task("building", total=len(todo))

        def done(result: JobResult) -> None:
            key = job_key(result.job)
            manifest.record(
                key,
                {
                    "inputs": inputs[key],
                    "status": result.status,
                    "error": result.error,
                    "seconds": {k: round(v, 3) for k, v in result.seconds.items()},
                    "files": result.files,
                    "checks": result.checks,
                    "built_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
                },
            )
            mark = "built" if result.status == "built" else "[red]FAILED[/]"
            progress.console.print(f"  {mark} {_label(result.job, len(periods) > 1)} ({sum(result.seconds.values()):.1f} s)")
            progress.advance(task)

        results = run_jobs(todo, proj, out, chosen, workers=workers, on_done=done, engine=engine, scheduler=scheduler, warm_kernels=warm_kernels) if todo else []
    results = sorted(results + skipped, key=lambda r: planned.index(r.job))
    names = {slug: d.name for slug, d in params.directorates.items()} | {"corporate": "Corporate overview"}
    index = write_index(out, council.name, names)
    _summary(results, out_console, time.perf_counter() - started, index)
    queries = [(r, c) for r in results for c in r.checks]
    if queries:
        out_console.print(f"[bold yellow]{len(queries)} check(s) before publishing (commentary to query with its owner; text the PDF cannot show):[/]")
        for r, check in queries:
            out_console.print(f"  {_label(r.job, len(periods) > 1)}: {escape(printable(check))}", soft_wrap=True)
    failed = [r for r in results if r.status == "failed"]
    for r in failed:
        kept = f"; the executed notebook is {r.files['ipynb']}" if r.files.get("ipynb") else ""
        err_console.print(f"[bold red]failed:[/] {_label(r.job, len(periods) > 1)}: {escape(r.error)}{kept}", soft_wrap=True)
    return 1 if failed else 0


def _check_periods_have_data(store: Path, area: str, periods: list) -> None:  # noqa: ANN001 - Periods
    """Refuse a period for which the store holds none of the council's figures (the papers
    would have nothing to say), naming the latest period that has some."""
    with Store(store, read_only=True) as db:
        for when in periods:
            found = db.con.execute(
                "SELECT count(*) FROM observations WHERE area_code = ? AND period_start BETWEEN ? AND ?", [area, when.start, when.end]
            ).fetchall()[0][0]
            if not found:
                latest = latest_complete_period(store, area, today=dt.date.max)
                raise ConfigError(
                    f"--period {when.label}: the store holds none of the council's ({area}) figures for {when.span}; "
                    f"the latest quarter with figures is {latest.label}. Import that period's data first, or choose another period"
                )


def _label(job: Job, several_periods: bool) -> str:
    """'housing/directorate_report', with the period in front when a build has several."""
    return job_key(job) if several_periods else f"{job.folder}/{job.name}"


def _summary(results: list[JobResult], out: Console, seconds: float, index: Path) -> None:
    several = len({r.job.period for r in results}) > 1
    table = Table(title="Build summary (seconds): failed first, then the slowest")
    table.add_column("report", no_wrap=True, min_width=max((len(_label(r.job, several)) for r in results), default=6))
    for name in ("status", "execute", "html", "pdf"):
        table.add_column(name)
    order = {"failed": 0, "built": 1, "skipped": 2}
    for r in sorted(results, key=lambda r: (order[r.status], -sum(r.seconds.values()))):
        table.add_row(
            _label(r.job, several),
            r.status,
            *(f"{r.seconds[k]:.1f}" if k in r.seconds else "–" for k in ("execute", "html", "pdf")),
        )
    out.print(table)
    counts = {k: sum(r.status == k for r in results) for k in ("built", "skipped", "failed")}
    out.print(f"{counts['built']} built, {counts['skipped']} up to date, {counts['failed']} failed in {seconds:.1f} s; index: {index}")
