"""Published period kinds: calendar years, academic years and days ("as at"), each named as
published, never colliding with a financial year's label, never split or aggregated."""

import datetime as dt

import pytest

from perfkit.errors import PeriodError
from perfkit.periods import Freq, Period, parse_period


def test_a_calendar_year_is_read_as_such_only_when_the_rule_says_so():
    p = parse_period("2015", year_rule="calendar_year")
    assert (p.freq, p.start, p.end, p.label) == (Freq.CALENDAR, dt.date(2015, 1, 1), dt.date(2015, 12, 31), "2015")
    assert parse_period("2015", year_rule="year_ending_march").label == "2014/15"  # the old reading, nine months off
    with pytest.raises(PeriodError, match="calendar_year"):
        parse_period("2015")  # still ambiguous without a rule
    assert parse_period(p.text) == p == parse_period("calendar year 2015")  # '2015 calendar year' reads back


@pytest.mark.parametrize("text", ["2024/25", "2024-25", "202425", "2024/2025"])
def test_an_academic_year_by_rule(text):
    p = parse_period(text, year_rule="academic_year")
    assert (p.freq, p.start, p.end) == (Freq.ACADEMIC, dt.date(2024, 9, 1), dt.date(2025, 8, 31))
    assert p.label == "2024/25 academic year" and parse_period(p.label) == p
    assert parse_period("2024/25") != p and parse_period("2024/25").label != p.label  # never the financial year's


@pytest.mark.parametrize("text", ["2025-09-30", "30/09/2025", "30 September 2025", "30 Sep 2025", "as at 30 September 2025"])
def test_a_day_as_at(text):
    p = parse_period(text, year_rule="as_at")
    assert (p.freq, p.start, p.end, p.label) == (Freq.AS_AT, dt.date(2025, 9, 30), dt.date(2025, 9, 30), "as at 30 September 2025")
    assert parse_period(p.label) == p and p.span == "30 September 2025"
    assert p.same_period_last_year().label == "as at 30 September 2024" == p.prev().label


def test_a_rule_refuses_a_period_of_another_kind():
    with pytest.raises(PeriodError, match="is a financial year .*period_rule calendar_year"):
        parse_period("2015/16", year_rule="calendar_year")
    with pytest.raises(PeriodError, match="not a day"):
        parse_period("2025-09", year_rule="as_at")


def test_published_kinds_are_never_split_or_aggregated():
    for p in (Period.calendar_year(2015), Period.academic_year(2024), Period.as_at(dt.date(2025, 3, 31))):
        assert p.freq.own_kind and p.within(p.freq) == p
        with pytest.raises(PeriodError, match="different kinds"):
            p.within(Freq.YEAR)
        with pytest.raises(PeriodError, match="different kinds"):
            p.subperiods(Freq.QUARTER)
        with pytest.raises(PeriodError, match="different kinds"):
            Period.year(2025).subperiods(p.freq)


def test_containing_a_day_and_counting():
    assert Period.containing(dt.date(2025, 8, 31), Freq.ACADEMIC).label == "2024/25 academic year"
    assert Period.containing(dt.date(2025, 9, 1), Freq.ACADEMIC).label == "2025/26 academic year"
    assert Period.containing(dt.date(2015, 6, 1), Freq.CALENDAR).label == "2015"
    days = Period.as_at(dt.date(2020, 3, 31)).range_to(Period.as_at(dt.date(2023, 3, 31)))
    assert [d.label for d in days] == [f"as at 31 March {y}" for y in range(2020, 2024)]
    assert Period.as_at(dt.date(2024, 2, 29)).shift(-1).start == dt.date(2023, 2, 28)


def _entry(**changes):
    from perfkit.config.catalogue import Indicator

    entry = {"code": "PH_CAL", "title": "A calendar-year figure", "definition": "A published figure per calendar year.", "unit": "%",
             "polarity": "lower", "frequency": "calendar", "aggregation": "latest", "owner": "O", "directorate": "D", "service": "S",
             "source": "OHID Fingertips", "publisher": "OHID", "targets": {"2015": 12.0}}
    return Indicator.model_validate(entry | changes)


def test_a_calendar_indicator_has_calendar_targets_and_a_publisher():
    ind = _entry()
    assert ind.freq is Freq.CALENDAR and ind.target_for(Period.calendar_year(2015)).value == 12.0
    assert ind.target_for(Period.calendar_year(2016)) is None  # never a financial year's target
    with pytest.raises(ValueError, match="is a financial year .*period_rule calendar_year"):
        _entry(targets={"2015/16": 1.0})
    with pytest.raises(ValueError, match="period kind of published indicators only"):
        _entry(publisher=None)
