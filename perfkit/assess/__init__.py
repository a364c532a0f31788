"""Assessments: pure functions from observations to judgements.

No plotting, notebook or rendering imports here. :func:`scorecard`
(:mod:`perfkit.assess.scorecard`) brings the pieces together for one area and period:
value, target, RAG, year to date, direction of travel, rank and commentary.
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
from perfkit.assess.commentary import commentary_checks
from perfkit.assess.direction import DIRECTION_LABELS, direction
from perfkit.assess.rag import RAG_LABELS, rag
from perfkit.assess.scorecard import scorecard
from perfkit.assess.small_base import within_one
from perfkit.assess.spc_judgement import (
    own_series,
    own_values,
    series_until,
    values_by_indicator,
)
from perfkit.config.catalogue import Catalogue
from perfkit.periods import Period

__all__ = [
    "RAG_ORDER",
    "aggregate",
    "commentary_checks",
    "direction",
    "headline_counts",
    "notable_movements",
    "ordinal",
    "own_series",
    "own_values",
    "series_until",
    "rag",
    "rank_in_group",
    "reporting_period",
    "scorecard",
    "trend",
    "trends",
    "values_by_indicator",
    "year_to_date",
]


def trend(obs: pd.DataFrame, catalogue: Catalogue, code: str, area: str, last: Period, count: int = 8) -> pd.DataFrame:
    """The ``count`` reporting periods of ``code`` up to ``last``, aggregated like the scorecard.

    Columns: period, value, status, numerator, denominator (rates), target (where one is set). Periods with no data are
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
                        "numerator": hit["numerator"] if hit is not None else float("nan"),
                        "denominator": hit["denominator"] if hit is not None else float("nan"),
                        "target": target.value if target else float("nan"),
                    }
                )
            out[code] = pd.DataFrame(frame)
    return out


RAG_ORDER = list(RAG_LABELS)
DIRECTION_ORDER = list(DIRECTION_LABELS)


def headline_counts(card: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """How many indicators are at each RAG and direction of travel (vs the previous period).

    One row per group of ``by`` (e.g. "directorate"), or one row in all; columns in the
    order of :data:`RAG_ORDER` then ``dot_`` + :data:`DIRECTION_ORDER`, ``total``, and
    ``withheld_`` + each RAG: how many of those indicators' figures are withheld.
    """
    keys = [by] if by else []
    frame = card.assign(_all="All") if not by else card
    group = by or "_all"
    rag_counts = pd.crosstab(frame[group], frame["rag"]).reindex(columns=RAG_ORDER, fill_value=0)
    dot = pd.crosstab(frame[group], frame["direction_previous"]).reindex(columns=DIRECTION_ORDER, fill_value=0)
    hidden = frame[frame["withheld"]] if "withheld" in frame else frame.iloc[0:0]
    held = pd.crosstab(hidden[group], hidden["rag"]).reindex(index=rag_counts.index, columns=RAG_ORDER, fill_value=0).fillna(0).astype(int)
    out = rag_counts.join(dot.add_prefix("dot_")).join(held.add_prefix("withheld_"))
    out["total"] = frame.groupby(group).size()
    return out.reset_index().rename(columns={"_all": "group"}) if not keys else out.reset_index()


def notable_movements(card: pd.DataFrame, count: int = 3, small: int = 100) -> pd.DataFrame:
    """The indicators that improved and worsened most since the previous period.

    Size of a move is the change relative to the previous value; indicators without
    polarity or without both values are left out, and so is a move on a small base (fewer
    than ``small`` cases, :mod:`perfkit.assess.small_base`) of at most one in its numerator:
    one admission is not a headline. Returns up to ``count`` of each, with a ``movement``
    column ("improved" / "worsened") and ``relative_change``.
    """
    moved = card[card["direction_previous"].isin(["improved", "worsened"])].copy()
    moved = moved[~within_one(moved, small)]
    moved["relative_change"] = (moved["change_previous"] / moved["previous_value"].abs()).where(moved["previous_value"] != 0)
    moved["size"] = moved["relative_change"].abs().astype(float)
    parts = [
        moved[moved["direction_previous"].eq(kind)].nlargest(count, "size").assign(movement=kind)
        for kind in ("improved", "worsened")
    ]
    return pd.concat(parts, ignore_index=True).drop(columns="size")
