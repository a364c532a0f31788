"""A chart's value axis: which figures it must show, where it starts, and the mark a cut axis carries.

One home for the rules every perfkit chart with a value axis follows (README, "Charts"):

1. **Nothing quoted is hidden.** The axis covers every figure plotted and every figure the
   paper's text beside the chart quotes (the value, target, Amber threshold, year to date,
   benchmark, SPC mean and process limits), each with a margin of 5% of the span.
2. **A small move looks small.** The axis spans at least a fifth of the largest figure's size
   (about 20 points on a 98% scale), so a 2-point fall fills at most a tenth of its height.
3. **Zero where it is near.** Every perfkit unit has a meaningful zero, so the axis starts at
   zero unless that would put its foot more than its own height below the figures; a
   percentage axis never runs past 100% unless a figure does.
4. **A cut axis says so on the axis.** An axis that does not start at zero is *truncated*: a
   break mark (two short slanted strokes across the foot of the axis line) shows it on the
   chart itself, the axis starts at a labelled round tick, and the caption and alt text
   say where it starts.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["MARGIN", "MIN_SPAN", "Axis", "draw_break", "nice_ticks", "value_axis"]

#: Space left above and below the figures, as a share of their span.
MARGIN = 0.05
#: The least span of an axis, as a share of the largest figure's size.
MIN_SPAN = 0.20


def nice_ticks(low: float, high: float, most: int = 6) -> list[float]:
    """Round tick values covering ``low`` to ``high``: steps of 1, 2 or 5 times a power of ten.

    >>> nice_ticks(12.3, 27.9), nice_ticks(0.52, 0.9)
    ([10.0, 15.0, 20.0, 25.0, 30.0], [0.5, 0.6, 0.7, 0.8, 0.9])
    """
    span = (high - low) or abs(high) or 1.0
    raw = span / max(1, most - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    count = math.ceil((high - first) / step - 1e-9)
    return [float(round(first + i * step, 10)) for i in range(count + 1)]


@dataclass(frozen=True)
class Axis:
    """The value axis chosen for a chart: from ``low`` to ``high``; ``truncated`` when ``low``
    is above zero (the axis is cut and marked)."""

    low: float
    high: float
    ticks: tuple[float, ...] = ()

    @property
    def truncated(self) -> bool:
        return self.low > 0

    def holds(self, value: float) -> bool:
        return self.low <= value <= self.high


def value_axis(figures: Iterable[float | None], unit: str = "") -> Axis:
    """The axis for ``figures`` (plotted and quoted; None and NaN are left out) by the rules above.

    >>> value_axis([88.4, 90.4, 87.3], "%")  # a 3-point move on a 24-point axis, cut (truncated) at a tick
    Axis(low=75.0, high=98.794, ticks=(75.0, 80.0, 85.0, 90.0, 95.0))
    >>> value_axis([12, 30, 21], "count").low  # zero is near: the axis starts there
    0.0
    >>> value_axis([97.97, 98.6, 98.0], "%").high <= 100
    True
    """
    known = [float(v) for v in figures if v is not None and v == v]
    if not known:
        return Axis(0.0, 1.0, (0.0, 0.5, 1.0))
    low, high = min(known), max(known)
    size = max(abs(low), abs(high)) or 1.0
    span = max(high - low, MIN_SPAN * size)
    middle = (low + high) / 2
    low, high = min(low, middle - span / 2), max(high, middle + span / 2)
    low, high = low - MARGIN * span, high + MARGIN * span
    ceiling = 100.0 if unit == "%" and max(known) <= 100 else None
    if ceiling is not None and high > ceiling:
        low, high = low - (high - ceiling), ceiling
    low = nice_ticks(low, high)[0] if low > 0 else low  # a cut axis starts at a labelled tick
    if low <= high - low or min(known) <= 0:  # zero is within the axis's height: start there (or below, for a negative figure)
        low = min(0.0, low if min(known) < 0 else 0.0)
    ticks = tuple(t for t in nice_ticks(low, high) if low - 1e-9 <= t <= high + 1e-9)
    return Axis(round(low, 10), round(high, 10), ticks)


def draw_break(ax, gid: str = "axis-break") -> None:  # noqa: ANN001 - a matplotlib Axes
    """Two short slanted strokes across the foot of the value axis: the axis is cut, it does not start at zero."""
    kwargs = {"transform": ax.transAxes, "color": "#1b1b1b", "clip_on": False, "linewidth": 1.2, "solid_capstyle": "butt"}
    group = []
    for dy in (0.015, 0.055):
        (line,) = ax.plot([-0.012, 0.012], [dy - 0.02, dy + 0.02], **kwargs)
        group.append(line)
    for line in group:
        line.set_gid(gid)
