"""The chart beside an exception (Appendix 2) and the SPC line it quotes.

Where the paper quotes an SPC verdict for the indicator (its scorecard's "SPC: concern; will
fail", 12 points or more, judged by :mod:`perfkit.assess.spc_judgement`), the exception draws
that SPC chart as Making Data Count does (:mod:`perfkit.report.spc_chart`) and says the
verdict, mean and limits in its own items; otherwise it draws the trend with its target.
Either way the value axis holds every figure the exception quotes.
"""

from __future__ import annotations

import pandas as pd

from perfkit.blocks.model import Chart
from perfkit.config.catalogue import Indicator
from perfkit.formatting import format_value
from perfkit.periods import Period
from perfkit.report.charts import trend_chart
from perfkit.report.shell import spc_words
from perfkit.report.spc_chart import spc_chart, spc_figures

__all__ = ["exception_chart", "quoted_figures"]


def quoted_figures(row: pd.Series) -> list[float]:
    """Every figure an exception's items quote for its row: the value, target and Amber
    threshold, the year to date and its target, and each month's (or quarter's) own figure."""
    polarity, target, tolerance = row["polarity"], row["target"], row["tolerance"]
    amber = None
    if target == target and target is not None and tolerance == tolerance and tolerance is not None and polarity != "neutral":
        amber = target + tolerance if polarity == "lower" else target - tolerance
    parts = [p.get("value") for p in row["parts"]] if isinstance(row.get("parts"), (list, tuple)) else []
    figures = [row["value"], target, amber, row.get("ytd_value"), row.get("ytd_target"), *parts]
    return [float(v) for v in figures if v is not None and v == v]


def exception_chart(rows: pd.DataFrame, ind: Indicator, area: str, period: Period, row: pd.Series,
                    series: pd.DataFrame) -> tuple[Chart, tuple[str, str] | None]:
    """The exception's chart, and its SPC item ("SPC", "concern; will fail: mean 479, process
    limits 420 to 538") where the chart is an SPC chart (else None)."""
    from perfkit.assess.spc_judgement import latest_spc_series

    quoted = quoted_figures(row)
    process, result = latest_spc_series(rows, ind, area, period)
    if result is None:
        return trend_chart(ind.title, series, ind.unit.value, ind.decimals, quoted=quoted), None
    words = spc_words(result, ind)
    target = ind.target_for(process["period"].iloc[-1])
    title = ind.title + (f" ({ind.freq.value}'s own figure)" if ind.cumulative else "")
    chart = spc_chart(title, list(process["period"]), result.points, ind.unit.value, ind.decimals, target.value if target else None,
                      result.variation, result.assurance, verdict=words, quoted=quoted)
    f = spc_figures(result.points)
    fmt = lambda v: format_value(v, ind.unit.value, ind.decimals)  # noqa: E731
    limits = f"process limits {fmt(f['lower'])} to {fmt(f['upper'])}" if f["upper"] == f["upper"] else "process limits undefined"
    name, verdict = words.split(": ", 1)
    return chart, (name, f"{verdict} (the chart below: mean {fmt(f['mean'])}, {limits})")
