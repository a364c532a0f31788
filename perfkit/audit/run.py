"""Running the audit over built papers: one paper, or every paper of a period in an output folder."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from perfkit.audit.findings import FAIL, Finding
from perfkit.audit.paper import Paper, read_paper
from perfkit.audit.recompute import Context, check_charts, check_ranks, check_rows
from perfkit.audit.tallies import check_captions, check_overview, check_tallies
from perfkit.audit.words import check_chart_words, check_commentary
from perfkit.config.council import load_council
from perfkit.config.papers import load_params
from perfkit.periods import Period, parse_period
from perfkit.store.store import Store

__all__ = ["Auditor", "audit_paper", "audit_papers", "audit_period", "failed"]

_CHECKS = (check_tallies, check_captions, check_rows, check_ranks, check_charts, check_chart_words, check_commentary)


def audit_paper(paper: Paper, ctx: Context, directorates: dict[str, list[str]]) -> list[Finding]:
    """Every check of one paper read by :func:`perfkit.audit.paper.read_paper`."""
    found = [f for check in _CHECKS for f in check(paper, ctx)]
    return found + check_overview(paper, ctx, directorates)


class Auditor:
    """Audits papers one at a time against one store and ``params/`` (open until :meth:`close`),
    sharing what it recomputes between the papers of a period (:func:`audit_papers` at once;
    a build as each paper is made)."""

    def __init__(self, store: Path, params: Path) -> None:
        self.params = load_params(params)
        self.council = load_council(params)
        self.directorates = {d.name: self.params.indicators_of(slug) for slug, d in self.params.directorates.items()}
        self._db = Store(store, read_only=True)  # a file that is not a perfkit store is refused untouched
        self.con = self._db.con
        self.contexts: dict[str, Context] = {}

    def audit(self, path: Path, period: Period | str | None = None) -> list[Finding]:
        """The findings of one executed notebook; ``period``: the paper's own (read from its parameters where not given)."""
        paper = read_paper(path)
        label = str(period) if isinstance(period, Period) else period or paper.period
        if not label:
            return []  # not a period's paper (no period parameter): nothing to recompute it against
        when = parse_period(label)
        area = str(paper.parameters.get("area") or self.council.area_code)  # an area profile is of its own area
        as_at = paper.meeting_date  # README "Latest available": published figures released by the meeting (none: the latest stored)
        ctx = self.contexts.setdefault(f"{when.label} {area} {as_at}",
                                       Context(self.con, self.params.catalogue, area, when, self.council.disclosure_threshold, as_at))
        return audit_paper(paper, ctx, self.directorates)

    def close(self) -> None:
        self.con.close()


def audit_papers(paths: Iterable[Path], store: Path, params: Path, period: Period | str | None = None) -> list[Finding]:
    """Audit executed notebooks (``outputs/<period>/<folder>/<report>.ipynb``) against the
    store they were built from and the project's ``params/``. ``period``: the papers' own
    (read from each notebook's parameters where not given)."""
    auditor = Auditor(store, params)
    try:
        findings = [f for path in sorted(paths) for f in auditor.audit(path, period)]
    finally:
        auditor.close()
    return list(dict.fromkeys(findings))  # a figure in a chart and in its sparkline is one finding


def audit_period(out: Path, period: Period | str, store: Path, params: Path) -> list[Finding]:
    """Audit every paper built for ``period`` under the output folder ``out``."""
    when = parse_period(str(period)) if not isinstance(period, Period) else period
    return audit_papers((Path(out) / when.slug).glob("*/*.ipynb"), store, params, when)


def failed(findings: Iterable[Finding]) -> list[Finding]:
    """The failures among ``findings`` (what ``--strict`` stops on)."""
    return [f for f in findings if f.level == FAIL]
