"""Rank and quartile of areas within a comparator group.

Rank 1 is the best (per polarity); tied values share the better rank ("joint 3rd").
Quartile 1 is the best quarter: ``ceil(4 * rank / n)`` where ``n`` counts the areas with a
value. Suppressed and missing values are not ranked. Neutral indicators are ranked from the
highest value down and get no quartile, since no end is better.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["rank_in_group", "ordinal"]


def rank_in_group(values: pd.DataFrame, polarity: str) -> pd.DataFrame:
    """Rank each area in ``values`` (columns ``area_code``, ``value``, ``status``).

    Returns a copy with ``rank``, ``rank_of``, ``quartile`` and ``group_median``.

    >>> df = pd.DataFrame({"area_code": list("ABCDE"), "value": [10.0, 20.0, 20.0, None, 5.0],
    ...                    "status": ["ok", "ok", "ok", "suppressed", "ok"]})
    >>> rank_in_group(df, "higher")[["area_code", "rank", "rank_of", "quartile"]].values.tolist()
    [['A', 3.0, 4, 3.0], ['B', 1.0, 4, 1.0], ['C', 1.0, 4, 1.0], ['D', nan, 4, nan], ['E', 4.0, 4, 4.0]]
    """
    out = values.copy()
    ranked = out["value"].where(out["status"].isin(["ok", "provisional"]))
    n = int(ranked.notna().sum())
    ascending = polarity == "lower"
    out["rank"] = ranked.rank(method="min", ascending=ascending)
    out["rank_of"] = n
    quartile = np.ceil(4 * out["rank"] / n) if n else out["rank"] * np.nan
    out["quartile"] = quartile if polarity != "neutral" else np.nan
    out["group_median"] = ranked.median()
    return out


def ordinal(rank: float, of: int) -> str:
    """'4th of 11'.

    >>> ordinal(1, 11), ordinal(22, 30), ordinal(13, 15)
    ('1st of 11', '22nd of 30', '13th of 15')
    """
    if rank != rank:
        return "not ranked"
    r = int(rank)
    suffix = "th" if 10 <= r % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(r % 10, "th")
    return f"{r}{suffix} of {of}"
