"""Assessments: pure functions from observations to judgements.

No plotting, notebook or rendering imports here. :func:`scorecard` brings the pieces
together for one area and period: value, target, RAG, direction of travel and rank.
"""

from __future__ import annotations

import pandas as pd

from perfkit.assess.aggregate import (
    aggregate,
    aggregate_periods,
    reporting_period,
    year_to_date,
)
from perfkit.assess.benchmark import ordinal, rank_in_group
from perfkit.assess.direction import direction
from perfkit.assess.rag import rag
from perfkit.catalogue import Catalogue
from perfkit.periods import Period

__all__ = [
    "aggregate",
    "direction",
    "headline_counts",
    "notable_movements",
    "ordinal",
    "rag",
    "rank_in_group",
    "reporting_period",
    "scorecard",
    "trend",
    "trends",
    "year_to_date",
]


def _values(obs: pd.DataFrame, catalogue: Catalogue, roles: dict[str, dict[str, Period]]) -> dict[str, pd.DataFrame]:
    """Each indicator's aggregated value, for all areas, at its own period in each role
    (now, the period before, a year ago): one aggregation per period length, not per role."""
    codes = list(next(iter(roles.values())))
    lengths: dict = {}
    for code in codes:
        lengths.setdefault(roles["now"][code].freq, []).append(code)
    found = []
    for group in lengths.values():
        periods = sorted({role[c] for role in roles.values() for c in group})
        found.append(aggregate_periods(obs[obs["indicator"].isin(group)], catalogue, group, periods))
    every = pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=["indicator", "area_code", "period"])
    return {name: every[every["period"].eq(every["indicator"].map(role))] for name, role in roles.items()}


def _commentary(obs: pd.DataFrame, area: str, periods: dict[str, Period]) -> pd.DataFrame:
    rows = obs[obs["area_code"].eq(area) & (obs["commentary"].notna() | obs["actions"].notna())]
    keep = pd.Series([periods[c].contains(p) for c, p in zip(rows["indicator"], rows["period"])], index=rows.index, dtype=bool)
    rows = rows[keep].sort_values("period_start")
    return rows.groupby("indicator")[["commentary", "actions"]].last()


def _ranks(values: pd.DataFrame, catalogue: Catalogue, area: str) -> pd.DataFrame:
    rows = []
    for code, group in values.groupby("indicator"):
        ind = catalogue[code]
        if not ind.comparator_group:
            continue
        members = set(catalogue.groups[ind.comparator_group].codes) | {area}
        ranked = rank_in_group(group[group["area_code"].isin(members)], ind.polarity.value)
        rows.append(ranked[ranked["area_code"].eq(area)][["indicator", "rank", "rank_of", "quartile", "group_median"]])
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["indicator", "rank", "rank_of", "quartile", "group_median"])


def scorecard(obs: pd.DataFrame, catalogue: Catalogue, period: Period, area: str, indicators: list[str] | None = None) -> pd.DataFrame:
    """One row per indicator: the assessment of ``area`` for a report for ``period``.

    Columns: indicator, title, unit, polarity, decimals, period (the indicator's own
    reporting period), value, numerator, denominator, status, status_reason, target,
    tolerance, rag, previous_period, previous_value, direction_previous, last_year_period,
    last_year_value, direction_last_year, rank, rank_of, quartile, group_median,
    commentary, actions.
    """
    codes = list(indicators) if indicators is not None else list(catalogue)
    obs = obs[obs["indicator"].isin(codes)]
    now = {c: reporting_period(catalogue[c].freq, period) for c in codes}
    before = {c: p.prev() for c, p in now.items()}
    year_ago = {c: p.same_period_last_year() for c, p in now.items()}
    values = _values(obs, catalogue, {"now": now, "before": before, "year_ago": year_ago})
    current_all = values["now"]
    mine = lambda frame: frame[frame["area_code"].eq(area)].set_index("indicator")  # noqa: E731
    current, prev, last = (mine(values[k]) for k in ("now", "before", "year_ago"))
    cat = catalogue.to_frame().set_index("indicator").loc[codes]
    card = pd.DataFrame(index=pd.Index(codes, name="indicator"))
    for column in ("title", "directorate", "service", "unit", "polarity", "decimals", "frequency", "owner", "source", "framework", "comparator_group"):
        card[column] = cat[column]
    card["period"] = pd.Series(now)
    for column in ("area_name", "value", "numerator", "denominator", "status", "status_reason"):
        card[column] = current[column] if column in current else None
    card["status"] = card["status"].fillna("missing")
    card["status_reason"] = card["status_reason"].where(card.index.isin(current.index), "no data for this period")
    targets = {c: catalogue[c].target_for(now[c]) for c in codes}
    card["target"] = pd.Series({c: t.value if t else None for c, t in targets.items()}, dtype=float)
    card["tolerance"] = pd.Series({c: t.tolerance if t else None for c, t in targets.items()}, dtype=float)
    card["rag"] = rag(card["value"], card["target"], card["tolerance"], card["polarity"], card["decimals"])
    threshold = cat["no_change_threshold"]
    for name, frame, periods in (("previous", prev, before), ("last_year", last, year_ago)):
        card[f"{name}_period"] = pd.Series(periods)
        card[f"{name}_value"] = frame["value"] if "value" in frame else None
        card[f"change_{name}"] = card["value"] - card[f"{name}_value"]
        card[f"direction_{name}"] = direction(card["value"], card[f"{name}_value"], card["polarity"], threshold, card["decimals"])
    ranks = _ranks(current_all, catalogue, area).set_index("indicator")
    for column in ("rank", "rank_of", "quartile", "group_median"):
        card[column] = ranks[column] if column in ranks else None
    notes = _commentary(obs, area, now)
    card["commentary"] = notes["commentary"] if "commentary" in notes else None
    card["actions"] = notes["actions"] if "actions" in notes else None
    return card.reset_index()


