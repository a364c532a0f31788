"""Hand-computed cases for aggregation, RAG, direction of travel and ranks."""

import math

import pandas as pd
import pytest

from perfkit.assess.rag import rag_of_range
from perfkit.assess import (
    aggregate,
    direction,
    rag,
    rank_in_group,
    reporting_period,
    scorecard,
    year_to_date,
)
from perfkit.config.catalogue import Catalogue, ComparatorGroup, Indicator
from perfkit.periods import Freq, parse_period

BASE = dict(definition="test", owner="o", directorate="D", service="s", source="src")


def ind(code, unit="%", polarity="higher", frequency="monthly", aggregation="rate", **kw):
    return Indicator(code=code, title=code.title(), unit=unit, polarity=polarity, frequency=frequency,
                     aggregation=aggregation, **{**BASE, **kw})


CAT = Catalogue(
    {
        i.code: i
        for i in [
            ind("PCT", targets={"2025/26": 90.0}, tolerance=5.0, comparator_group="grp"),
            ind("COUNT", unit="count", aggregation="sum", decimals=0),
            ind("SNAP", unit="count", polarity="lower", aggregation="latest", decimals=0, frequency="quarterly"),
            ind("AVG", unit="days", polarity="lower", aggregation="mean"),
            ind("YTD", aggregation="latest", cumulative=True),
            ind("NEUTRAL", unit="rate per 10,000", polarity="neutral", aggregation="rate", frequency="quarterly"),
        ]
    },
    groups={"grp": ComparatorGroup(code="grp", name="G", members={"B": "Bee", "C": "Cee"})},
)


def obs(*rows):
    """rows: (indicator, area, period, value, numerator, denominator[, status])"""
    records = []
    for r in rows:
        code, area, label, value, num, den, *rest = r
        p = parse_period(label)
        records.append(dict(indicator=code, area_code=area, area_name=area, period_type=p.freq.value,
                            period_start=p.start, period=p, value=value, numerator=num, denominator=den,
                            status=rest[0] if rest else "ok", status_reason=None, commentary=None, actions=None))
    frame = pd.DataFrame(records)
    return frame.astype({"value": float, "numerator": float, "denominator": float})


def one(frame, code, area="A"):
    return frame[(frame.indicator == code) & (frame.area_code == area)].iloc[0]


def test_rate_sums_numerators_and_denominators_never_averages_percentages():
    data = obs(("PCT", "A", "2025-04", 90.0, 9, 10), ("PCT", "A", "2025-05", 50.0, 45, 90), ("PCT", "A", "2025-06", 100.0, 100, 100))
    q1 = one(aggregate(data, CAT, parse_period("2025/26 Q1")), "PCT")
    assert q1.value == pytest.approx(154 / 200 * 100)  # 77.0, not the 80.0 an average would give
    assert (q1.numerator, q1.denominator, q1.status, q1.parts_found) == (154, 200, "ok", 3)


def test_zero_denominator_gives_no_value_not_zero():
    data = obs(("PCT", "A", "2025-04", None, 0, 0, "missing"))
    result = one(aggregate(data, CAT, parse_period("2025/26 Q1")), "PCT")
    assert math.isnan(result.value) and result.status == "missing"


def test_suppressed_part_is_never_counted_as_zero():
    data = obs(("PCT", "A", "2025-04", 90.0, 9, 10), ("PCT", "A", "2025-05", None, None, None, "suppressed"),
               ("COUNT", "A", "2025-04", 3, None, None), ("COUNT", "A", "2025-05", None, None, None, "suppressed"))
    result = aggregate(data, CAT, parse_period("2025/26 Q1"))
    for code in ("PCT", "COUNT"):
        row = one(result, code)
        assert row.status == "suppressed" and math.isnan(row.value)


def test_sum_mean_latest_and_incomplete_periods():
    data = obs(("COUNT", "A", "2025-04", 3, None, None), ("COUNT", "A", "2025-05", 4, None, None),
               ("AVG", "A", "2025-04", 10, None, None), ("AVG", "A", "2025-06", 20, None, None),
               ("SNAP", "A", "2025/26 Q1", 7, None, None), ("SNAP", "A", "2025/26 Q2", 5, None, None))
    quarter = aggregate(data, CAT, parse_period("2025/26 Q1"))
    count = one(quarter, "COUNT")
    assert count.value == 7 and count.status_reason == "incomplete: 2 of 3 periods"
    assert one(quarter, "AVG").value == 15
    half = aggregate(data, CAT, parse_period("2025/26"))
    assert one(half, "SNAP").value == 5  # the latest snapshot, not a sum
    assert "SNAP" not in set(aggregate(data, CAT, parse_period("2025-04")).indicator)  # coarser: left out


def test_rate_without_counts_is_not_averaged():
    data = obs(("PCT", "A", "2025-04", 90.0, None, None), ("PCT", "A", "2025-05", 50.0, None, None))
    row = one(aggregate(data, CAT, parse_period("2025/26 Q1")), "PCT")
    assert math.isnan(row.value) and "no numerator" in row.status_reason


