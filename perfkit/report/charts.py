"""Charts in the house style: tidy data in, SVG and alt text out.

Charts are drawn with seaborn/matplotlib inside :func:`house_style` (a context manager, so
nothing changes global state at import time) and saved as vector SVG. Colours are from a
colour-blind-safe palette and every chart has alt text that says what it shows. No
calculations here: the data arrive assessed.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import pandas as pd

from perfkit.blocks.model import Chart
from perfkit.formatting import format_value
from perfkit.report.chart_axis import draw_break, value_axis
from perfkit.report.chart_axis import nice_ticks as _nice_ticks

__all__ = ["comparator_chart", "house_style", "sparkline_svg", "trend_alt", "trend_chart"]

INK = "#1b1b1b"
BLUE = "#0b5394"  # the council's own series
GREY = "#7a7a7a"
ORANGE = "#c55a11"  # target line (dashed, so not colour alone)


@contextmanager
def house_style() -> Iterator[None]:
    """Fonts, sizes and palette for perfkit charts, restored on exit."""
    import sys

    import matplotlib

    if "ipykernel" not in sys.modules:  # a script or build worker draws off-screen; a notebook keeps its inline backend
        matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    import seaborn as sns

    rc = {
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.edgecolor": "#444444",
        "axes.labelcolor": INK,
        "axes.titlesize": 10,
        "xtick.color": INK,
        "ytick.color": INK,
        "svg.hashsalt": "perfkit",  # stable ids, so the same data gives the same SVG
        "svg.fonttype": "path",
        "text.parse_math": False,  # area names and titles are text: "$" is a pound or dollar, never mathtext
        "figure.dpi": 100,
    }
    with plt.rc_context(rc), sns.axes_style("whitegrid", {"grid.color": "#dddddd"}):
        yield


def _svg(fig) -> str:  # noqa: ANN001 - a matplotlib Figure
    import matplotlib.pyplot as plt

    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": "perfkit"})
    plt.close(fig)
    return buffer.getvalue()


def trend_alt(title: str, series: pd.DataFrame, unit: str, decimals: int) -> str:
    """'Rent collected rose from 96.1% to 97.4% over 8 quarters; target 98.0%.'"""
    known = series.dropna(subset=["value"])
    if known.empty:
        return f"{title}: no data for the periods shown."
    first, last = known.iloc[0], known.iloc[-1]
    fmt = lambda v: format_value(v, unit, decimals)  # noqa: E731
    shown_first, shown_last = fmt(first["value"]), fmt(last["value"])
    verb = "was unchanged at" if shown_first == shown_last else ("rose from" if last["value"] > first["value"] else "fell from")
    middle = f" {shown_first}" if verb.endswith("at") else f" {shown_first} to {shown_last}"
    span = f"between {first['period'].label} and {last['period'].label}"
    target = last.get("target")
    target_text = f"; target {fmt(target)}" if target == target and target is not None else ""
    return f"{title} {verb}{middle} {span} ({len(known)} periods with data){target_text}."


def trend_chart(
    title: str, series: pd.DataFrame, unit: str, decimals: int, width: float = 6.5, height: float = 2.6, quoted: Iterable[float | None] = (),
) -> Chart:
    """Line chart of ``series`` (period, value, target) with the target as a dashed step line.

    Periods before the first figure are left off; a period without a figure inside the
    series is a gap in the line. The value axis follows :mod:`perfkit.report.chart_axis`: it
    holds every figure plotted and every figure in ``quoted`` (what the text around the chart
    quotes), and an axis that does not start at zero carries a break mark and the caption says
    where it starts, so a small change is not read as a large one."""
    import matplotlib.pyplot as plt

    known = series["value"].notna()
    series = series[known.cummax()] if known.any() else series
    labels = [p.label.replace(" ", "\n") for p in series["period"]]  # "2025/26\nQ2": no overlap
    axis = value_axis([*series["value"], *series["target"], *quoted], unit)
    with house_style():
        fig, ax = plt.subplots(figsize=(width, height))
        ax.plot(labels, series["value"], marker="o", color=BLUE, linewidth=2, label="Value")
        if series["target"].notna().any():
            ax.step(labels, series["target"], where="mid", linestyle="--", color=ORANGE, linewidth=1.5, label="Target")
        ax.set_ylabel(unit if unit != "count" else "Number")
        ax.legend(frameon=False, loc="best")
        step = -(-len(labels) // 8)  # ceiling: at most 8 labels
        ax.set_xticks(range(0, len(labels), step), labels[::step], rotation=0)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.set_ylim(axis.low, axis.high)
        ax.set_yticks(axis.ticks)
        if axis.truncated:
            draw_break(ax)
        svg = _svg(fig)
    notes = [f"{title}: trend with target"]
    if axis.truncated:
        notes.append(f"the vertical axis starts at {format_value(axis.low, unit, decimals)}, not zero")
    if series["value"].isna().any():
        notes.append("a gap in the line is a period without a published figure")
    return Chart(svg=svg, alt=trend_alt(title, series, unit, decimals), caption="; ".join(notes))


def comparator_chart(
    title: str, values: pd.DataFrame, home: str, unit: str, decimals: int, median: float | None, england: float | None = None,
    home_label: str = "This council",
) -> Chart:
    """Dot chart of the comparator group, one row per area sorted by value, the council
    (``home``, called ``home_label``) highlighted by colour, shape and a bold label.

    The group median is a dashed line and England (when given) a dotted one. Drawn as SVG
    by hand, like the sparklines (a chart a paper draws for every indicator of every area
    must cost a millisecond, not matplotlib's tenth of a second); its text is text."""
    from perfkit.text import html_text as x

    data = values.dropna(subset=["value"]).sort_values("value", ascending=False, kind="stable")
    fmt = lambda v: format_value(v, unit, decimals)  # noqa: E731
    lines = {"Group median": median, "England": england}
    lines = {k: float(v) for k, v in lines.items() if v is not None and v == v}
    known = [*data["value"].astype(float), *lines.values()]
    ticks = _nice_ticks(min(known), max(known)) if known else [0.0, 1.0]
    left = min(250, 14 + 7.3 * max([len(str(n)) for n in data["area_name"]] or [10]))
    width, row, top = 600, 20, 8  # 600 px set 15 cm wide: 13 px text is 9.2 pt on paper
    plot = width - left - 36  # room for the last tick's label
    bottom = top + row * max(1, len(data))
    scale = lambda v: left + (v - ticks[0]) / ((ticks[-1] - ticks[0]) or 1) * plot  # noqa: E731
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1
    tick_decimals = max(0, -math.floor(math.log10(step))) if step < 1 else 0
    short = unit if unit in ("%", "GBP") else "count"  # ticks are numbers; a longer unit is said once, under the axis
    parts = [f"<rect width='{width}' height='{bottom + 64}' fill='white'/>"]
    if short != unit:
        parts.append(f"<text x='{left + plot / 2:.0f}' y='{bottom + 31}' text-anchor='middle'>{x(unit.removeprefix('rate '))}</text>")
    for t in ticks:
        parts.append(f"<line x1='{scale(t):.1f}' y1='{top}' x2='{scale(t):.1f}' y2='{bottom}' stroke='#dddddd'/>")
        parts.append(f"<text x='{scale(t):.1f}' y='{bottom + 16}' text-anchor='middle'>{x(format_value(t, short, tick_decimals))}</text>")
    for i, r in enumerate(data.itertuples(index=False)):
        y = top + row * i + row / 2
        mine = r.area_code == home
        weight = " font-weight='bold'" if mine else ""
        parts.append(f"<text x='{left - 8}' y='{y + 4.5:.1f}' text-anchor='end'{weight}>{x(str(r.area_name))}</text>")
        cx = scale(float(r.value))
        if mine:
            parts.append(f"<polygon points='{cx:.1f},{y - 7:.1f} {cx + 7:.1f},{y:.1f} {cx:.1f},{y + 7:.1f} {cx - 7:.1f},{y:.1f}' fill='{BLUE}'/>")
        else:
            parts.append(f"<circle cx='{cx:.1f}' cy='{y:.1f}' r='4' fill='{GREY}'/>")
    styles = {"Group median": f"stroke='{ORANGE}' stroke-dasharray='6 3' stroke-width='1.5'", "England": f"stroke='{INK}' stroke-dasharray='2 2' stroke-width='1.5'"}
    for name, value in lines.items():
        parts.append(f"<line x1='{scale(value):.1f}' y1='{top}' x2='{scale(value):.1f}' y2='{bottom}' {styles[name]}/>")
    legend = [(f"<circle cx='6' cy='-4' r='4' fill='{GREY}'/>", "Comparators"),
              (f"<polygon points='6,-11 13,-4 6,3 -1,-4' fill='{BLUE}'/>", home_label)]
    legend += [(f"<line x1='0' y1='-4' x2='16' y2='-4' {styles[n]}/>", n) for n in lines]
    at = left
    for mark, text in legend:
        parts.append(f"<g transform='translate({at:.0f},{bottom + 50})'>{mark}<text x='22' y='0'>{x(text)}</text></g>")
        at += 40 + 7.3 * len(text)
    own = data.loc[data["area_code"] == home, "value"]
    who = "this council" if home_label == "This council" else home_label
    alt = (
        f"{title}: {len(data)} areas with values from {fmt(data['value'].min())} to {fmt(data['value'].max())}; "
        f"{who} {fmt(own.iloc[0] if len(own) else None)}; group median {fmt(median)}"
        + (f"; England {fmt(england)}." if "England" in lines else ".")
    )
    height = bottom + 64
    svg = (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' viewBox='0 0 {width} {height}' role='img' "
        f"aria-label='{x(alt)}' font-family='Liberation Sans, Arial, DejaVu Sans, sans-serif' font-size='13' fill='{INK}'>"
        f"<title>{x(alt)}</title>{''.join(parts)}</svg>"
    )
    return Chart(svg=svg, alt=alt, caption=f"{title}: comparator group", width_cm=15.0)


def sparkline_svg(values: list[float | None], alt: str, width: int = 90, height: int = 22) -> str:
    """A tiny inline SVG line of ``values`` (None leaves a gap) with a <title> for its alt text."""
    known = [v for v in values if v is not None and v == v]
    if not known:
        return ""
    low, high = min(known), max(known)
    span = (high - low) or 1.0
    step = width / max(1, len(values) - 1)
    points, segments = [], []
    for i, v in enumerate(values):
        if v is None or v != v:
            if points:
                segments.append(points)
            points = []
            continue
        points.append(f"{i * step:.1f},{height - 2 - (v - low) / span * (height - 4):.1f}")
    if points:
        segments.append(points)
    lines = "".join(f"<polyline points='{' '.join(s)}' fill='none' stroke='{BLUE}' stroke-width='1.5'/>" for s in segments)
    last = segments[-1][-1].split(",")
    dot = f"<circle cx='{last[0]}' cy='{last[1]}' r='2' fill='{BLUE}'/>"
    from perfkit.text import html_text

    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' viewBox='0 0 {width} {height}' "
        f"role='img' aria-label='{html_text(alt)}'><title>{html_text(alt)}</title>{lines}{dot}</svg>"
    )


