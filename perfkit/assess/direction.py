"""Direction of travel: has an indicator got better or worse since a comparison period?

With polarity, the answer is "improved", "no change" or "worsened"; without (neutral) it is
"up", "no change" or "down". A change no larger than the indicator's ``no_change_threshold``
(compared at the shown decimals) is "no change". Without both values: "not comparable".
Where a value is withheld from a public report, :func:`direction_of_range` gives the
direction only when every value it could be gives the same answer, else "withheld".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from perfkit.contract import DIRECTION_LABELS

__all__ = ["DIRECTION_LABELS", "direction", "direction_of_range"]



def direction(
    current: pd.Series,
    previous: pd.Series,
    polarity: pd.Series,
    threshold: pd.Series | float = 0.0,
    decimals: pd.Series | int = 1,
) -> pd.Series:
    """Direction of travel of each row from ``previous`` to ``current``.

    >>> s = lambda *v: pd.Series(v)
    >>> direction(s(20.0, 20.0, 20.0, 5.0, 5.0), s(22.0, 20.04, None, 4.0, 4.0),
    ...           s("lower", "lower", "lower", "neutral", "higher")).tolist()
    ['improved', 'no change', 'not comparable', 'up', 'improved']
    """
    current = pd.to_numeric(current, errors="coerce").astype(float)
    previous = pd.to_numeric(previous, errors="coerce").astype(float)
    if isinstance(decimals, int):
        change = current.round(decimals) - previous.round(decimals)
    else:
        d = pd.Series(decimals, index=current.index).astype(int)
        change = pd.Series(
            [round(c, n) - round(p, n) if c == c and p == p else np.nan for c, p, n in zip(current, previous, d)],
            index=current.index,
        )
    threshold = pd.Series(threshold, index=current.index).astype(float).fillna(0.0)
    small = change.abs() <= threshold + 1e-9
    better = np.where(polarity.eq("lower"), change < 0, change > 0)
    labels = np.select(
        [change.isna(), small, polarity.eq("neutral") & (change > 0), polarity.eq("neutral"), better],
        ["not comparable", "no change", "up", "down", "improved"],
        default="worsened",
    )
    return pd.Series(labels, index=current.index)


def direction_of_range(
    current: tuple[pd.Series, pd.Series],
    previous: tuple[pd.Series, pd.Series],
    polarity: pd.Series,
    threshold: pd.Series | float = 0.0,
    decimals: pd.Series | int = 1,
) -> pd.Series:
    """Direction of travel where either value may be known only as a range (low, high).

    A known value is a range of one point. The change is smallest from the previous range's
    top to the current range's bottom and largest the other way; the direction is given when
    both agree, "withheld" when they do not.

    >>> s = lambda *v: pd.Series(v, dtype=float)
    >>> direction_of_range((s(1, 1), s(4, 4)), (s(9, 3), s(9, 3)), pd.Series(["lower", "lower"])).tolist()
    ['improved', 'withheld']
    """
    smallest = direction(current[0], previous[1], polarity, threshold, decimals)
    largest = direction(current[1], previous[0], polarity, threshold, decimals)
    return smallest.where(smallest.eq(largest) | smallest.eq("not comparable"), "withheld")
