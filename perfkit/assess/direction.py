"""Direction of travel: has an indicator got better or worse since a comparison period?

With polarity, the answer is "improved", "no change" or "worsened"; without (neutral) it is
"up", "no change" or "down". A change no larger than the indicator's ``no_change_threshold``
(compared at the shown decimals) is "no change". Without both values: "not comparable".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["DIRECTION_LABELS", "direction"]

DIRECTION_LABELS = ("improved", "no change", "worsened", "up", "down", "not comparable")


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
