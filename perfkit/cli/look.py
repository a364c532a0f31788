"""The terminal, and the commands that look at figures: ``perfkit show`` and ``perfkit benchmark``.

Also what every command module shares (they cannot take it from :mod:`perfkit.cli.app`,
which imports them): the two consoles, :func:`plain` for stored text, and the --store,
--directorate and --out options.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from perfkit import api
from perfkit.config.project import project
from perfkit.text import printable

__all__ = ["DirectoratesOpt", "OutOpt", "StoreOpt", "benchmark", "describe", "err", "out", "plain", "show", "store_path"]

# emoji=False: a user's ":x:" is printed as written, never as an emoji
out = Console(highlight=False, emoji=False)
err = Console(stderr=True, highlight=False, emoji=False)

StoreOpt = Annotated[
    Path | None,
    typer.Option("--store", help="DuckDB store file (default: $PERFKIT_STORE or data/perfkit.duckdb).", show_default=False),
]
DirectoratesOpt = Annotated[
    list[str] | None, typer.Option("--directorate", help="Directorate slug (repeat for more; default: all).")
]
OutOpt = Annotated[Path | None, typer.Option("--out", help="Output folder (default: outputs/).")]


def store_path(store: Path | None) -> Path:
    """The store file: ``--store``, else the project's."""
    return project(store=store).store


def plain(value: object) -> Text:
    """Text from the store or params for the terminal: shown as it is (no rich markup, no
    links) and without control characters, which could retitle, clear or drive the terminal."""
    return Text(printable(value))


def show(
    code: Annotated[str, typer.Argument(help="Indicator code, e.g. HSG_RENT (see `perfkit indicators`).")],
    period: Annotated[str | None, typer.Option("--period", help="Period, e.g. '2025/26 Q2' (default: latest).")] = None,
    area: Annotated[str | None, typer.Option("--area", help="Area code (default: the council's own).")] = None,
    store: StoreOpt = None,
) -> None:
    """Show one indicator: value, target, RAG, direction of travel and rank."""
    code_ = code.upper()
    api.get_catalogue()[code_]  # an unknown code is a clear error
    when = period or api.latest_period(code_, area, store=store)
    card = api.scorecard(when, area=area, indicators=[code_], store=store)
    out.print(describe(card.iloc[0]))


_POLARITY = {"higher": "higher is better", "lower": "lower is better", "neutral": "no polarity"}


def describe(row) -> Table:  # noqa: ANN001 - a scorecard row
    """The terminal view of one scorecard row."""
    from perfkit.formatting import format_value
    from perfkit.report.wording import (
        comparator_text,
        compared_with,
        figure_text,
        period_name,
        previous_text,
        quality_text,
        ytd_text,
    )

    fmt = lambda v: format_value(v, row["unit"], row["decimals"])  # noqa: E731
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    add = lambda label, value: grid.add_row(label, plain(value))  # noqa: E731 - stored text, never markup or control codes
    add("Indicator", f"{row['indicator']}: {row['title']}")
    add("About", f"{_POLARITY[row['polarity']]}; {row['frequency']}; {row['directorate']}, {row['service']}")
    add("Owner", row["owner"])
    add("Area", f"{row['area_name'] or ''}".strip() or "(no data)")
    add("Period", row["period"].label)
    add("Value", figure_text(row))
    if quality_text(row):
        add("Data quality", f"counts_disagree: {quality_text(row)}")
    if row["target"] == row["target"]:
        points = " percentage points" if row["unit"] == "%" else ""
        tolerance = f"{row['tolerance']:.{row['decimals']}f}{points}"
        add("Target", f"{fmt(row['target'])} (amber within {tolerance})")
    else:
        add("Target", "no target")
    add("RAG", row["rag"].upper() if row["rag"] in ("green", "amber", "red") else row["rag"])
    if ytd_text(row):
        add(row["ytd_kind"].capitalize(), f"{ytd_text(row)}: {row['ytd_rag'].upper()}")
    for name in compared_with(row):
        add(f"vs {row[f'{name}_period'].label}", f"{previous_text(row, prefix=name + '_')}: {row[f'direction_{name}']}")
    add("Comparators", comparator_text(row))
    when = period_name(row["commentary_period"])
    for key in ("commentary", "actions"):
        if isinstance(row[key], str):
            add(f"{key.capitalize()} ({when})", row[key])
    return grid


def benchmark(
    code: Annotated[str, typer.Argument(help="Indicator code, e.g. DFE_REREF.")],
    area: Annotated[str, typer.Option("--area", help="Area code, e.g. E08000009.")],
    period: Annotated[str, typer.Option("--period", help="Period, e.g. '2024/25'.")],
    neighbours: Annotated[Path | None, typer.Option("--neighbours", help="A DfE statistical neighbour file (CSV: the 2021 groupings or the 2025 model): the area's own neighbours in it.")] = None,
    group: Annotated[str | None, typer.Option("--group", help="A comparator group of the project (see `perfkit groups`) instead of the indicator's own.")] = None,
    store: StoreOpt = None,
) -> None:
    """Rank, quartile, median and gaps of an area within its own neighbours, its region and England.

    The area's own neighbours in the indicator's group: a council's list never ranks another
    area (it uses its own list, or says it has none), and a region is never ranked."""
    from perfkit.formatting import format_change, format_value

    ind = api.get_catalogue()[code.upper()]
    table = api.benchmark(code, area, period, neighbours=neighbours, store=store, group=group)
    fmt = lambda v: format_value(v, ind.unit.value, ind.decimals)  # noqa: E731
    gap = lambda v, signed=True: format_change(v, ind.unit.value, ind.decimals, signed)  # noqa: E731 - "+3.7 pts" for a percentage
    grid = Table("group", "value", "position", "quartile", "median", "gap to median", "best quartile from", "gap to best quartile", title=f"{ind.code}: {ind.title}, {area}, {period}")
    for _, r in table.iterrows():
        quartile = "–" if r["quartile"] != r["quartile"] else str(int(r["quartile"]))
        grid.add_row(plain(r["group"]), fmt(r["value"]), r["position"], quartile, fmt(r["median"]), gap(r["gap_to_median"]), fmt(r["best_quartile_threshold"]), gap(r["gap_to_best_quartile"], False))
    out.print(grid)
    for note in table.attrs.get("notes", []):
        out.print(plain(note), soft_wrap=True)
    if table.attrs.get("flagged"):
        out.print(plain(
            f"data quality: {len(table.attrs['flagged'])} compared figure(s) disagree with their own published counts and are "
            f"used as published (counts_disagree): {', '.join(table.attrs['flagged'])}"
        ), soft_wrap=True)
