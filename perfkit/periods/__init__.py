"""UK financial periods as values: financial years, quarters and months, and the period
kinds publishers use of their own: calendar years, academic years and days ("as at").

The financial year runs from 1 April to 31 March and is written "2025/26". Quarters
follow it (Q1 April-June ... Q4 January-March) and are written "2025/26 Q3"; months are
written "2025-11". This module is the one place that reads and writes period labels;
everything else works with :class:`Period` values.

A published indicator may instead be reported for a calendar year (January-December,
labelled as published: "2015"), an academic year (September-August, "2024/25 academic
year") or a day ("as at 30 September 2025"). These kinds are never split into quarters,
aggregated or counted to a year to date (:attr:`Freq.own_kind`); their labels never
collide with a financial year's. A bare "2015" stays ambiguous unless a rule says which
year it is (``year_rule``); "2015 calendar year" reads back without one (:attr:`Period.text`).

>>> p = parse_period("Q3 2025/26")
>>> p
Period('2025/26 Q3')
>>> p.start, p.end
(datetime.date(2025, 10, 1), datetime.date(2025, 12, 31))
>>> p.next(), p.prev(), p.same_period_last_year()
(Period('2025/26 Q4'), Period('2025/26 Q2'), Period('2024/25 Q3'))
>>> parse_period("2026-02").financial_year
Period('2025/26')
>>> parse_period("FY2025-26").slug
'2025-26'
"""

from perfkit.periods.parse import parse_period
from perfkit.periods.period import KIND_RULES, YEAR_RULES, Freq, Period

__all__ = ["Freq", "Period", "parse_period", "YEAR_RULES", "KIND_RULES"]
