"""The rules a paper must obey, restated from README ("Assessments"; "Comparators, benchmarking,
SPC, disclosure") and shared/BRIEF.md, on purpose apart from :mod:`perfkit.assess`: the audit
checks perfkit's answers against a second reading of the rules, not against themselves.

- RAG: green when the target is met (per polarity), amber when missed by no more than the
  tolerance, red otherwise; "no target" without a target or polarity, "no data" without a
  value. The exact figure is compared, never the rounded one.
- A withheld figure is a range: its RAG is shown only when every value it could be gives the
  same answer, else the widest true statement ("off target (withheld)" when every value is
  Amber or Red), else "withheld".
- Ranks as published: on the values as shown (rounded half-up at the indicator's decimals),
  1 best, tied values share the better rank and say "joint"; quartile ``ceil(4 x rank / n)``;
  the median of the values as shown, rounded half-up at the shown decimals. A neutral
  indicator has no rank, a count is not ranked.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["OFF_TARGET_WITHHELD", "Position", "half_up", "position", "rag", "rag_of_range", "same_shown"]

EPS = 1e-9  # floating-point noise only
#: The widest true statement of a withheld figure every value of which misses its target.
OFF_TARGET_WITHHELD = "off target (withheld)"


def half_up(value: float | Decimal, decimals: int) -> Decimal:
    """``value`` rounded half-up at ``decimals``, in decimal (not binary) arithmetic.

    >>> half_up(73.95, 1), half_up(59.55, 1), half_up(2.5, 0), half_up((16.1 + 16.2) / 2, 1)
    (Decimal('74.0'), Decimal('59.6'), Decimal('3'), Decimal('16.2'))
    """
    # twelve significant digits: the figure as computed, without the binary noise of
    # float arithmetic (16.15 held as 16.149999999999998 rounds to 16.2, as on paper)
    exact = value if isinstance(value, Decimal) else Decimal(f"{float(value):.12g}")
    return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def same_shown(shown: Decimal, exact: float | None, decimals: int) -> bool:
    """Whether ``shown`` (written with ``decimals``) is ``exact`` as a paper should write it.

    >>> same_shown(Decimal("97.97"), 97.966, 2), same_shown(Decimal("26.8"), 30.7, 1)
    (True, False)
    """
    return exact is not None and not math.isnan(exact) and half_up(exact, decimals) == shown


def rag(value: float | None, target: float | None, tolerance: float | None, polarity: str) -> str:
    """RAG of an exact figure.

    >>> rag(98.0, 98.0, 1, "higher"), rag(870 / 916 * 100, 95.0, 1, "higher"), rag(12, 10, 1, "lower"), rag(None, 5, 0, "higher")
    ('green', 'amber', 'red', 'no data')
    """
    if value is None or math.isnan(value):
        return "no data"
    if target is None or math.isnan(target) or polarity == "neutral":
        return "no target"
    shortfall = value - target if polarity == "lower" else target - value
    if shortfall <= EPS:
        return "green"
    return "amber" if shortfall <= (tolerance or 0.0) + EPS else "red"


def rag_of_range(low: float | None, high: float | None, target: float | None, tolerance: float | None, polarity: str) -> str:
    """What may be said of a withheld figure known to lie between ``low`` and ``high``.

    RAG moves one way as a value rises, so the two ends decide: the same RAG at both ends is
    the RAG; Amber at one and Red at the other is "off target (withheld)"; otherwise "withheld".

    >>> rag_of_range(1, 4, 0, 2, "lower"), rag_of_range(1, 4, 0, 0, "lower"), rag_of_range(1, 4, 3, 0, "lower")
    ('off target (withheld)', 'red', 'withheld')
    """
    if target is None or math.isnan(target) or polarity == "neutral":
        return "no target"
    if low is None or high is None or math.isnan(low) or math.isnan(high):
        return "withheld"
    ends = {rag(low, target, tolerance, polarity), rag(high, target, tolerance, polarity)}
    if len(ends) == 1:
        return ends.pop()
    return OFF_TARGET_WITHHELD if ends <= {"amber", "red"} else "withheld"


@dataclass(frozen=True)
class Position:
    """Where an area stands in its group, as a paper should say it."""

    rank: int
    of: int
    joint: bool
    quartile: int | None
    median: Decimal
    highest: bool
    lowest: bool

    def place(self) -> str:
        """A neutral indicator's position counted from the highest value: 'highest', '3 highest'
        (written '3rd highest'), 'lowest' (the last place, a tie for it included)."""
        if self.highest:
            return "highest"
        if self.lowest:
            return "lowest"
        return f"{self.rank} highest"

    def words(self) -> str:
        """'joint 3rd of 14, quartile 1 (median 6.9)': how a paper should put it (a neutral
        indicator: 'highest of 16' or a plain count)."""
        if self.quartile is None:
            return f"{'joint ' if self.joint else ''}{self.place().replace(' highest', _nth(self.rank)[len(str(self.rank)):] + ' highest')} of {self.of} (median {self.median})"
        r = self.rank
        suffix = "th" if 10 <= r % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(r % 10, "th")
        return f"{'joint ' if self.joint else ''}{r}{suffix} of {self.of}, quartile {self.quartile} (median {self.median})"


def _nth(r: int) -> str:
    return f"{r}{'th' if 10 <= r % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(r % 10, 'th')}"


def position(values: dict[str, float], home: str, polarity: str, decimals: int) -> Position | None:
    """``home``'s rank among ``values`` (by area) as published: on the values rounded half-up at
    ``decimals``; None where ``home`` has no value.

    >>> p = position({"A": 6.91, "B": 6.88, "C": 6.94, "D": 5.0}, "A", "higher", 1)
    >>> (p.rank, p.of, p.joint, p.quartile, p.median)
    (1, 4, True, 1, Decimal('6.9'))
    """
    if home not in values:
        return None
    shown = {a: half_up(v, decimals) for a, v in values.items()}
    mine = shown[home]
    better = sum(1 for v in shown.values() if (v < mine if polarity == "lower" else v > mine))
    ties = sum(1 for v in shown.values() if v == mine) > 1
    n = len(shown)
    rank = better + 1
    quartile = None if polarity == "neutral" else math.ceil(4 * rank / n)
    median = half_up(statistics.median(shown.values()), decimals)
    return Position(rank, n, ties, quartile, median, all(mine >= v for v in shown.values()), all(mine <= v for v in shown.values()))
