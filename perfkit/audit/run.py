"""Running the audit over built papers: one paper, or every paper of a period in an output folder."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb

from perfkit.audit.findings import FAIL, Finding
from perfkit.audit.paper import Paper, read_paper
from perfkit.audit.recompute import Context, check_charts, check_ranks, check_rows
from perfkit.audit.tallies import check_captions, check_overview, check_tallies
from perfkit.audit.words import check_chart_words, check_commentary
from perfkit.config.council import load_council
from perfkit.config.papers import load_params
from perfkit.periods import Period, parse_period

__all__ = ["audit_paper", "audit_papers", "audit_period", "failed"]

_CHECKS = (check_tallies, check_captions, check_rows, check_ranks, check_charts, check_chart_words, check_commentary)


def audit_paper(paper: Paper, ctx: Context, directorates: dict[str, list[str]]) -> list[Finding]:
    """Every check of one paper read by :func:`perfkit.audit.paper.read_paper`."""
    found = [f for check in _CHECKS for f in check(paper, ctx)]
    return found + check_overview(paper, ctx, directorates)


def audit_papers(paths: Iterable[Path], store: Path, params: Path, period: Period | str | None = None) -> list[Finding]:
    """Audit executed notebooks (``outputs/<period>/<folder>/<report>.ipynb``) against the
    store they were built from and the project's ``params/``. ``period``: the papers' own
    (read from each notebook's parameters where not given)."""
    loaded = load_params(params)
    council = load_council(params)
    directorates = {d.name: loaded.indicators_of(slug) for slug, d in loaded.directorates.items()}
    findings: list[Finding] = []
    con = duckdb.connect(str(store), read_only=True)
    try:
        contexts: dict[str, Context] = {}
        for path in sorted(paths):
            paper = read_paper(path)
            label = str(period) if isinstance(period, Period) else period or paper.period
            if not label:
                continue  # not a period's paper (no period parameter): nothing to recompute it against
            when = parse_period(label)
            area = str(paper.parameters.get("area") or council.area_code)  # an area profile is of its own area
            as_at = paper.meeting_date  # README "Latest available": published figures released by the meeting (none: the latest stored)
            ctx = contexts.setdefault(f"{when.label} {area} {as_at}", Context(con, loaded.catalogue, area, when, council.disclosure_threshold, as_at))
            findings += audit_paper(paper, ctx, directorates)
    finally:
        con.close()
    return list(dict.fromkeys(findings))  # a figure in a chart and in its sparkline is one finding


def audit_period(out: Path, period: Period | str, store: Path, params: Path) -> list[Finding]:
    """Audit every paper built for ``period`` under the output folder ``out``."""
    when = parse_period(str(period)) if not isinstance(period, Period) else period
    return audit_papers((Path(out) / when.slug).glob("*/*.ipynb"), store, params, when)


def failed(findings: Iterable[Finding]) -> list[Finding]:
    """The failures among ``findings`` (what ``--strict`` stops on)."""
    return [f for f in findings if f.level == FAIL]
