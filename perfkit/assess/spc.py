"""Statistical process control: XmR charts as NHS England's "Making Data Count" does them.

Rule for rule as the open R implementation NHSRplotthedots (0.2.x):

- centre line: the mean (of the first ``fix_after`` points of a group, then fixed);
- moving range mR = |x_i - x_(i-1)| within a group; mR-bar its mean; by default moving
  ranges of 3.267 x mR-bar or more are screened out and mR-bar recomputed;
- process limits mean +/- 2.66 x mR-bar; near limits at two thirds of that distance;
- one label per point, in this priority: (1) outside a process limit; (2) trend: 7 points
  each strictly higher (or lower) than the one before, every point of the run; (3) two of
  three: within 3 points at least 2 beyond a near limit (not outside a process limit), all 3
  strictly on one side of the mean, only the close points; (4) shift: 7 points strictly on
  one side of the mean (a point on the mean breaks the run);
- with polarity: special cause improvement / concern, neutral high / low, or common cause;
  the variation icon comes from the last point, the assurance icon from the target against
  the last group's limits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["SPCResult", "spc"]

SCREEN = 3.267
LIMIT = 2.66
RUN = 7
MIN_POINTS = 12


@dataclass(frozen=True)
class SPCResult:
    """Per-point limits and labels, the two icons, and any warnings."""

    points: pd.DataFrame
    variation: str
    assurance: str | None
    warnings: tuple[str, ...] = field(default_factory=tuple)


def _runs(flags: np.ndarray, length: int) -> np.ndarray:
    """True for every element of a run of at least ``length`` consecutive True values."""
    out = np.zeros(len(flags), dtype=bool)
    start = None
    for i, flag in enumerate([*flags, False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            if i - start >= length:
                out[start:i] = True
            start = None
    return out


def _group_limits(values: np.ndarray, fix_after: int | None, screen: bool) -> dict[str, float | np.ndarray]:
    base = values[:fix_after] if fix_after else values
    mean = float(np.mean(base))
    mr = np.abs(np.diff(values, prepend=np.nan))
    base_mr = mr[1 : len(base)]
    amr = float(np.nanmean(base_mr)) if len(base_mr) else float("nan")
    if screen and len(base_mr) and amr > 0:
        kept = base_mr[base_mr < SCREEN * amr]
        amr = float(np.mean(kept)) if len(kept) else amr
    return {"mean": mean, "mr": mr, "amr": amr}


def _trend(values: np.ndarray, group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points in runs of 7 strictly rising (and strictly falling) values within a group."""
    steps = np.diff(values)
    same_group = group[1:] == group[:-1]
    rising, falling = np.zeros(len(values), bool), np.zeros(len(values), bool)
    for sign, out in ((1, rising), (-1, falling)):
        step_runs = _runs((np.sign(steps) == sign) & same_group, RUN - 1)  # 6 steps make 7 points
        out[1:] |= step_runs
        out[:-1] |= step_runs
    return rising, falling


def _two_in_three(close: np.ndarray, side: np.ndarray, group: np.ndarray) -> np.ndarray:
    flagged = np.zeros(len(close), dtype=bool)
    for i in range(len(close) - 2):
        window = slice(i, i + 3)
        if len(set(group[window])) != 1:
            continue
        sides = side[window]
        if sides[0] != 0 and (sides == sides[0]).all():
            near = close[window] & (side[window] == sides[0])
            if near.sum() >= 2:
                flagged[window] |= near
    return flagged


def _label(rule: str, high: bool, polarity: str) -> str:
    if not rule:
        return "common cause"
    if polarity == "neutral":
        return f"special cause neutral {'high' if high else 'low'}"
    good = high == (polarity == "higher")
    return "special cause improvement" if good else "special cause concern"