def trend(obs: pd.DataFrame, catalogue: Catalogue, code: str, area: str, last: Period, count: int = 8) -> pd.DataFrame:
    """The ``count`` reporting periods of ``code`` up to ``last``, aggregated like the scorecard.

    Columns: period, value, status, target (where one is set). Periods with no data are
    kept, with a missing value, so gaps show as gaps.
    """
    return trends(obs, catalogue, [code], area, last, count)[code]


def trends(obs: pd.DataFrame, catalogue: Catalogue, codes: list[str], area: str, last: Period, count: int = 8) -> dict[str, pd.DataFrame]:
    """:func:`trend` of each of ``codes``, aggregated together (one pass per reporting length)."""
    rows = obs[obs["area_code"].eq(area)]
    spans: dict[tuple[Period, Period], list[str]] = {}
    for code in codes:
        end = reporting_period(catalogue[code].freq, last)
        spans.setdefault((end.shift(1 - count), end), []).append(code)
    out = {}
    for (first, end), group in spans.items():
        periods = first.range_to(end)
        found = aggregate_periods(rows, catalogue, group, periods).set_index(["indicator", "period"])
        for code in group:
            ind = catalogue[code]
            frame = []
            for period in periods:
                target = ind.target_for(period)
                hit = found.loc[(code, period)] if (code, period) in found.index else None
                frame.append(
                    {
                        "period": period,
                        "value": hit["value"] if hit is not None else float("nan"),
                        "status": hit["status"] if hit is not None else "missing",
                        "target": target.value if target else float("nan"),
                    }
                )
            out[code] = pd.DataFrame(frame)
    return out


RAG_ORDER = ["green", "amber", "red", "no target", "no data"]
DIRECTION_ORDER = ["improved", "no change", "worsened", "up", "down", "not comparable"]


def headline_counts(card: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """How many indicators are at each RAG and direction of travel (vs the previous period).

    One row per group of ``by`` (e.g. "directorate"), or one row in all; columns in the
    order of :data:`RAG_ORDER` then ``dot_`` + :data:`DIRECTION_ORDER`, plus ``total``.
    """
    keys = [by] if by else []
    frame = card.assign(_all="All") if not by else card
    group = by or "_all"
    rag_counts = pd.crosstab(frame[group], frame["rag"]).reindex(columns=RAG_ORDER, fill_value=0)
    dot = pd.crosstab(frame[group], frame["direction_previous"]).reindex(columns=DIRECTION_ORDER, fill_value=0)
    out = rag_counts.join(dot.add_prefix("dot_"))
    out["total"] = frame.groupby(group).size()
    return out.reset_index().rename(columns={"_all": "group"}) if not keys else out.reset_index()


def notable_movements(card: pd.DataFrame, count: int = 3) -> pd.DataFrame:
    """The indicators that improved and worsened most since the previous period.

    Size of a move is the change relative to the previous value; indicators without
    polarity or without both values are left out. Returns up to ``count`` of each, with a
    ``movement`` column ("improved" / "worsened") and ``relative_change``.
    """
    moved = card[card["direction_previous"].isin(["improved", "worsened"])].copy()
    moved["relative_change"] = (moved["change_previous"] / moved["previous_value"].abs()).where(moved["previous_value"] != 0)
    moved["size"] = moved["relative_change"].abs()
    parts = [
        moved[moved["direction_previous"].eq(kind)].nlargest(count, "size").assign(movement=kind)
        for kind in ("improved", "worsened")
    ]
    return pd.concat(parts, ignore_index=True).drop(columns="size")
