import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfkit.errors import PeriodError
from perfkit.periods import Freq, Period, parse_period


@pytest.mark.parametrize(
    "text, label",
    [
        ("2025/26", "2025/26"),
        ("2025-26", "2025/26"),
        ("FY2025/26", "2025/26"),
        ("fy 2025-26", "2025/26"),
        ("2025/2026", "2025/26"),
        ("1999/00", "1999/00"),
        ("2025/26 Q3", "2025/26 Q3"),
        ("Q3 2025/26", "2025/26 Q3"),
        ("  q3   2025-26 ", "2025/26 Q3"),
        ("FY2025/26 Q1", "2025/26 Q1"),
        ("2025-11", "2025-11"),
        ("2026-01", "2026-01"),
        ("2011-12", "2011-12"),  # a month: the financial year is written 2011/12
    ],
)
def test_parses_every_form_in_the_brief(text, label):
    assert parse_period(text).label == label


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("2025/27", "second year must follow"),
        ("Q5 2025/26", "no Q5"),
        ("2025/26 Q0", "no Q0"),
        ("2025-13", "neither a month"),
        ("2025-00", "neither a month"),
        ("", "empty"),
        ("   ", "empty"),
        ("2025", "bare year"),
        ("March 2025", "not a period"),
        ("2025/26 Q3 extra", "not a period"),
    ],
)
def test_rejects_nonsense_saying_what_is_accepted(text, fragment):
    with pytest.raises(PeriodError) as info:
        parse_period(text)
    assert fragment in str(info.value)
    if text.strip():
        assert "2025/26 Q3" in str(info.value) or "2025-" in str(info.value)


def test_period_error_is_a_perfkit_error_and_value_error():
    from perfkit.errors import PerfkitError

    with pytest.raises(PerfkitError):
        parse_period("nonsense")
    with pytest.raises(ValueError):
        parse_period("nonsense")


def test_dfe_reporting_year_needs_an_explicit_rule():
    assert parse_period("2025", year_rule="year_ending_march") == parse_period("2024/25")
    assert parse_period("2025", year_rule="year_starting_april") == parse_period("2025/26")


def test_start_and_end_dates():
    q4 = parse_period("2025/26 Q4")
    assert (q4.start, q4.end) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    fy = parse_period("2023/24")
    assert (fy.start, fy.end) == (dt.date(2023, 4, 1), dt.date(2024, 3, 31))
    feb = parse_period("2024-02")
    assert feb.end == dt.date(2024, 2, 29)


def test_arithmetic():
    q1 = parse_period("2025/26 Q1")
    assert q1.prev() == parse_period("2024/25 Q4")
    assert parse_period("2025/26 Q4").next() == parse_period("2026/27 Q1")
    assert parse_period("2026-01").same_period_last_year() == parse_period("2025-01")
    assert parse_period("2026-01").financial_year == parse_period("2025/26")
    assert parse_period("2026-03").within("quarter") == parse_period("2025/26 Q4")
    assert parse_period("2025-04").within(Freq.QUARTER) == q1
    assert [p.label for p in parse_period("2025/26").quarters()] == [f"2025/26 Q{i}" for i in range(1, 5)]
    assert [p.label for p in parse_period("2025/26 Q4").months()] == ["2026-01", "2026-02", "2026-03"]
    assert len(parse_period("2025/26").months()) == 12
    assert parse_period("2025/26").contains(parse_period("2026-03"))
    assert not parse_period("2025/26").contains(parse_period("2026-04"))
    assert parse_period("2025/26 Q2").slug == "2025-26-q2"
    with pytest.raises(PeriodError):
        parse_period("2025-11").quarters()
    with pytest.raises(PeriodError):
        parse_period("2025/26").within("quarter")


def test_ordering_of_mixed_lengths_follows_start_then_length():
    periods = [parse_period(t) for t in ["2025-05", "2025/26 Q1", "2024/25", "2025/26", "2025-04"]]
    assert [p.label for p in sorted(periods)] == ["2024/25", "2025/26", "2025/26 Q1", "2025-04", "2025-05"]


def test_periods_are_hashable_values():
    assert {parse_period("2025-26"), parse_period("FY2025/26")} == {Period.year(2025)}
    assert parse_period("2025/26 Q3") != parse_period("2025/26")


years = st.integers(min_value=1990, max_value=2150)
periods = st.one_of(
    years.map(Period.year),
    st.builds(Period.quarter, years, st.integers(1, 4)),
    st.builds(Period.month, years, st.integers(1, 12)),
)


@given(periods)
def test_label_round_trips(p):
    assert parse_period(p.label) == p


@given(periods)
def test_prev_next_inverse(p):
    assert p.next().prev() == p
    assert p.prev().next() == p
    assert p.next().start == p.end + dt.timedelta(days=1)


@given(periods, periods)
def test_ordering_agrees_with_start_dates(a, b):
    if a.start != b.start:
        assert (a < b) == (a.start < b.start)


@given(periods)
def test_same_period_last_year_is_a_year_earlier(p):
    last = p.same_period_last_year()
    assert last.freq is p.freq
    assert last.start.replace(year=last.start.year + 1) == p.start
    assert last.financial_year.next() == p.financial_year


@given(periods)
def test_every_period_lies_in_its_financial_year(p):
    fy = p.financial_year
    assert fy.contains(p)
    assert fy.start.month == 4 and fy.start.day == 1
