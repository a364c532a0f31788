"""Small bases: a figure built from few cases (README "Assessments", "Small bases").

The cases a figure counts are the denominator of a percentage or of an average ("days per
case": days over cases), and the numerator of a rate per 1,000, 10,000 or 100,000 (people or
events in a population: the population is large, the events are few). A figure is on a
small base when its cases are fewer than the council's ``small_denominator``: its counts are
shown beside it, and a move in which its numerator and its cases each changed by at most one
(26 admissions against 25; 11 of 39 against 10 of 39) is not a headline. A percentage that
moved because its cases did (17 of 20, then 17 of 25) is still one.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["cases", "on_small_base", "within_one"]


def _known(value: object) -> bool:
    return value is not None and value == value


def cases(unit: str, numerator: float | None, denominator: float | None) -> float:
    """How many cases a figure counts: a rate's numerator, else its denominator; NaN where the
    counts are not known (a count, or a figure stored without its counts).

    >>> cases("rate per 100,000", 26, 159752), cases("%", 10, 39), cases("days", 3585, 134), cases("count", None, None)
    (26.0, 39.0, 134.0, nan)
    """
    if not (_known(numerator) and _known(denominator)):
        return float("nan")
    return float(numerator if str(unit).startswith("rate per ") else denominator)


def on_small_base(unit: str, numerator: float | None, denominator: float | None, small: int) -> bool:
    """Whether the figure counts fewer than ``small`` cases (:func:`cases`).

    >>> on_small_base("rate per 100,000", 26, 159752, 100), on_small_base("%", 95, 500, 100), on_small_base("%", None, 39, 100)
    (True, False, False)
    """
    found = cases(unit, numerator, denominator)
    return found == found and found < small


def within_one(card: pd.DataFrame, small: int, earlier: str = "previous") -> pd.Series:
    """Of each scorecard row, whether its move from the ``earlier`` period ("previous" or
    "last_year") is on a small base (in either period) and within one unit: its numerator and
    its cases (:func:`cases`) each changed by at most 1.

    >>> card = pd.DataFrame({"unit": ["rate per 100,000", "%", "%", "%"], "numerator": [26, 11, 17, 96],
    ...     "denominator": [159752, 39, 25, 400], "previous_numerator": [25, 10, 17, 95], "previous_denominator": [160249, 39, 20, 400]})
    >>> within_one(card, 100).tolist()
    [True, True, False, False]
    """
    def one(r: pd.Series) -> bool:
        now, then = (r["numerator"], r["denominator"]), (r[f"{earlier}_numerator"], r[f"{earlier}_denominator"])
        small_base = on_small_base(r["unit"], *now, small) or on_small_base(r["unit"], *then, small)
        return bool(small_base and abs(now[0] - then[0]) <= 1 and abs(cases(r["unit"], *now) - cases(r["unit"], *then)) <= 1)

    return pd.Series([one(r) for _, r in card.iterrows()], index=card.index, dtype=bool)
