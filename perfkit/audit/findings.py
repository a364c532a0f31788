"""A finding of the paper audit: what a paper says that its rows, the store or the rules do not bear out."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FAIL", "WARN", "Finding"]

#: The paper's own words are wrong: a tally, caption, list, RAG, rank or sentence perfkit wrote.
FAIL = "fail"
#: An owner's words (commentary) that disagree with the figure beside them: for the team to query.
WARN = "warn"


@dataclass(frozen=True)
class Finding:
    """One finding: its level (``fail`` or ``warn``), the paper (``folder/report``), the
    indicator (its code, or "" for a paper-wide statement), which check found it, what the
    paper says and what it should say."""

    level: str
    paper: str
    indicator: str
    check: str
    says: str
    should: str

    def line(self) -> str:
        """One line for a terminal or the build's checks.

        >>> Finding("warn", "housing/directorate_report", "HSG_RELET_DAYS", "commentary", "commentary quotes 30.7 days", "the paper shows 26.8 days").line()
        'audit warn: housing/directorate_report: HSG_RELET_DAYS: commentary quotes 30.7 days; the paper shows 26.8 days'
        """
        where = f"{self.paper}: {self.indicator}: " if self.indicator else f"{self.paper}: "
        return f"audit {self.level}: {where}{self.says}; {self.should}"
