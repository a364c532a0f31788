"""Direction of travel: has an indicator got better or worse since a comparison period?

With polarity, the answer is "improved", "no significant change" or "worsened"; without
(neutral) it is "up", "no significant change" or "down". Without both values: "not comparable".

Materiality is one rule. Where SPC runs on the indicator's series (12 points or more, see
:mod:`perfkit.assess.spc_judgement`) a move is significant only when an SPC special-cause rule
fires at the latest point, on the side the value moved (``signal`` "high" for a rise, "low"
for a fall); otherwise only when it exceeds the catalogue's ``no_change_threshold``. Moves are
compared at the shown decimals: one that does not show is never significant.

Where a value is withheld from a public report, :func:`direction_of_range` gives the
direction only when every value it could be gives the same answer, else "withheld".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from perfkit.contract import DIRECTION_LABELS
from perfkit.formatting import as_shown

__all__ = ["DIRECTION_LABELS", "NOT_SIGNIFICANT", "direction", "direction_of_range"]

NOT_SIGNIFICANT = "no significant change"


def direction(
    current: pd.Series,
    previous: pd.Series,
    polarity: pd.Series,
    threshold: pd.Series | float = 0.0,
    decimals: pd.Series | int = 1,
    signal: pd.Series | None = None,
) -> pd.Series:
    """Direction of travel of each row from ``previous`` to ``current``.

    ``signal`` (per row, from :func:`perfkit.assess.spc_judgement.signal`): "high" or "low",
    the side of the latest point's SPC special cause; "" for common cause; None where SPC
    does not decide, and ``threshold`` does.

    >>> s = lambda *v: pd.Series(v)
    >>> direction(s(20.0, 20.0, 20.0, 5.0, 5.0), s(22.0, 20.04, None, 4.0, 4.0),
    ...           s("lower", "lower", "lower", "neutral", "higher")).tolist()
    ['improved', 'no significant change', 'not comparable', 'up', 'improved']
    >>> direction(s(5.0, 5.0, 5.0), s(4.0, 4.0, 4.0), s("higher", "higher", "higher"), signal=s("high", "", "low")).tolist()
    ['improved', 'no significant change', 'no significant change']
    """
    current = pd.to_numeric(current, errors="coerce").astype(float)
    previous = pd.to_numeric(previous, errors="coerce").astype(float)
    if isinstance(decimals, int):
        change = pd.Series([as_shown(c, decimals) - as_shown(p, decimals) for c, p in zip(current, previous)], index=current.index)
    else:
        d = pd.Series(decimals, index=current.index).astype(int)
        change = pd.Series(
            [as_shown(c, n) - as_shown(p, n) if c == c and p == p else np.nan for c, p, n in zip(current, previous, d)],
            index=current.index,
        )
    threshold = pd.Series(threshold, index=current.index).astype(float).fillna(0.0)
    small = change.abs() <= threshold + 1e-9
    if signal is not None:
        side = pd.Series(signal, index=current.index).astype(object)
        decided = side.notna()
        shows = change.abs() > 1e-9
        agrees = (side.eq("high") & (change > 0)) | (side.eq("low") & (change < 0))
        small = small.where(~decided, ~(shows & agrees))
    better = np.where(polarity.eq("lower"), change < 0, change > 0)
    labels = np.select(
        [change.isna(), small, polarity.eq("neutral") & (change > 0), polarity.eq("neutral"), better],
        ["not comparable", NOT_SIGNIFICANT, "up", "down", "improved"],
        default="worsened",
    )
    return pd.Series(labels, index=current.index)


def direction_of_range(
    current: tuple[pd.Series, pd.Series],
    previous: tuple[pd.Series, pd.Series],
    polarity: pd.Series,
    threshold: pd.Series | float = 0.0,
    decimals: pd.Series | int = 1,
    signal: pd.Series | None = None,
) -> pd.Series:
    """Direction of travel where either value may be known only as a range (low, high).

    A known value is a range of one point. The change is smallest from the previous range's
    top to the current range's bottom and largest the other way; the direction is given when
    both agree, "withheld" when they do not.

    >>> s = lambda *v: pd.Series(v, dtype=float)
    >>> direction_of_range((s(1, 1), s(4, 4)), (s(9, 3), s(9, 3)), pd.Series(["lower", "lower"])).tolist()
    ['improved', 'withheld']
    """
    smallest = direction(current[0], previous[1], polarity, threshold, decimals, signal)
    largest = direction(current[1], previous[0], polarity, threshold, decimals, signal)
    return smallest.where(smallest.eq(largest) | smallest.eq("not comparable"), "withheld")
