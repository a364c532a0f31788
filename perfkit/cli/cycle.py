"""The commands of a reporting cycle around the build: ``perfkit returns`` (workbooks out),
``check`` (what is missing), ``clear``, ``publish``, ``publications`` and ``verify``, and keeping the
store safe (``backup``, ``restore``).

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

__all__ = ["backup", "check", "clear", "publications", "publish", "restore", "returns", "verify"]


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


def clear(
    period: Annotated[str, typer.Option("--period", help="The period whose built papers were signed off, e.g. '2026/27 Q1'.")],
    by: Annotated[str, typer.Option("--by", help="Who cleared them: the director or portfolio holder, e.g. 'Jo Smith, Director of Housing'.")],
    directorate: DirectoratesOpt = None,
    out: OutOpt = None,
    store: StoreOpt = None,
) -> None:
    """Record that a period's built papers were cleared for publication, by whom and when.

    A paper rebuilt afterwards from other data or code is a draft again and needs clearing again."""
    from perfkit.publish import clear as clear_papers

    keys = clear_papers(period, by, directorate, store=store, out=out)
    console.print(f"cleared by {escape(by)}: {', '.join(keys)}", soft_wrap=True)


def publish(
    period: Annotated[str | None, typer.Option("--period", help="The period whose built papers to publish, e.g. '2026/27 Q1'.")] = None,
    directorate: DirectoratesOpt = None,
    uncleared: Annotated[bool, typer.Option("--uncleared", help="Publish papers nobody has cleared (perfkit clear), recorded as uncleared.")] = False,
    analysis: Annotated[str | None, typer.Option("--analysis", help="Publish instead the analyst's paper perfkit render wrote to outputs/analysis/SLUG/.")] = None,
    out: OutOpt = None,
    store: StoreOpt = None,
) -> None:
    """Freeze a period's cleared, built papers (or an analysis) as published: read-only copies in outputs/published/,
    named for a clerk, recorded in the store with their SHA-256, clearance and data snapshot. Never replaces a publication."""
    from perfkit.publish import publish as publish_papers

    if (period is None) == (analysis is None):
        from perfkit.errors import ConfigError

        raise ConfigError("publish: give --period P (a period's papers) or --analysis SLUG (an analyst's rendered paper), not both or neither")
    if analysis is not None:
        from perfkit.publish.analysis import publish_analysis

        pub = publish_analysis(analysis, store=store, out=out)
        console.print(f"publication {pub.publication_id}: {len(pub.files)} file(s) of the analysis {pub.period} "
                      f"({', '.join(f.upper() for f in pub.formats)}) in {pub.folder / analysis}, by {escape(pub.published_by)} at "
                      f"{pub.published_at:%Y-%m-%d %H:%M}; recorded as uncleared (analyses have no clearance step yet)", soft_wrap=True)
        return
    pub = publish_papers(period, directorate, store=store, out=out, uncleared=uncleared)
    for note in pub.notes:
        console.print(f"first, {escape(note)}", soft_wrap=True)
    folders = [k.split("/")[1] for k in pub.papers]
    console.print(
        f"publication {pub.publication_id}: {len(pub.files)} file(s) of {pub.period} ({', '.join(folders)}; "
        f"{', '.join(f.upper() for f in pub.formats)}) in {pub.folder}, data as of batch "
        f"{pub.max_batch_id}, by {escape(pub.published_by)} at {pub.published_at:%Y-%m-%d %H:%M}", soft_wrap=True)
    if "corporate" in folders and directorate:
        console.print("The corporate overview is published with any directorate's paper: it reads every directorate's figures.")
    if pub.uncleared:
        err.print(f"[bold yellow]published uncleared (--uncleared), recorded as such:[/] {', '.join(pub.uncleared)}", soft_wrap=True)


def publications(store: StoreOpt = None) -> None:
    """List the publications, newest first: id, period, when, by whom, data snapshot, directorates, formats, clearance."""
    from perfkit.publish import publications as list_publications

    table = Table("id", "period", "published at", "by", "data (batch)", "directorates", "formats", "cleared", "files", title="Publications")
    for r in list_publications(store_path(store)).itertuples():
        table.add_row(str(r.publication_id), r.subject, f"{r.published_at:%Y-%m-%d %H:%M}", r.published_by, str(r.max_batch_id),
                      r.folders or "", r.formats or "", f"{r.cleared} of {r.papers}", str(r.files))
    console.print(table)


def verify(
    period: Annotated[str | None, typer.Option("--period", help="Check this period's publications only (default: every publication).")] = None,
    analysis: Annotated[str | None, typer.Option("--analysis", help="Check this analysis's publications only (its slug).")] = None,
    out: OutOpt = None,
    store: StoreOpt = None,
) -> None:
    """Check every published file against its recorded SHA-256: exit 1 when one changed, is missing,
    was added or can be written."""
    from perfkit.periods import parse_period
    from perfkit.publish import verify as verify_published

    subject = parse_period(period).label if period else analysis
    checked, found = verify_published(out or project(store=store).outputs, store_path(store), subject)
    if not found:
        console.print(f"{checked} published file(s) checked: each is as published.")
        return
    table = Table("publication", "what", "file", title="Published files not as published")
    for f in found:
        table.add_row(str(f.publication_id or "not recorded"), f.what, str(f.path))
    console.print(table)
    err.print(f"[bold red]verify:[/] {len(found)} finding(s) in {checked} published file(s) checked")
    raise typer.Exit(1)


def backup(
    to: Annotated[Path | None, typer.Option("--to", help="The backup file (default: data/backups/perfkit-<time>.duckdb).")] = None,
    store: StoreOpt = None,
) -> None:
    """Write a consistent copy of the store, with its SHA-256 and content hash beside it (<file>.json)."""
    from perfkit.store.backup import backup as backup_store

    path, record = backup_store(store_path(store), to)
    console.print(f"backup: {path} (SHA-256 {record['sha256']}, content {record['content'][:16]}); its record: {path.name}.json")


def restore(
    copy: Annotated[Path, typer.Argument(help="A backup written by `perfkit backup` (its .json beside it).")],
    store: StoreOpt = None,
) -> None:
    """Check a backup against its SHA-256 and content hash and put it back as the store (the store replaced is kept beside it)."""
    from perfkit.store.backup import restore as restore_store

    kept, record = restore_store(copy, store_path(store))
    console.print(f"restored {copy} (made {record['made_at']}, content {record['content'][:16]})"
                  + (f"; the store it replaced is kept as {kept}" if kept else ""))
