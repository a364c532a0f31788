"""The terminal side of ``perfkit build``: progress, the summary table, the exit code."""

from __future__ import annotations

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

from perfkit.audit import FAIL
from perfkit.build.builder import build
from perfkit.build.job import Job, JobResult, job_key
from perfkit.build.options import BuildOptions
from perfkit.render.formats import FORMATS
from perfkit.text import printable

__all__ = ["run_build"]

SHOWN = 40  # rows of the summary table: a batch of hundreds shows its failures and slowest


def run_build(options: BuildOptions, out_console: Console, err_console: Console) -> int:
    """Build (:func:`perfkit.build.builder.build`), show progress and a summary; return the exit code
    (1 when any report failed)."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn())
    progress = Progress(*columns, console=out_console, transient=False)
    several = len(options.periods or ()) > 1
    state: dict = {}

    def on_event(kind: str, payload: object) -> None:
        if kind == "note":
            out_console.print(escape(str(payload)), soft_wrap=True)
        elif kind == "check":
            out_console.print(f"data check: {escape(payload.sentence())} (perfkit check --period '{payload.period.label}' for the list)", soft_wrap=True)
        elif kind == "start":
            progress.start()
            state["task"] = progress.add_task("building", total=payload)
        elif kind == "done":
            mark = "built" if payload.status == "built" else "[red]FAILED[/]"
            progress.console.print(f"  {mark} {_label(payload.job, several)} ({sum(payload.seconds.values()):.1f} s)")
            progress.advance(state["task"])

    try:
        report = build(options, on_event=on_event)
    finally:
        progress.stop()
    results = report.results
    _summary(results, out_console, report.seconds, report.index)
    for nb in report.own_notebooks:
        out_console.print(f"ran the project's own notebook {escape(nb['path'])} (SHA-256 {nb['sha256']}) in place of perfkit's", soft_wrap=True)
    queries = [(r, c) for r in results for c in r.checks]
    if queries or report.audit:
        out_console.print(f"[bold yellow]{len(queries) + len(report.audit)} check(s) before publishing (commentary to query with its owner; "
                          "text the PDF cannot show; the paper audit's findings):[/]")
        for r, check in queries:
            out_console.print(f"  {_label(r.job, several)}: {escape(printable(check))}", soft_wrap=True)
        for finding in report.audit:
            out_console.print(f"  {escape(printable(finding.line()))}", soft_wrap=True)
    for r in report.failed:
        kept = f"; the executed notebook is {r.files['ipynb']}" if r.files.get("ipynb") else ""
        err_console.print(f"[bold red]failed:[/] {_label(r.job, several)}: {escape(r.error)}{kept}", soft_wrap=True)
    if options.as_of and options.as_of.strip().isdigit():
        _compare(options, report.out, out_console)
    wrong = [f for f in report.audit if f.level == FAIL]
    if options.strict and wrong:
        err_console.print(f"[bold red]--strict:[/] the paper audit found {len(wrong)} failure(s) in what this build made (listed above); "
                          "the papers are built but not fit to publish: fix them and build again", soft_wrap=True)
    return 1 if report.failed or (options.strict and wrong) else 0


def _compare(options: BuildOptions, rebuilt: Path, out: Console) -> None:
    """After ``--as-of ID``: each published file against its rebuilt copy (:mod:`perfkit.publish.reproduce`)."""
    from perfkit.config.project import project
    from perfkit.publish.reproduce import compare_publication

    proj = project(store=options.store)
    found = compare_publication(proj.outputs, proj.store, int(options.as_of), rebuilt)
    for line in found.lines(proj.outputs):
        out.print(escape(line), soft_wrap=True)


def _label(job: Job, several_periods: bool) -> str:
    """'housing/directorate_report', with the period in front when a build has several."""
    return job_key(job) if several_periods else f"{job.folder}/{job.name}"


def _summary(results: list[JobResult], out: Console, seconds: float, index: Path) -> None:
    several = len({r.job.period for r in results}) > 1
    table = Table(title="Build summary (seconds): failed first, then the slowest")
    table.add_column("report", no_wrap=True, min_width=max((len(_label(r.job, several)) for r in results), default=6))
    timed = ["execute", *(f for f in FORMATS if any(f in r.seconds for r in results))]  # the formats this build rendered
    for name in ("status", *timed):
        table.add_column(name)
    order = {"failed": 0, "built": 1, "skipped": 2}
    ranked = sorted(results, key=lambda r: (order[r.status], -sum(r.seconds.values())))
    for r in ranked[:SHOWN]:
        table.add_row(
            _label(r.job, several),
            r.status,
            *(f"{r.seconds[k]:.1f}" if k in r.seconds else "–" for k in timed),
        )
    out.print(table)
    if len(ranked) > SHOWN:
        out.print(f"(and {len(ranked) - SHOWN} more, the fastest and those up to date: {index.parent / 'manifest.json'} has every report's times)")
    counts = {k: sum(r.status == k for r in results) for k in ("built", "skipped", "failed")}
    out.print(f"{counts['built']} built, {counts['skipped']} up to date, {counts['failed']} failed in {seconds:.1f} s; index: {index}")