def spc(
    values: Sequence[float],
    polarity: str = "neutral",
    target: float | None = None,
    rebase_at: Sequence[int] = (),
    fix_after: int | None = None,
    screen_outliers: bool = True,
) -> SPCResult:
    """An XmR analysis of ``values`` in time order.

    Parameters
    ----------
    values
        The series; missing values are not allowed (drop them first).
    polarity
        "higher", "lower" or "neutral" (which side is improvement).
    target
        For the assurance icon; none for neutral polarity.
    rebase_at
        Positions where a new group starts (a service change): limits are recalculated.
    fix_after
        Compute the mean and mR-bar from the first ``fix_after`` (>= 12) points of each
        group only, then keep them fixed.
    screen_outliers
        Screen moving ranges >= 3.267 x mR-bar before recomputing mR-bar (NHSRplotthedots'
        default); switch off to match the MDC Excel tool.

    >>> r = spc([10, 11, 10, 12, 11, 10, 11, 12, 10, 11, 10, 11, 30], "higher", target=11)
    >>> r.points["rule"].iloc[-1], r.variation, r.assurance
    ('outside limits', 'special cause improvement', 'inconsistent (hit and miss)')
    """
    y = np.asarray(values, dtype=float)
    if np.isnan(y).any():
        raise ValueError("spc: values contain missing points; drop them first")
    if fix_after is not None and fix_after < MIN_POINTS:
        raise ValueError(f"spc: fix_after must be at least {MIN_POINTS} points, got {fix_after}")
    starts = sorted({0, *[int(i) for i in rebase_at if 0 < int(i) < len(y)]})
    group = np.zeros(len(y), dtype=int)
    for number, start in enumerate(starts):
        group[start:] = number
    mean, amr, mr = np.empty(len(y)), np.empty(len(y)), np.empty(len(y))
    warnings = []
    for number in range(len(starts)):
        idx = np.flatnonzero(group == number)
        if len(idx) < MIN_POINTS:
            warnings.append(f"group {number + 1} has {len(idx)} points; SPC limits need at least {MIN_POINTS}")
        lim = _group_limits(y[idx], fix_after, screen_outliers)
        mean[idx], amr[idx], mr[idx] = lim["mean"], lim["amr"], lim["mr"]
    upl, lpl = mean + LIMIT * amr, mean - LIMIT * amr
    nupl, nlpl = mean + (2 / 3) * LIMIT * amr, mean - (2 / 3) * LIMIT * amr
    side = np.sign(y - mean)
    outside = (y > upl) | (y < lpl)
    close = ~outside & ((y > nupl) | (y < nlpl))
    rising, falling = _trend(y, group)
    two = _two_in_three(close, side, group)
    above = np.zeros(len(y), bool)
    below = np.zeros(len(y), bool)
    for number in range(len(starts)):
        idx = group == number
        above[idx] = _runs(side[idx] > 0, RUN)
        below[idx] = _runs(side[idx] < 0, RUN)
    rules, labels = [], []
    for i in range(len(y)):
        if outside[i]:
            rule, high = "outside limits", y[i] > upl[i]
        elif rising[i] or falling[i]:
            rule, high = "trend", bool(rising[i])
        elif two[i]:
            rule, high = "two of three", side[i] > 0
        elif above[i] or below[i]:
            rule, high = "shift", bool(above[i])
        else:
            rule, high = "", False
        rules.append(rule)
        labels.append(_label(rule, high, polarity))
    points = pd.DataFrame(
        {"value": y, "group": group, "mean": mean, "mr": mr, "amr": amr, "lpl": lpl, "upl": upl, "nlpl": nlpl, "nupl": nupl, "rule": rules, "point_type": labels}
    )
    return SPCResult(points, labels[-1] if labels else "common cause", _assurance(target, polarity, lpl, upl), tuple(warnings))


def _assurance(target: float | None, polarity: str, lpl: np.ndarray, upl: np.ndarray) -> str | None:
    if target is None or target != target or polarity == "neutral" or not len(upl):
        return None
    if target > upl[-1]:
        return "consistently fail" if polarity == "higher" else "consistently pass"
    if target < lpl[-1]:
        return "consistently pass" if polarity == "higher" else "consistently fail"
    return "inconsistent (hit and miss)"
