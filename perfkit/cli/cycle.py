"""The commands of a reporting cycle around the build: ``perfkit returns`` (workbooks out),
``check`` (what is missing), ``publish`` and ``publications``.

Each parses its options, calls the library and prints what it did; :mod:`perfkit.cli.app`
registers them and turns errors into one line. (Their ``--out`` option is named ``out``, so
the terminal is ``console`` here.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from perfkit.cli.look import DirectoratesOpt, OutOpt, StoreOpt, err, store_path
from perfkit.cli.look import out as console
from perfkit.config.project import project

__all__ = ["check", "publications", "publish", "returns"]


def returns(
    period: Annotated[str, typer.Option("--period", help="The quarter, e.g. '2026/27 Q1'.")],
    directorate: DirectoratesOpt = None,
    out: Annotated[Path | None, typer.Option("--out", help="Folder for the workbooks (default: returns/<period>/): a new or empty "
                                             "folder, or one perfkit made.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace workbooks that differ from what perfkit issued (an owner's filled-in "
                                                        "return); each old one is kept as <name>.replaced-<time>.xlsx.")] = False,
    store: StoreOpt = None,
) -> None:
    """Write one XLSX return workbook per indicator owner for a quarter, to send out.

    Each lists the owner's indicators and periods due, pre-filled and locked (definition,
    target, last figures), with validated cells for the figures, commentary and actions.
    Import the returned workbooks with `perfkit ingest`. A workbook there that differs from
    what perfkit issued (an owner's return) is never overwritten without --force."""
    from perfkit.returns.workbook import write_returns

    paths = write_returns(None, period, directorate, out, store, force=force)
    table = Table("directorate", "owner's workbook", title=f"Returns for {period}")
    for path in paths:
        table.add_row(path.parent.name, path.name)
    console.print(table)
    written = [p for p in paths if p.is_file()]
    console.print(f"{len(written)} workbook(s) written in {paths[0].parent.parent}")


def check(
    period: Annotated[str, typer.Option("--period", help="The quarter, e.g. '2026/27 Q1'.")],
    directorate: DirectoratesOpt = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 when a figure is not returned or commentary is missing.")] = False,
    today: Annotated[str | None, typer.Option("--today", help="Check as on this date, YYYY-MM-DD (default: today): what is overdue by then.")] = None,
    out: OutOpt = None,
    store: StoreOpt = None,
) -> None:
    """Completeness and quality before the build: not returned, overdue, provisional, commentary, unusual values.

    Prints a table per directorate and owner and writes outputs/<period>/data-check.html and
    data-check.csv (the chasing list: owner, email, indicator, what is missing)."""
    import datetime as dt

    from perfkit.returns.chase import MISSING, run_check, write_check

    try:
        when = dt.date.fromisoformat(today) if today else None
    except ValueError:
        raise typer.BadParameter(f"{today!r} is not a date; write it as YYYY-MM-DD", param_hint="--today") from None
    result, council = run_check(period, directorate, store, today=when)
    summary = result.summary()
    table = Table(*[str(c) for c in summary.columns], title=f"Data check, {result.period.label}")
    for row in summary.itertuples(index=False):
        table.add_row(*[str(v) for v in row])
    console.print(table)
    if len(result.findings):
        detail = Table("directorate", "owner", "indicator", "period", "finding", "detail", title="To chase or query")
        for r in result.findings.itertuples():
            detail.add_row(r.directorate, r.owner, r.indicator, r.period, r.issue, r.detail)
        console.print(detail)
    page, csv = write_check(result, out or project(store=store).outputs, council.name)
    console.print(escape(result.sentence()), soft_wrap=True)
    console.print(f"written: {page} and {csv.name}")
    if strict and len(result.missing):
        err.print(f"[bold red]--strict:[/] {len(result.missing)} figure(s) not returned or without the commentary required ({', '.join(MISSING)})")
        raise typer.Exit(1)


def publish(
    period: Annotated[str, typer.Option("--period", help="The period whose built papers to publish, e.g. '2026/27 Q1'.")],
    directorate: DirectoratesOpt = None,
    out: OutOpt = None,
    store: StoreOpt = None,
) -> None:
    """Freeze a period's built papers as published: read-only copies in outputs/published/,
    recorded in the store with their SHA-256 and data snapshot. Never replaces a publication."""
    from perfkit.publish import publish as publish_papers

    pub = publish_papers(period, directorate, store=store, out=out)
    console.print(
        f"publication {pub.publication_id}: {len(pub.files)} file(s) of {pub.period} in {pub.folder}, data as of batch "
        f"{pub.max_batch_id}, by {escape(pub.published_by)} at {pub.published_at:%Y-%m-%d %H:%M}", soft_wrap=True)


def publications(store: StoreOpt = None) -> None:
    """List the publications, newest first: id, period, when, by whom, data snapshot, files."""
    from perfkit.publish import publications as list_publications

    table = Table("id", "period", "published at", "by", "data (batch)", "files", title="Publications")
    for r in list_publications(store_path(store)).itertuples():
        table.add_row(str(r.publication_id), r.period, f"{r.published_at:%Y-%m-%d %H:%M}", r.published_by, str(r.max_batch_id), str(r.files))
    console.print(table)
