"""``perfkit audit``: check what the built papers of a period say (:mod:`perfkit.audit`) and print the findings."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from perfkit.cli.look import StoreOpt, err, out, plain

__all__ = ["audit"]


def audit(
    period: Annotated[str | None, typer.Argument(help="The period whose built papers to audit, e.g. '2025/26 Q4' (default: the latest complete quarter).")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 when the audit finds a failure (a paper's own words wrong).")] = False,
    out_dir: Annotated[Path | None, typer.Option("--out", help="The output folder the papers were built into (default: outputs/).")] = None,
    store: StoreOpt = None,
) -> None:
    """Audit the built papers of a period: every tally, caption, list, RAG, rank and quoted
    number against their rows and the store.

    Failures are the paper's own words; warnings are owners' commentary that disagrees with the
    figure beside it. Build the papers first (`perfkit build --period P`)."""
    from perfkit.audit import audit_period, failed
    from perfkit.build.job import latest_complete_period
    from perfkit.config.council import load_council
    from perfkit.config.project import project
    from perfkit.errors import ConfigError
    from perfkit.periods import parse_period

    proj = project(store=store)
    when = parse_period(period) if period else latest_complete_period(proj.store, load_council(proj.params).area_code)
    folder = (out_dir or proj.outputs) / when.slug
    if not any(folder.glob("*/*.ipynb")):
        raise ConfigError(f"no papers built for {when.label} in {folder}: build them first (perfkit build --period '{when.label}')")
    findings = audit_period(out_dir or proj.outputs, when, proj.store, proj.params)
    table = Table("level", "paper", "indicator", "check", "the paper says", "it should say", title=f"Paper audit, {when.label}")
    for f in findings:
        table.add_row("[red]fail[/]" if f.level == "fail" else "[yellow]warn[/]", plain(f.paper), plain(f.indicator), f.check, plain(f.says), plain(f.should))
    if findings:
        out.print(table)
    fails = failed(findings)
    out.print(f"{len(fails)} failure(s) and {len(findings) - len(fails)} warning(s) in the papers for {when.label} in {folder}")
    if strict and fails:
        err.print(f"[bold red]--strict:[/] the audit found {len(fails)} failure(s)")
        raise typer.Exit(1)
