"""Rank and quartile of areas within a comparator group.

Rank 1 is the best (per polarity); tied values share the better rank ("joint 3rd").
Quartile 1 is the best quarter: ``ceil(4 * rank / n)`` where ``n`` counts the areas with a
value. Suppressed and missing values are not ranked. Neutral indicators are ranked from the
highest value down and get no quartile, since no end is better.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["benchmark", "ordinal", "rank_in_group", "value_for_money"]


def rank_in_group(values: pd.DataFrame, polarity: str, by: str | list[str] | None = None) -> pd.DataFrame:
    """Rank each area in ``values`` (columns ``area_code``, ``value``, ``status``).

    Returns a copy with ``rank``, ``rank_of``, ``quartile`` and ``group_median``: within the
    whole frame, or within each group of the ``by`` column(s) (many groups ranked at once).

    >>> df = pd.DataFrame({"area_code": list("ABCDE"), "value": [10.0, 20.0, 20.0, None, 5.0],
    ...                    "status": ["ok", "ok", "ok", "suppressed", "ok"]})
    >>> rank_in_group(df, "higher")[["area_code", "rank", "rank_of", "quartile"]].values.tolist()
    [['A', 3.0, 4, 3.0], ['B', 1.0, 4, 1.0], ['C', 1.0, 4, 1.0], ['D', nan, 4, nan], ['E', 4.0, 4, 4.0]]
    >>> two = pd.concat([df.assign(g=1), df.assign(g=2).head(2)])
    >>> rank_in_group(two, "lower", by="g")[["g", "area_code", "rank", "rank_of"]].values.tolist()[-2:]
    [[2, 'A', 1.0, 2], [2, 'B', 2.0, 2]]
    """
    out = values.copy()
    ranked = out["value"].where(out["status"].isin(["ok", "provisional"]))
    ascending = polarity == "lower"
    if by is None:
        out["rank"] = ranked.rank(method="min", ascending=ascending)
        out["rank_of"] = int(ranked.notna().sum())
        out["group_median"] = ranked.median()
    else:
        groups = ranked.groupby([out[c] for c in ([by] if isinstance(by, str) else by)])
        out["rank"] = groups.rank(method="min", ascending=ascending)
        out["rank_of"] = groups.transform("count").astype(int)
        out["group_median"] = groups.transform("median")
    quartile = np.ceil(4 * out["rank"] / out["rank_of"].where(out["rank_of"] > 0))
    out["quartile"] = quartile if polarity != "neutral" else np.nan
    out["group_median"] = out.pop("group_median")  # columns in the order they have always come
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


def benchmark(values: pd.DataFrame, area: str, polarity: str, groups: dict[str, set[str]]) -> pd.DataFrame:
    """How ``area`` compares within each named set of areas (it is added to each set).

    ``values`` has area_code, value and status for one indicator and period. One row per
    group: rank, rank_of, quartile, median, gap_to_median (value - median), the best
    quartile's threshold (the weakest value still in quartile 1) and the gap to it (0 when
    already there, else how far the value must move), and "4th of 11".

    >>> df = pd.DataFrame({"area_code": list("ABCDE"), "value": [10.0, 20.0, 30.0, 40.0, 50.0], "status": ["ok"] * 5})
    >>> benchmark(df, "D", "lower", {"all": set("ABCDE")})[["rank", "quartile", "median", "gap_to_median", "best_quartile_threshold", "gap_to_best_quartile"]].values.tolist()
    [[4.0, 4.0, 30.0, 10.0, 10.0, 30.0]]
    """
    rows = []
    for label, members in groups.items():
        ranked = rank_in_group(values[values["area_code"].isin(set(members) | {area})], polarity)
        mine = ranked[ranked["area_code"] == area]
        value = mine["value"].iloc[0] if len(mine) and mine["rank"].notna().iloc[0] else np.nan
        rank = mine["rank"].iloc[0] if len(mine) else np.nan
        first = ranked[ranked["quartile"] == 1]["value"]
        threshold = (first.max() if polarity == "lower" else first.min()) if len(first) else np.nan
        if polarity == "neutral" or value != value:
            gap = np.nan
        elif polarity == "lower":
            gap = max(0.0, value - threshold)
        else:
            gap = max(0.0, threshold - value)
        n = int(ranked["rank_of"].iloc[0]) if len(ranked) else 0
        rows.append(
            {
                "group": label,
                "value": value,
                "rank": rank,
                "rank_of": n,
                "position": ordinal(rank, n),
                "quartile": mine["quartile"].iloc[0] if len(mine) else np.nan,
                "median": ranked["group_median"].iloc[0] if len(ranked) else np.nan,
                "gap_to_median": value - ranked["group_median"].iloc[0] if len(ranked) else np.nan,
                "best_quartile_threshold": threshold if polarity != "neutral" else np.nan,
                "gap_to_best_quartile": gap,
            }
        )
    return pd.DataFrame(rows)


def value_for_money(cost: pd.DataFrame, outcome: pd.DataFrame) -> pd.DataFrame:
    """Cost and outcome side by side for each area that has both (values as assessed).

    ``cost`` and ``outcome`` have area_code, area_name, value and status for one period.
    Returns area_code, area_name, cost, outcome and the group medians of each.
    """
    live = lambda f: f[f["status"].isin(["ok", "provisional"])].dropna(subset=["value"])  # noqa: E731
    both = live(cost)[["area_code", "area_name", "value"]].merge(
        live(outcome)[["area_code", "value"]], on="area_code", suffixes=("_cost", "_outcome")
    )
    both = both.rename(columns={"value_cost": "cost", "value_outcome": "outcome"})
    return both.assign(cost_median=both["cost"].median(), outcome_median=both["outcome"].median())
