"""SPC and trend charts as drawn: the lines sit at the mean and limits spc.py computes, special-cause
points are coloured and shaped by polarity, the value axis holds every quoted figure, and a cut
axis carries its break mark (and only then). Read from the SVG itself: its tick marks give the
data-to-drawing scale."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from perfkit.assess.spc import spc
from perfkit.periods import parse_period
from perfkit.report.chart_axis import value_axis
from perfkit.report.charts import trend_chart
from perfkit.report.spc_chart import SPC_STYLE, spc_chart

VALUES = [95.0, 96.0, 95.5, 96.5, 95.0, 96.0, 95.5, 96.0, 95.0, 96.5, 95.5, 96.0, 95.5, 96.0, 88.0]


def _periods(n: int) -> list:
    first = parse_period("2022-04")
    return [first.shift(i) for i in range(n)]


def _scale(svg: str) -> tuple[float, float]:
    """(a, b) with drawing y = a * value + b, from the y-axis ticks and their labels."""
    ticks = re.findall(r'<g id="ytick_\d+">.*?(?:d="M [\d.]+ ([\d.]+)|y="([\d.]+)").*?<!-- ([\d.,]+)%? -->', svg, re.S)
    ticks = [(a or b, v) for a, b, v in ticks]  # a grid line's path, or a tick mark's position
    (y1, v1), (y2, v2) = [(float(y), float(v.replace(",", ""))) for y, v in (ticks[0], ticks[-1])]
    a = (y2 - y1) / (v2 - v1)
    return a, y1 - a * v1


def _ys(svg: str, gid: str) -> list[float]:
    group = re.search(rf'<g id="{gid}">\s*<path d="([^"]+)"', svg)
    return [float(y) for y in re.findall(r"[ML] [\d.]+ ([\d.]+)", group[1])]


def _axis_range(svg: str) -> tuple[float, float]:
    a, b = _scale(svg)
    patch = re.search(r'<g id="patch_2">\s*<path d="([^"]+)"', svg)[1]  # the axes' background
    ys = [float(y) for y in re.findall(r"[ML] [\d.]+ ([\d.]+)", patch)]
    return tuple(sorted(((y - b) / a) for y in (min(ys), max(ys))))  # type: ignore[return-value]


def _chart(values=VALUES, polarity="higher", target=97.0, quoted=()):
    result = spc(values, polarity, target)
    chart = spc_chart("Rent collected", _periods(len(values)), result.points, "%", 1, target, result.variation, result.assurance,
                      verdict="SPC: concern; will fail", quoted=quoted)
    return result, chart


def test_the_mean_and_limits_are_drawn_where_spc_computes_them():
    result, chart = _chart()
    a, b = _scale(chart.svg)
    last = result.points.iloc[-1]
    for gid, value in (("spc-mean", last["mean"]), ("spc-upper", last["upl"]), ("spc-lower", last["lpl"])):
        ys = _ys(chart.svg, gid)
        assert ys and all(abs(y - (a * value + b)) < 0.05 for y in ys), (gid, value)
    assert "stroke-dasharray" not in re.search(r'<g id="spc-mean">.*?</g>', chart.svg, re.S)[0]  # the mean solid
    assert "stroke-dasharray" in re.search(r'<g id="spc-upper">.*?</g>', chart.svg, re.S)[0]  # the limits dashed
    words = f"mean {last['mean']:.1f}%, process limits {last['lpl']:.1f}% to {last['upl']:.1f}%"
    assert words in chart.alt and "mean (solid line) and process limits (dashed)" in chart.caption


@pytest.mark.parametrize(("polarity", "kind"), [("higher", "special cause concern"), ("lower", "special cause improvement")])
def test_a_special_cause_point_is_coloured_and_shaped_by_polarity(polarity, kind):
    """The last point (88.0%) falls below the lower limit: a concern where higher is better, an improvement where lower is."""
    result, chart = _chart(polarity=polarity, target=None)
    assert result.points["point_type"].iloc[-1] == kind
    colour, marker, _ = SPC_STYLE[kind]
    group = re.search(rf'<g id="spc-{kind.replace(" ", "-")}">(.*?)</g>', chart.svg, re.S)[1]
    assert f"fill: {colour}" in group
    common = re.search(r'<g id="spc-common-cause">(.*?)</g>', chart.svg, re.S)[1]
    shape = lambda g: re.search(rf'<path id="{re.search(r"xlink:href=.#(m[0-9a-f]+)", g)[1]}" d="([^"]+)"', chart.svg)  # noqa: E731
    assert f"fill: {SPC_STYLE['common cause'][0]}" in common
    assert shape(group)[1] != shape(common)[1], "a special-cause point differs in shape, not colour alone"
    assert kind.split()[-1] in chart.alt


def test_the_axis_holds_every_quoted_figure_and_marks_a_cut():
    result, chart = _chart(quoted=(80.0, 99.0))
    low, high = _axis_range(chart.svg)
    for figure in (80.0, 99.0, 97.0, *result.points["upl"], *result.points["lpl"], *VALUES):
        assert low - 0.01 <= figure <= high + 0.01, (figure, low, high)
    assert 'id="axis-break"' in chart.svg and "the vertical axis starts at" in chart.caption and low > 0


def test_an_axis_from_zero_has_no_break_mark():
    series = pd.DataFrame({"period": _periods(6), "value": [12.0, 30.0, 21.0, 25.0, 18.0, 22.0], "target": [20.0] * 6})
    chart = trend_chart("Referrals", series, "count", 0, quoted=(35.0,))
    low, high = _axis_range(chart.svg)
    assert abs(low) < 0.01 and high >= 35.0
    assert 'id="axis-break"' not in chart.svg and "not zero" not in chart.caption


def test_a_two_point_fall_does_not_look_like_a_collapse():
    """87.3% against 89.3%: the axis spans at least a fifth of 89.3 and holds the quoted target 90.0%."""
    axis = value_axis([89.3, 89.1, 87.3, 90.0], "%")
    assert axis.truncated and axis.holds(87.3) and axis.holds(90.0)
    assert (89.3 - 87.3) / (axis.high - axis.low) <= 0.1
    assert axis.ticks[0] == axis.low  # a cut axis starts at a labelled tick
    assert not value_axis([12, 30, 21], "count").truncated
    assert value_axis([97.0, 99.5], "%").high == 100.0  # never past 100% unless a figure is


def test_chart_text_is_9pt_or_more():
    """9 pt in the SVG's own units is 12 px at the size HTML shows it (it never shrinks it)."""
    _, chart = _chart()
    sizes = [float(s) * 100 for s in re.findall(r"scale\(([\d.]+) -\1\)", chart.svg)]
    assert sizes and min(sizes) >= 9
