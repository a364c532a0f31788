"""Rank and quartile of areas within a comparator group, on the figures as published.

Areas are ranked on their values **as shown**: each rounded half-up at the indicator's
decimals (:func:`perfkit.formatting.round_half_up`), so two figures that print the same are
tied, whatever their unrounded values. Rank 1 is the best (per polarity); tied values share
the better rank and the better quartile ("joint 3rd"). Quartile 1 is the best quarter:
``ceil(4 * rank / n)`` where ``n`` counts the areas with a value. The median is of the shown
values, worked exactly (never on binary floats) and rounded half-up at the same decimals.
Suppressed and missing values are not ranked. A neutral indicator has no better end: its areas are placed from the
highest value down, with no quartile, and written as a position ("3rd highest of 16"), never
a rank (:func:`position`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from perfkit.formatting import as_shown, round_half_up

__all__ = ["benchmark", "ordinal", "position", "rank_in_group", "value_for_money"]


def _shown(values: pd.Series, decimals: int) -> pd.Series:
    """Each value rounded half-up at ``decimals`` (:func:`perfkit.formatting.as_shown`), each
    distinct value rounded once."""
    rounded = {v: as_shown(v, decimals) for v in pd.unique(values.dropna())}
    return values.map(rounded).astype(float)


def _half_up_median(shown: pd.Series, groups: list[pd.Series], decimals: int) -> pd.Series:
    """The median of each group's shown values, rounded half-up at ``decimals``: in whole units
    of the last decimal (74.0 is 740), where the middle two's mean is exact (a whole or a half
    unit), so the half-up rounding is exact too, as in decimal arithmetic.

    >>> shown = pd.Series([73.9, 74.0, 59.5, 59.6]); by = [pd.Series([1, 1, 2, 2])]
    >>> _half_up_median(shown, by, 1).tolist(), f"{pd.Series([59.5, 59.6]).median():.1f}"
    ([74.0, 74.0, 59.6, 59.6], '59.5')
    """
    scale = 10 ** int(decimals)
    units = (shown * scale).round()
    middle = units.groupby(groups).transform("median")
    return np.sign(middle) * np.floor(middle.abs() + 0.5) / scale


def rank_in_group(values: pd.DataFrame, polarity: str, decimals: int, by: str | list[str] | None = None) -> pd.DataFrame:
    """Rank each area in ``values`` (columns ``area_code``, ``value``, ``status``) on its value
    rounded half-up at ``decimals`` (the figure as shown).

    Returns a copy with ``rank``, ``rank_of``, ``quartile``, ``tied`` (how many ranked areas
    share the shown value: 1 when none) and ``group_median``: within the whole frame, or
    within each group of the ``by`` column(s) (many groups ranked at once).

    >>> df = pd.DataFrame({"area_code": list("ABCDE"), "value": [10.0, 20.04, 19.96, None, 5.0],
    ...                    "status": ["ok", "ok", "ok", "suppressed", "ok"]})
    >>> rank_in_group(df, "higher", 1)[["area_code", "rank", "rank_of", "quartile", "tied"]].values.tolist()
    [['A', 3.0, 4, 3.0, 1.0], ['B', 1.0, 4, 1.0, 2.0], ['C', 1.0, 4, 1.0, 2.0], ['D', nan, 4, nan, nan], ['E', 4.0, 4, 4.0, 1.0]]
    >>> rank_in_group(df, "higher", 2)[["area_code", "rank", "tied"]].values.tolist()[1:3]
    [['B', 1.0, 1.0], ['C', 2.0, 1.0]]
    >>> two = pd.concat([df.assign(g=1), df.assign(g=2).head(2)])
    >>> rank_in_group(two, "lower", 1, by="g")[["g", "area_code", "rank", "rank_of", "group_median"]].values.tolist()[-2:]
    [[2, 'A', 1.0, 2, 15.0], [2, 'B', 2.0, 2, 15.0]]
    """
    out = values.copy()
    shown = _shown(out["value"].where(out["status"].isin(["ok", "provisional"])), decimals)
    ascending = polarity == "lower"
    keys = [out[c] for c in ([by] if isinstance(by, str) else by)] if by is not None else [pd.Series(0, index=out.index)]
    groups = shown.groupby(keys)
    out["rank"] = groups.rank(method="min", ascending=ascending)
    out["rank_of"] = groups.transform("count").astype(int)
    quartile = np.ceil(4 * out["rank"] / out["rank_of"].where(out["rank_of"] > 0))
    out["quartile"] = quartile if polarity != "neutral" else np.nan
    out["tied"] = shown.groupby([*keys, shown]).transform("size").astype(float)
    out["group_median"] = _half_up_median(shown, keys, decimals)
    return out


def _nth(rank: int) -> str:
    suffix = "th" if 10 <= rank % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(rank % 10, "th")
    return f"{rank}{suffix}"


def ordinal(rank: float, of: int, tied: float = 1) -> str:
    """'4th of 11'; 'joint 3rd of 14' where ``tied`` areas share the rank.

    >>> ordinal(1, 11), ordinal(22, 30), ordinal(13, 15), ordinal(3, 14, tied=3)
    ('1st of 11', '22nd of 30', '13th of 15', 'joint 3rd of 14')
    """
    if rank != rank:
        return "not ranked"
    joint = "joint " if tied == tied and tied > 1 else ""
    return f"{joint}{_nth(int(rank))} of {of}"


def position(rank: float, of: int, polarity: str, tied: float = 1) -> str:
    """Where an area stands: its rank (:func:`ordinal`), or for a neutral indicator, which has
    no better end, its position from the highest value ("highest", "3rd highest", "lowest").

    >>> position(3, 14, "higher", 3), position(1, 16, "neutral"), position(3, 16, "neutral", 2), position(16, 16, "neutral")
    ('joint 3rd of 14', 'highest of 16', 'joint 3rd highest of 16', 'lowest of 16')
    >>> position(15, 16, "neutral", 2)
    'joint lowest of 16'
    """
    if polarity != "neutral" or rank != rank:
        return ordinal(rank, of, tied)
    tied = int(tied) if tied == tied and tied > 1 else 1
    joint = "joint " if tied > 1 else ""
    r = int(rank)
    if r == 1:
        return f"{joint}highest of {of}"
    if r + tied - 1 == of:
        return f"{joint}lowest of {of}"
    return f"{joint}{_nth(r)} highest of {of}"


def _minus(a: float, b: float, decimals: int) -> float:
    """``a - b`` of two shown figures, in decimal arithmetic (NaN where either is missing)."""
    return math.nan if a != a or b != b else float(round_half_up(a, decimals) - round_half_up(b, decimals))


def benchmark(values: pd.DataFrame, area: str, polarity: str, groups: dict[str, set[str]], decimals: int) -> pd.DataFrame:
    """How ``area`` compares within each named set of areas (it is added to each set), on the
    figures as shown at ``decimals``.

    ``values`` has area_code, value and status for one indicator and period. One row per
    group: value (as shown), rank, rank_of, tied, quartile, median, gap_to_median (value -
    median), the best quartile's threshold (the weakest value still in quartile 1) and the gap
    to it (0 when already there, else how far the value must move), and the position ("4th of
    11", "joint 3rd of 14"; "3rd highest of 16" for a neutral indicator, which has no quartile,
    threshold or gap to it).

    >>> df = pd.DataFrame({"area_code": list("ABCDE"), "value": [10.0, 20.0, 30.0, 40.04, 50.0], "status": ["ok"] * 5})
    >>> benchmark(df, "D", "lower", {"all": set("ABCDE")}, 1)[["value", "rank", "quartile", "median", "gap_to_median", "best_quartile_threshold", "gap_to_best_quartile"]].values.tolist()
    [[40.0, 4.0, 4.0, 30.0, 10.0, 10.0, 30.0]]
    """
    rows = []
    for label, members in groups.items():
        ranked = rank_in_group(values[values["area_code"].isin(set(members) | {area})], polarity, decimals)
        ranked["shown"] = _shown(ranked["value"], decimals).where(ranked["rank"].notna())
        mine = ranked[ranked["area_code"] == area]
        value = mine["shown"].iloc[0] if len(mine) else np.nan
        rank = mine["rank"].iloc[0] if len(mine) else np.nan
        tied = mine["tied"].iloc[0] if len(mine) else np.nan
        first = ranked[ranked["quartile"] == 1]["shown"]
        threshold = (first.max() if polarity == "lower" else first.min()) if len(first) else np.nan
        if polarity == "neutral" or value != value:
            gap = np.nan
        elif polarity == "lower":
            gap = max(0.0, _minus(value, threshold, decimals))
        else:
            gap = max(0.0, _minus(threshold, value, decimals))
        n = int(ranked["rank_of"].iloc[0]) if len(ranked) else 0
        median = ranked["group_median"].iloc[0] if len(ranked) else np.nan
        rows.append(
            {
                "group": label,
                "value": value,
                "rank": rank,
                "rank_of": n,
                "tied": tied,
                "position": position(rank, n, polarity, tied),
                "quartile": mine["quartile"].iloc[0] if len(mine) else np.nan,
                "median": median,
                "gap_to_median": _minus(value, median, decimals),
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
