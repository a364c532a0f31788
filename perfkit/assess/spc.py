"""Statistical process control: XmR charts as NHS England's "Making Data Count" does them.

Rule for rule as the open R implementation NHSRplotthedots (0.2.2):

- centre line: the mean (of the first ``fix_after`` points of a group, then fixed),
  exactly rounded as R's ``mean()`` is, so a point that equals the decimal mean sits on it;
- moving range mR = |x_i - x_(i-1)| within a group; mR-bar its mean; by default moving
  ranges of 3.267 x mR-bar or more are screened out and mR-bar recomputed;
- process limits mean +/- 2.66 x mR-bar; near limits at 2 x (2.66 / 3) x mR-bar;
- one label per point, in this priority: (1) outside a process limit; (2) trend: 7 points
  each strictly higher (or lower) than the one before, every point of the run, a point where
  two trends meet taking the direction of the trend on its right (a flat step reads as
  decreasing, as in R); (3) two of three: within 3 points at least 2 beyond a near limit (not
  outside a process limit), all 3 strictly on one side of the mean, only the close points;
  (4) shift: 7 points strictly on one side of the mean (a point on the mean breaks the run);
- with polarity: special cause improvement / concern, neutral high / low, or common cause;
  the variation icon comes from the last point with a value, the assurance icon from the
  target against the last group's limits.

Where R has no answer perfkit chooses, and says so:

- **a missing value** stays in place as a gap: the moving ranges either side of it are
  dropped (none bridges the gap), and no 7-point or 3-point window holding the gap fires
  (R stops with an error on such a window);
- **every moving range zero** with screening on (a flat series): R's limits are undefined
  (the screen drops every range); perfkit's are too: no limit rule fires, there is no
  assurance icon, and :attr:`SPCResult.warnings` (shown under the chart) says why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import pandas as pd

__all__ = ["SPCResult", "exact_mean", "spc", "FLAT"]

SCREEN = 3.267
LIMIT = 2.66
NEAR = 2 * (LIMIT / 3)  # as R computes it: not (2 / 3) * 2.66, which differs in the last bit
RUN = 7
MIN_POINTS = 12
FLAT = "process limits are undefined: every moving range is zero (the values do not vary)"


@dataclass(frozen=True)
class SPCResult:
    """Per-point limits and labels, the two icons, and any warnings."""

    points: pd.DataFrame
    variation: str
    assurance: str | None
    warnings: tuple[str, ...] = field(default_factory=tuple)


def exact_mean(values: Sequence[float]) -> float:
    """The mean of the values that are not NaN, exactly rounded (as R's ``mean()``), NaN if none.

    ``np.mean`` and ``math.fsum(x) / n`` round twice; the exact sum as a fraction, divided
    and rounded once, does not:

    >>> xs = [48.7, 56.3, 47.9, 48.7, 56.3, 46.8, 49.0, 49.2, 48.6, 47.6, 77.6, 77.6, 77.6]
    >>> float(np.mean(xs)), exact_mean(xs)
    (56.300000000000004, 56.3)
    """
    kept = [Fraction(v) for v in values if v == v]
    return float(sum(kept, Fraction(0)) / len(kept)) if kept else float("nan")


def _windows(flags: np.ndarray, length: int) -> np.ndarray:
    """True for every element of a window of ``length`` consecutive True values."""
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


def _group_limits(values: np.ndarray, fix_after: int | None, screen: bool) -> tuple[float, float]:
    """Mean and mR-bar of one group (from its first ``fix_after`` points, gaps included)."""
    base = values[:fix_after] if fix_after else values
    ranges = np.abs(np.diff(base))  # NaN where either point is missing: no range bridges a gap
    amr = exact_mean(ranges)
    if screen and amr == amr:
        amr = exact_mean(ranges[ranges < SCREEN * amr])  # all zero: nothing is below 0, so undefined, as in R
    return exact_mean(base), amr


def _trend(y: np.ndarray, group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points in trends (7 points each strictly above, or below, the one before), and for
    each the trend's direction: where two trends meet, the one on the right."""
    steps = np.sign(np.diff(y))  # NaN beside a gap: neither rising nor falling
    same = group[1:] == group[:-1]
    part = np.zeros(len(y), bool)
    for sign in (1, -1):
        runs = _windows((steps == sign) & same, RUN - 1)  # 6 steps make 7 points
        part[1:] |= runs
        part[:-1] |= runs
    left = np.concatenate([[0.0], np.where(same, steps, 0.0)])
    right = np.concatenate([np.where(same, steps, 0.0), [0.0]])
    use_right = part & np.concatenate([part[1:] & same, [False]])
    rising = np.where(use_right, right, left) == 1  # 0 (a flat step) reads as decreasing, as in R
    return part, rising


def _two_in_three(close: np.ndarray, side: np.ndarray, group: np.ndarray) -> np.ndarray:
    flagged = np.zeros(len(close), dtype=bool)
    for i in range(len(close) - 2):
        window = slice(i, i + 3)
        sides = side[window]
        if len(set(group[window])) == 1 and sides[0] != 0 and (sides == sides[0]).all() and close[window].sum() >= 2:
            flagged[window] |= close[window]  # a NaN side (a gap) never equals: the window does not fire
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
        The series, one value per period; a missing period is NaN, kept in place as a gap.
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
    if fix_after is not None and fix_after < MIN_POINTS:
        raise ValueError(f"spc: fix_after must be at least {MIN_POINTS} points, got {fix_after}")
    starts = sorted({0, *[int(i) for i in rebase_at if 0 < int(i) < len(y)]})
    group = np.zeros(len(y), dtype=int)
    for number, start in enumerate(starts):
        group[start:] = number
    mean, amr = np.empty(len(y)), np.empty(len(y))
    warnings = []
    for number in range(len(starts)):
        idx = np.flatnonzero(group == number)
        present = int(np.count_nonzero(~np.isnan(y[idx])))
        if present < MIN_POINTS:
            warnings.append(f"group {number + 1} has {present} points; SPC limits need at least {MIN_POINTS}")
        mean[idx], amr[idx] = _group_limits(y[idx], fix_after, screen_outliers)
        if np.isnan(amr[idx[0]]) and present > 1:
            warnings.append(f"group {number + 1}: {FLAT}")
    mr = np.abs(np.diff(y, prepend=np.nan))
    mr[np.flatnonzero(np.diff(group, prepend=-1))] = np.nan  # no moving range across a rebase
    upl, lpl = mean + (LIMIT * amr), mean - (LIMIT * amr)
    nupl, nlpl = mean + (NEAR * amr), mean - (NEAR * amr)
    side = np.sign(y - mean)  # NaN at a gap
    outside = (y > upl) | (y < lpl)  # False at a gap and where the limits are undefined
    close = ~outside & ((y > nupl) | (y < nlpl))
    trend, rising = _trend(y, group)
    two = _two_in_three(close, side, group)
    above, below = np.zeros(len(y), bool), np.zeros(len(y), bool)
    for number in range(len(starts)):
        idx = group == number
        above[idx] = _windows(side[idx] > 0, RUN)
        below[idx] = _windows(side[idx] < 0, RUN)
    rules, labels = [], []
    for i in range(len(y)):
        if np.isnan(y[i]):
            rule, high = "", False
        elif outside[i]:
            rule, high = "outside limits", y[i] > upl[i]
        elif trend[i]:
            rule, high = "trend", bool(rising[i])
        elif two[i]:
            rule, high = "two of three", side[i] > 0
        elif above[i] or below[i]:
            rule, high = "shift", bool(above[i])
        else:
            rule, high = "", False
        rules.append(rule)
        labels.append("missing" if np.isnan(y[i]) else _label(rule, high, polarity))
    points = pd.DataFrame(
        {"value": y, "group": group, "mean": mean, "mr": mr, "amr": amr, "lpl": lpl, "upl": upl, "nlpl": nlpl, "nupl": nupl, "rule": rules, "point_type": labels}
    )
    present = [label for label in labels if label != "missing"]
    return SPCResult(points, present[-1] if present else "common cause", _assurance(target, polarity, lpl, upl), tuple(warnings))


def _assurance(target: float | None, polarity: str, lpl: np.ndarray, upl: np.ndarray) -> str | None:
    """None without a target, for neutral polarity, or where the limits are undefined."""
    if target is None or target != target or polarity == "neutral" or not len(upl) or upl[-1] != upl[-1]:
        return None
    if target > upl[-1]:
        return "consistently fail" if polarity == "higher" else "consistently pass"
    if target < lpl[-1]:
        return "consistently pass" if polarity == "higher" else "consistently fail"
    return "inconsistent (hit and miss)"
