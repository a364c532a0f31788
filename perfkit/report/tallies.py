"""What a paper counts, counted from the rows it shows: one tally per RAG column.

A paper has two RAG columns: the period's (each figure against the period's target) and the
year's (the year to date against the annual target; in the year's last period the outturn,
annual indicators included). Every sentence, table and caption that counts indicators by RAG
is written from a :class:`Tally` of the same scorecard rows, so a count can never leave out
an indicator the scorecard shows: a tally names how many indicators it covers, and why any
are not in it. The words are grammatical for 0, 1 and many (:func:`count_noun`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from perfkit.contract import RAG_LABELS, RAG_WORDS
from perfkit.report.wording import year_name

__all__ = ["Tally", "count_noun", "coverage", "period_tally", "tally_sentence", "year_heading", "year_tally"]


def count_noun(n: int, noun: str, plural: str | None = None) -> str:
    """'1 indicator', '2 indicators', '0 indicators'.

    >>> count_noun(1, "indicator"), count_noun(3, "figure"), count_noun(0, "was", "were")
    ('1 indicator', '3 figures', '0 were')
    """
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def year_heading(card: pd.DataFrame) -> str:
    """'Outturn 2025/26' in a year's last period, else 'Year to date 2025/26'; '' where no row has either.

    The one name of the year's column (:func:`perfkit.report.wording.year_name`), used by its
    header, its tally and its RAG ("RAG for the outturn 2025/26")."""
    name = next((n for _, r in card.iterrows() if (n := year_name(r))), "")
    return name[:1].upper() + name[1:]


@dataclass(frozen=True)
class Tally:
    """How many of a paper's indicators are at each RAG in one column."""

    name: str  # "the period" or "outturn 2025/26"
    counts: dict[str, int]  # every RAG label, in RAG_LABELS order
    withheld: dict[str, int]  # how many of each are withheld figures (their RAG reveals nothing)
    covered: int
    total: int
    left_out: str  # why the indicators not covered are not: "2 annual indicators, shown for their latest year"

    def __post_init__(self) -> None:
        assert sum(self.counts.values()) == self.covered, (self.counts, self.covered)


def _tally(name: str, rags: pd.Series, withheld: pd.Series, total: int, left_out: str) -> Tally:
    counts = rags.value_counts()
    held = rags[withheld].value_counts()
    return Tally(name, {k: int(counts.get(k, 0)) for k in RAG_LABELS}, {k: int(held.get(k, 0)) for k in RAG_LABELS},
                 int(rags.notna().sum()), total, left_out)


def period_tally(card: pd.DataFrame) -> Tally:
    """The RAG column of the period: every indicator the paper shows."""
    return _tally("the period", card["rag"], card["status"].eq("suppressed"), len(card), "")


def year_tally(card: pd.DataFrame) -> Tally | None:
    """The year's RAG column (year to date, or outturn), or None where no indicator has one."""
    heading = year_heading(card)
    if not heading:
        return None
    has = card["ytd_kind"].map(lambda k: isinstance(k, str))
    latest = card["latest_published"].eq(True) if "latest_published" in card else pd.Series(False, index=card.index)
    published = card[~has & latest]
    annual = int((~has & ~latest & card["frequency"].eq("annual")).sum())
    other = int((~has).sum()) - annual - len(published)
    why = []
    if len(published):  # a publisher's latest figure, of an earlier year: on its own line, never this year's outturn
        years = ", ".join(sorted({p.label for p in published["period"]}))
        why.append(f"{count_noun(len(published), 'published indicator')}, latest published: {years}")
    if annual:
        why.append(f"{count_noun(annual, 'annual indicator')}, shown for {'its' if annual == 1 else 'their'} latest year")
    if other:
        why.append(f"{count_noun(other, 'indicator')} with no figure for the year yet")
    rags = card["ytd_rag"].where(has)
    return _tally(heading[0].lower() + heading[1:], rags, card["ytd_status"].eq("suppressed") & has, len(card), " and ".join(why))


def tally_sentence(tally: Tally, public_note: bool = True) -> str:
    """'3 green, 6 amber, 2 red (1 of them withheld from this public report), 1 no target',
    each non-zero RAG of the tally in order; 'none' for an empty one.

    ``public_note`` says how many of each are withheld figures."""
    parts = []
    for k in RAG_LABELS:
        n = tally.counts[k]
        if not n:
            continue
        word = RAG_WORDS[k][1].lower() if k not in ("no target", "no data") else k
        held = tally.withheld[k] if public_note and k not in ("withheld", "off target") else 0
        extra = f" ({held} of them withheld from this public report)" if held else ""
        if k == "withheld":
            extra = ", whose RAG would reveal a small number"
        parts.append(f"{n} {word}{extra}")
    return ", ".join(parts) or "none"


def coverage(tally: Tally) -> str:
    """'all 12 indicators' or '10 of the 12 indicators (the other 2: 2 annual indicators, shown for their latest year)'."""
    if tally.covered == tally.total:
        return f"{'all ' if tally.total > 1 else ''}{count_noun(tally.total, 'indicator')}"
    return f"{tally.covered} of the {count_noun(tally.total, 'indicator')} (not counted: {tally.left_out})"
