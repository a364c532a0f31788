"""RAG status: green, amber, red, no target, withheld, no data.

Green: the target is met or beaten (per polarity). Amber: missed, but by no more than the
tolerance. Red: missed by more. An indicator with no target is "no target", never red; a
missing value is "no data"; a figure withheld from a public report is "withheld" unless
every value it could be gives the same RAG, or "off target" where every value it could be
misses the target (see :func:`rag_of_range`).

The exact figure is compared, not the rounded one: 870 of 916 (94.98%) misses a 95%
target even though it rounds to 95.0%. Reports then show as many decimals as it takes to
see why (:func:`perfkit.formatting.separating_decimals`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from perfkit.contract import RAG_LABELS

__all__ = ["RAG_LABELS", "rag", "rag_of_range"]

_EPS = 1e-9  # floating-point noise only: 94.999999999 from 95 x 0.99999999999


def rag(value: pd.Series, target: pd.Series, tolerance: pd.Series, polarity: pd.Series) -> pd.Series:
    """RAG of each row, comparing the exact value with the target.

    >>> s = lambda *v: pd.Series(v)
    >>> rag(s(98.0, 97.5, 96.0, 50.0, None), s(98.0, 98.0, 98.0, None, 98.0),
    ...     s(1.0, 1.0, 1.0, 1.0, 1.0), s("higher", "higher", "higher", "higher", "higher")).tolist()
    ['green', 'amber', 'red', 'no target', 'no data']
    >>> rag(s(12.0, 870 / 916 * 100), s(10.0, 95.0), s(2.0, 1.0), s("lower", "higher")).tolist()
    ['amber', 'amber']
    """
    value = pd.to_numeric(value, errors="coerce").astype(float)
    target = pd.to_numeric(target, errors="coerce").astype(float)
    tolerance = pd.to_numeric(tolerance, errors="coerce").astype(float).fillna(0.0)
    polarity = pd.Series(polarity, index=value.index)
    # shortfall > 0 means the target was missed, whichever way is better
    shortfall = np.where(polarity.eq("lower"), value - target, target - value)
    labels = np.select(
        [value.isna(), target.isna() | polarity.eq("neutral"), shortfall <= _EPS, shortfall <= tolerance + _EPS],
        ["no data", "no target", "green", "amber"],
        default="red",
    )
    return pd.Series(labels, index=value.index)


def rag_of_range(low: pd.Series, high: pd.Series, target: pd.Series, tolerance: pd.Series, polarity: pd.Series) -> pd.Series:
    """The RAG of a withheld value known to lie between ``low`` and ``high``.

    RAG only moves one way as a value rises, so when both ends agree every value between
    does too, and showing it reveals nothing. When the ends are amber and red, every value
    misses the target: "off target", the widest true statement. Otherwise "withheld".

    >>> s = lambda *v: pd.Series(v)
    >>> rag_of_range(s(1.0, 1.0, 1.0, None), s(4.0, 4.0, 4.0, None), s(0.0, 3.0, 0.0, 0.0), s(0.0, 0.0, 2.0, 0.0),
    ...              s("lower", "lower", "lower", "lower")).tolist()
    ['red', 'withheld', 'off target', 'withheld']
    """
    a, b = rag(low, target, tolerance, polarity), rag(high, target, tolerance, polarity)
    same = a.eq(b) & ~a.eq("no data")
    a = a.where(same | ~(a.isin(["amber", "red"]) & b.isin(["amber", "red"])), "off target")
    same = same | a.eq("off target")
    # rag() says "no data" first; a withheld value exists, so a missing target still reads "no target"
    no_target = pd.to_numeric(target, errors="coerce").isna() | pd.Series(polarity, index=a.index).eq("neutral")
    return a.where(same, "withheld").where(~no_target, "no target")