def test_year_to_date_and_cumulative():
    data = obs(("PCT", "A", "2025-04", 0, 1, 4), ("PCT", "A", "2025-05", 0, 3, 4), ("PCT", "A", "2025-07", 0, 4, 4),
               ("PCT", "A", "2025-03", 0, 0, 100),  # previous financial year: left out
               ("YTD", "A", "2025-04", 95.0, None, None), ("YTD", "A", "2025-05", 96.5, None, None))
    ytd = year_to_date(data, CAT, parse_period("2025-07"))
    assert one(ytd, "PCT").value == pytest.approx(8 / 12 * 100)
    assert one(year_to_date(data, CAT, parse_period("2025-05")), "YTD").value == 96.5


def test_reporting_period_for_coarser_and_finer_indicators():
    q2 = parse_period("2025/26 Q2")
    assert reporting_period(Freq.MONTH, q2) == q2
    assert reporting_period(Freq.YEAR, q2) == parse_period("2024/25")
    assert reporting_period(Freq.YEAR, parse_period("2025/26 Q4")) == parse_period("2025/26")
    assert reporting_period(Freq.QUARTER, parse_period("2025-05")) == parse_period("2024/25 Q4")


S = lambda *v: pd.Series(v)  # noqa: E731


def test_rag_edges():
    values = S(90.0, 89.96, 85.0, 84.9, None, 50.0, 91.0)
    targets = S(90.0, 90.0, 90.0, 90.0, 90.0, None, 90.0)
    result = rag(values, targets, S(*[5.0] * 7), S(*["higher"] * 7))
    # the exact figure is compared: 89.96 rounds to 90.0 but misses 90.0; 85.0 is exactly at the tolerance: amber
    assert result.tolist() == ["green", "amber", "amber", "red", "no data", "no target", "green"]
    lower = rag(S(10.0, 12.0, 12.01, 9.0), S(*[10.0] * 4), S(*[2.0] * 4), S(*["lower"] * 4))
    assert lower.tolist() == ["green", "amber", "red", "green"]
    assert rag(S(5.0), S(None), S(None), S("neutral")).tolist() == ["no target"]
    # 870 of 916 is 94.978...%: it misses a 95% target, however it is rounded for print
    assert rag(S(870 / 916 * 100), S(95.0), S(1.0), S("higher")).tolist() == ["amber"]


def test_withheld_rag_only_when_it_cannot_reveal_the_number():
    # a withheld count lies in 1..4: against a target of 0 (lower is better) every value is red
    assert rag_of_range(S(1.0), S(4.0), S(0.0), S(0.0), S("lower")).tolist() == ["red"]
    # against a target of 3, values 1..3 are green and 4 is red: the RAG would reveal the band
    assert rag_of_range(S(1.0), S(4.0), S(3.0), S(0.0), S("lower")).tolist() == ["withheld"]


def test_direction_edges():
    result = direction(S(20.0, 20.0, 19.0, 21.0, 20.0, 5.0, 4.0, 4.0), S(22.0, 20.0, 20.0, 20.0, None, 4.0, 5.0, 4.0),
                       S("lower", "lower", "higher", "higher", "higher", "neutral", "neutral", "neutral"))
    assert result.tolist() == ["improved", "no significant change", "worsened", "improved", "not comparable", "up", "down", "no significant change"]
    # a per-indicator threshold: moves of 0.5 or less count as no significant change
    thresholded = direction(S(20.5, 20.6), S(20.0, 20.0), S("higher", "higher"), S(0.5, 0.5))
    assert thresholded.tolist() == ["no significant change", "improved"]


def test_rank_with_ties_polarity_and_suppression():
    values = pd.DataFrame({"area_code": list("ABCDEF"), "value": [10.0, 20.0, 20.0, 0.0, 5.0, 30.0],
                           "status": ["ok", "ok", "ok", "suppressed", "ok", "provisional"]})
    higher = rank_in_group(values, "higher", 1).set_index("area_code")
    assert higher["rank"].tolist()[:3] == [4.0, 2.0, 2.0] and math.isnan(higher.loc["D", "rank"])
    assert higher.loc["F", "rank"] == 1 and higher.loc["E", "rank"] == 5 and higher["rank_of"].iloc[0] == 5
    assert higher["quartile"].fillna(-1).tolist() == [4, 2, 2, -1, 4, 1]
    assert higher.loc["A", "group_median"] == 20.0  # median of 10, 20, 20, 5, 30: the suppressed 0 is not a value
    lower = rank_in_group(values, "lower", 1).set_index("area_code")
    assert lower.loc["E", "rank"] == 1 and lower.loc["F", "rank"] == 5 and lower.loc["E", "quartile"] == 1
    neutral = rank_in_group(values, "neutral", 1).set_index("area_code")
    assert neutral.loc["F", "rank"] == 1 and neutral["quartile"].isna().all()


