"""An SPC (XmR) chart as NHS England's Making Data Count draws it, for a paper that quotes an SPC verdict.

Drawn from :func:`perfkit.assess.spc.spc`'s points as they are (one home for the mean and the
limits: nothing is recomputed here): the mean a solid line, the upper and lower process limits
dashed, each point coloured *and* shaped by its kind (MDC's colours: grey common cause, blue
improvement, orange concern, purple neutral; every colour at least 3:1 against white, and
never the colour alone), the target dotted, and above the plot the verdict's icon (the latest
point's colour and shape) with the paper's own words ("SPC: concern; hit and miss"). The
legend names the mean and the limits with their values. The value axis follows
:mod:`perfkit.report.chart_axis`.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from perfkit.blocks.model import Chart
from perfkit.formatting import format_value
from perfkit.report.chart_axis import draw_break, value_axis
from perfkit.report.charts import INK, ORANGE, _svg, house_style

__all__ = ["SPC_STYLE", "spc_chart", "spc_figures"]

SPC_STYLE = {  # kind: (colour, marker, legend name); MDC colours, a shape so colour is never alone
    "common cause": ("#6e6e6e", "o", "Common cause"),
    "special cause improvement": ("#0b5394", "s", "Special cause: improvement"),
    "special cause concern": ("#c55a11", "X", "Special cause: concern"),
    "special cause neutral high": ("#5b2c83", "^", "Special cause: unusually high"),
    "special cause neutral low": ("#5b2c83", "v", "Special cause: unusually low"),
}
LIMIT_GREY = "#595959"  # 7:1 on white


def spc_figures(points: pd.DataFrame) -> dict[str, float]:
    """The latest point's mean and process limits as :func:`perfkit.assess.spc.spc` computed them."""
    last = points.iloc[-1]
    return {"mean": float(last["mean"]), "lower": float(last["lpl"]), "upper": float(last["upl"])}


def _limits_text(points: pd.DataFrame, unit: str, decimals: int) -> str:
    f = spc_figures(points)
    fmt = lambda v: format_value(v, unit, decimals)  # noqa: E731
    limits = f"process limits {fmt(f['lower'])} to {fmt(f['upper'])}" if f["upper"] == f["upper"] else \
        "process limits undefined (every moving range is zero)"
    return f"mean {fmt(f['mean'])}, {limits}"


def spc_chart(
    title: str, periods: list, points: pd.DataFrame, unit: str, decimals: int, target: float | None, variation: str,
    assurance: str | None, verdict: str = "", quoted: Iterable[float | None] = (),
) -> Chart:
    """An XmR chart of ``points`` (:func:`perfkit.assess.spc.spc`'s, judged) over ``periods``.

    ``verdict`` is the paper's own words for it ("SPC: concern; hit and miss"), drawn beside the
    verdict's icon; ``quoted`` are the figures the text around the chart quotes, which the
    value axis always shows (with the target, the mean and the limits)."""
    import matplotlib.pyplot as plt

    fmt = lambda v: format_value(v, unit, decimals)  # noqa: E731
    labels = [p.label.replace(" ", "\n") for p in periods]
    x = list(range(len(labels)))
    groups = points["group"] if "group" in points else pd.Series(0, index=points.index)
    figures = spc_figures(points)
    has_target = target is not None and target == target
    axis = value_axis([*points["value"], *points["mean"], *points["upl"], *points["lpl"], target if has_target else None, *quoted], unit)
    with house_style():
        fig, ax = plt.subplots(figsize=(6.3, 2.9))
        ax.plot(x, points["value"], color="#9a9a9a", linewidth=1, zorder=1)
        for number, i in enumerate(sorted(set(groups))):  # a rebase starts new limits: each group its own lines
            at = [k for k in x if groups.iloc[k] == i]
            first = number == 0
            ax.plot(at, points["mean"].iloc[at], color=INK, linewidth=1.5, gid="spc-mean",
                    label=f"Mean {fmt(figures['mean'])}" if first else None)
            if figures["upper"] == figures["upper"]:
                ax.plot(at, points["upl"].iloc[at], color=LIMIT_GREY, linestyle="--", linewidth=1.2, gid="spc-upper",
                        label=f"Process limits {fmt(figures['lower'])} to {fmt(figures['upper'])}" if first else None)
                ax.plot(at, points["lpl"].iloc[at], color=LIMIT_GREY, linestyle="--", linewidth=1.2, gid="spc-lower")
        if has_target:
            ax.axhline(target, color=ORANGE, linestyle=":", linewidth=1.8, label=f"Target {fmt(target)}", gid="spc-target")
        for kind, (colour, marker, name) in SPC_STYLE.items():
            mask = (points["point_type"] == kind).to_numpy()
            if mask.any():
                ax.scatter([k for k in x if mask[k]], points["value"][mask], color=colour, marker=marker, s=36, zorder=3,
                           label=name, gid=f"spc-{kind.replace(' ', '-')}")
        colour, marker, _ = SPC_STYLE.get(variation, SPC_STYLE["common cause"])
        ax.plot([0.0], [1.09], marker=marker, markersize=11, color=colour, transform=ax.transAxes, clip_on=False, gid="spc-verdict-icon")
        ax.text(0.03, 1.09, verdict or f"SPC: {variation}", transform=ax.transAxes, va="center", fontsize=10, fontweight="bold", color=INK)
        ax.set_ylim(axis.low, axis.high)
        ax.set_yticks(axis.ticks)
        if axis.truncated:
            draw_break(ax)
        step = -(-len(labels) // 8)  # ceiling: at most 8 labels
        ax.set_xticks(x[::step], labels[::step])
        ax.set_ylabel(unit if unit != "count" else "Number")
        ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(0.0, -0.22), ncol=2)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        svg = _svg(fig)
    gaps = int(points["value"].isna().sum())
    cut = f"; the vertical axis starts at {fmt(axis.low)}, not zero" if axis.truncated else ""
    alt = (
        f"{title}: SPC chart of {len(points) - gaps} points{f' ({gaps} missing, shown as gaps)' if gaps else ''}; "
        f"{_limits_text(points, unit, decimals)}{f'; target {fmt(target)}' if has_target else ''}. "
        f"Variation: {variation}. Assurance: {assurance or 'none'}{cut}."
    )
    caption = f"{title}: SPC chart with its mean (solid line) and process limits (dashed){cut}"
    return Chart(svg=svg, alt=alt, caption=caption, width_cm=16.0)