def value_for_money_chart(cost_title: str, outcome_title: str, data: pd.DataFrame, home: str, cost_unit: str, outcome_unit: str, outcome_polarity: str) -> Chart:
    """Cost against outcome for the comparator group: medians split it into four quadrants."""
    import matplotlib.pyplot as plt

    others, mine = data[data["area_code"] != home], data[data["area_code"] == home]
    with house_style():
        fig, ax = plt.subplots(figsize=(6.5, 4.2))
        ax.scatter(others["cost"], others["outcome"], color=GREY, s=30, marker="o", label="Comparators")
        ax.scatter(mine["cost"], mine["outcome"], color=BLUE, s=90, marker="D", label="This council")
        for _, r in mine.iterrows():
            ax.annotate(r["area_name"], (r["cost"], r["outcome"]), textcoords="offset points", xytext=(6, 6), fontweight="bold")
        ax.axvline(data["cost_median"].iloc[0], color=ORANGE, linestyle="--", linewidth=1, label="Group medians")
        ax.axhline(data["outcome_median"].iloc[0], color=ORANGE, linestyle="--", linewidth=1)
        better = "top" if outcome_polarity == "higher" else "bottom"
        ax.text(0.01, 0.99 if better == "top" else 0.01, "Lower cost, better outcome", transform=ax.transAxes,
                va="top" if better == "top" else "bottom", style="italic")
        ax.set_xlabel(f"{cost_title} ({cost_unit})")
        ax.set_ylabel(f"{outcome_title} ({outcome_unit})")
        ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        svg = _svg(fig)
    own = mine.iloc[0] if len(mine) else None
    where = ""
    if own is not None:
        cheaper = "below" if own["cost"] < own["cost_median"] else "at or above"
        good = (own["outcome"] > own["outcome_median"]) == (outcome_polarity == "higher")
        where = f" This council's cost is {cheaper} the median and its outcome is {'better' if good else 'not better'} than the median."
    alt = f"Value for money: {cost_title} against {outcome_title} for {len(data)} comparator areas.{where}"
    return Chart(svg=svg, alt=alt, caption=f"Value for money: {cost_title} against {outcome_title}")
