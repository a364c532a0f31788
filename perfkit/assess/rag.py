"""RAG status: green, amber, red, no target, no data.

Green: the target is met or beaten (per polarity). Amber: missed, but by no more than the
tolerance. Red: missed by more. An indicator with no target is "no target", never red; a
missing or suppressed value is "no data". Values are compared as they are shown, rounded to
the indicator's decimals, so a reader never sees "98.0" marked as missing a 98.0 target.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["RAG_LABELS", "rag"]

RAG_LABELS = ("green", "amber", "red", "no target", "no data")


def rag(
    value: pd.Series,
    target: pd.Series,
    tolerance: pd.Series,
    polarity: pd.Series,
    decimals: pd.Series | int = 1,
) -> pd.Series:
    """RAG of each row.

    >>> s = lambda *v: pd.Series(v)
    >>> rag(s(98.0, 97.5, 96.0, 50.0, None), s(98.0, 98.0, 98.0, None, 98.0),
    ...     s(1.0, 1.0, 1.0, 1.0, 1.0), s("higher", "higher", "higher", "higher", "higher")).tolist()
    ['green', 'amber', 'red', 'no target', 'no data']
    >>> rag(s(12.0), s(10.0), s(2.0), s("lower")).tolist()
    ['amber']
    """
    value = pd.to_numeric(value, errors="coerce").astype(float)
    target = pd.to_numeric(target, errors="coerce").astype(float)
    tolerance = pd.to_numeric(tolerance, errors="coerce").astype(float).fillna(0.0)
    shown = _round(value, decimals)
    # shortfall > 0 means the target was missed, whichever way is better
    shortfall = np.where(polarity.eq("lower"), shown - target, target - shown)
    eps = 1e-9
    labels = np.select(
        [value.isna(), target.isna() | polarity.eq("neutral"), shortfall <= eps, shortfall <= tolerance + eps],
        ["no data", "no target", "green", "amber"],
        default="red",
    )
    return pd.Series(labels, index=value.index)


def _round(value: pd.Series, decimals: pd.Series | int) -> pd.Series:
    if isinstance(decimals, int):
        return value.round(decimals)
    return pd.Series([round(v, int(d)) if v == v else v for v, d in zip(value, decimals)], index=value.index)