def test_scorecard_brings_it_together():
    data = obs(
        ("PCT", "A", "2025-07", None, 8, 10), ("PCT", "A", "2025-08", None, 9, 10), ("PCT", "A", "2025-09", None, 10, 10),
        ("PCT", "A", "2025-04", None, 5, 10), ("PCT", "A", "2024-08", None, 9, 10),
        ("PCT", "B", "2025-07", None, 10, 10), ("PCT", "C", "2025-07", None, 1, 10),
        ("PCT", "Z", "2025-07", None, 10, 10),  # not in the group: not ranked
    )
    card = scorecard(data, CAT, parse_period("2025/26 Q2"), "A", ["PCT", "NEUTRAL"]).set_index("indicator")
    pct = card.loc["PCT"]
    assert pct.value == pytest.approx(90.0) and pct.target == 90 and pct.rag == "green"
    assert pct.previous_value == pytest.approx(50.0) and pct.direction_previous == "improved"
    assert pct.last_year_value == pytest.approx(90.0) and pct.direction_last_year == "no significant change"
    assert (pct["rank"], pct.rank_of, pct.quartile, pct.group_median) == (2, 3, 3, 90.0)
    neutral = card.loc["NEUTRAL"]
    assert neutral.status == "missing" and neutral.rag == "no data" and neutral.direction_previous == "not comparable"


def test_disclosure_control_suppresses_small_counts_and_rates_built_from_them():
    from perfkit.assess.disclosure import suppress_small_numbers

    data = obs(("COUNT", "A", "2025-04", 0, None, None), ("COUNT", "A", "2025-05", 4, None, None), ("COUNT", "A", "2025-06", 5, None, None),
               ("PCT", "A", "2025-04", 75.0, 3, 4), ("PCT", "A", "2025-05", 30.0, 30, 100), ("PCT", "A", "2025-06", 4.0, 4, 100))
    out = suppress_small_numbers(data, CAT, threshold=5).set_index(["indicator", data["period"].map(str)])
    assert out.loc[("COUNT", "2025-04"), "value"] == 0 and out.loc[("COUNT", "2025-06"), "status"] == "ok"  # zero is not disclosive
    for key in [("COUNT", "2025-05"), ("PCT", "2025-04"), ("PCT", "2025-06")]:
        assert out.loc[key, "status"] == "suppressed" and math.isnan(out.loc[key, "value"]) and math.isnan(out.loc[key, "numerator"])
    assert out.loc[("PCT", "2025-05"), "value"] == 30
    # the quarter's total cannot reveal the suppressed month: it is suppressed as well
    quarter = one(aggregate(suppress_small_numbers(data, CAT), CAT, parse_period("2025/26 Q1")), "COUNT")
    assert quarter.status == "suppressed" and math.isnan(quarter.value)
    assert data.loc[1, "value"] == 4  # the input is not changed


def test_value_for_money_pairs_cost_and_outcome_by_area():
    from perfkit.assess.benchmark import value_for_money

    cost = pd.DataFrame({"area_code": list("ABCD"), "area_name": list("ABCD"), "value": [10.0, 20.0, 30.0, 40.0],
                         "status": ["ok", "ok", "ok", "suppressed"]})
    outcome = pd.DataFrame({"area_code": list("ABCE"), "value": [1.0, 3.0, 2.0, 9.0], "status": ["ok"] * 4})
    vfm = value_for_money(cost, outcome)
    assert vfm["area_code"].tolist() == ["A", "B", "C"]  # D suppressed, E has no cost
    assert vfm[["cost", "outcome"]].values.tolist() == [[10, 1], [20, 3], [30, 2]]
    assert (vfm["cost_median"].iloc[0], vfm["outcome_median"].iloc[0]) == (20, 2)


@pytest.mark.parametrize("code", ["CS_REREF", "HSG_RENT", "CS_REFERRALS", "CS_CASELOAD", "HSG_TA", "HSG_DECENT"])
def test_aggregating_many_periods_at_once_equals_one_at_a_time(demo_store_master, catalogue, code):
    from perfkit.assess.aggregate import aggregate_periods
    from perfkit.store.store import Store

    with Store(demo_store_master, read_only=True) as db:
        rows = db.observations([code])
    length = Freq.YEAR if catalogue[code].freq is Freq.YEAR else Freq.QUARTER
    periods = parse_period("2023/24").subperiods(length)[0].shift(-2).range_to(parse_period("2025/26").subperiods(length)[-1])
    together = aggregate_periods(rows, catalogue, code, periods).set_index(["area_code", "period"]).sort_index()
    apart = pd.concat([aggregate(rows, catalogue, p) for p in periods]).set_index(["area_code", "period"]).sort_index()
    pd.testing.assert_frame_equal(together[["value", "numerator", "denominator", "status"]], apart[["value", "numerator", "denominator", "status"]], check_dtype=False)
