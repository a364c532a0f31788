"""The shell every committee paper shares: the inputs a paper reads (params and exactly the
stored rows it shows), the header block, the narrative sections from params (financial,
legal, other implications, recommendations, background papers, contact), and "About this
report" (provenance). Each paper (:mod:`perfkit.report.directorate`,
:mod:`perfkit.report.overview`, :mod:`perfkit.report.profile`, :mod:`perfkit.report.area`)
adds its own sections to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from perfkit.assess import commentary_checks
from perfkit.assess.disclosure import suppress_small_numbers, withhold_actions
from perfkit.assess.rag import RAG_LABELS
from perfkit.assess.spc import SPCResult
from perfkit.blocks.model import (
    PROVENANCE_MIME,
    Block,
    Blocks,
    Cell,
    Heading,
    Keep,
    KeyValues,
    Meta,
    PaperHeader,
    Part,
    Section,
    joined,
)
from perfkit.config.catalogue import Indicator
from perfkit.config.council import Council, load_council
from perfkit.config.papers import Paper, ReportParams, project_params
from perfkit.config.project import project
from perfkit.contract import OFF_TARGET
from perfkit.periods import Period
from perfkit.provenance import provenance
from perfkit.report.wording import flagged_figure
from perfkit.store.store import Store

__all__ = ["ASSURANCE_SHORT", "Inputs", "PaperSections", "SPC_SHORT", "about", "contact_block", "labelled", "load_inputs", "narrative_sections", "revised_note", "revised_since_reported", "paper_header", "rag_sentence", "spc_icons", "spc_words", "stacked"]



@dataclass(frozen=True)
class Inputs:
    """What every report reads: params, the council, stored rows and the project folder."""

    params: ReportParams
    council: Council
    rows: pd.DataFrame
    root: Path
    imports: pd.DataFrame | None = None  # the store's import batches (batch_id, imported_at), for "data as at"
    actions: pd.DataFrame | None = None  # the council's stored action rows (perfkit.store.actions), latest versions
    revised: pd.DataFrame | None = None  # figures revised after a publication showed them: what it showed, and when (:func:`revised_since_reported`)

    def for_audience(self, paper: object) -> Inputs:
        """The inputs a paper (its params) may see: a public paper's rows have small numbers
        suppressed before anything is assessed or shown (:mod:`perfkit.assess.disclosure`)."""
        if paper.status != "public":
            return self
        publish = paper.withheld_commentary == "publish"
        rows = suppress_small_numbers(self.rows, self.params.catalogue, self.council.disclosure_threshold, publish_words=publish)
        actions = withhold_actions(self.actions, rows, publish_words=publish)
        revised = self.revised
        if revised is not None and len(revised):  # what was shown before is withheld as the figure would be
            revised = suppress_small_numbers(revised, self.params.catalogue, self.council.disclosure_threshold, publish_words=publish)
        return Inputs(self.params, self.council, rows, self.root, self.imports, actions, revised)


def load_inputs(
    per: str, subject: str, store: str | Path | None = None, root: str | Path | None = None, area: str | None = None
) -> Inputs:
    """Read params and exactly the stored rows the report reads: its indicators for ``area``
    (default: the council) and its comparators, as its kind says (:mod:`perfkit.report.kinds`)."""
    from perfkit.report.kinds import KINDS

    proj = project(root=root, store=store)
    params = project_params(proj)
    council = load_council(proj.params)
    indicators = KINDS[per].reads(params, subject, {})
    with Store(proj.store, read_only=True) as db:
        rows = db.observations(indicators, KINDS[per].areas(params, indicators, subject, {}, area or council.area_code), released=True)
        imports = db.batches()[["batch_id", "imported_at"]]
        actions = db.actions(indicators, [area or council.area_code])
        revised = revised_since_reported(db, indicators, area or council.area_code)
    return Inputs(params, council, rows, proj.root, imports, actions, revised)


def revised_since_reported(db: Store, indicators: list[str], area: str) -> pd.DataFrame:
    """Each stored figure of ``area`` revised after a publication showed it: the version the latest
    such publication read (its value, counts and status) and ``reported_at``, when it was published.
    A figure revised back to what was published is not listed."""
    from perfkit.store.store import with_periods

    frame = db.con.execute(
        """SELECT r.* EXCLUDE (new_value, new_status, revised_by_batch, revised_at), p.published_at AS reported_at
           FROM revisions r JOIN publications p ON r.batch_id <= p.max_batch_id AND r.revised_by_batch > p.max_batch_id
           JOIN observations o USING (indicator, area_code, period_type, period_start)
           WHERE r.area_code = ? AND list_contains(?, r.indicator)
             AND (o.value IS DISTINCT FROM r.value OR o.status IS DISTINCT FROM r.status)
           QUALIFY row_number() OVER (PARTITION BY r.indicator, r.period_type, r.period_start ORDER BY p.published_at DESC) = 1""",
        [area, list(indicators)]).df()
    return with_periods(frame)


def _date(value: object) -> str:
    return f"{value:%-d %B %Y}" if value else "to be confirmed"


def stacked(lines: list[str], badge: Cell | None = None) -> Cell:
    """A cell of several short lines (and a badge last): 'Rent collected [HSG_RENT]' over '2025/26 Q4'."""
    return joined([Cell(x) for x in lines] + ([badge] if badge else []))


def labelled(lines: list[tuple[str, str]]) -> Cell:
    """'Commentary (March 2026): ...' lines, the labels in bold."""
    return joined([Cell(f"{k}: {v}", parts=(Part(k, "label"), Part(v))) for k, v in lines], "\n")


SPC_SHORT = {
    "common cause": "common cause",
    "special cause improvement": "improving",
    "special cause concern": "concern",
    "special cause neutral high": "unusually high",
    "special cause neutral low": "unusually low",
}
ASSURANCE_SHORT = {"consistently pass": "will pass", "consistently fail": "will fail", "inconsistent (hit and miss)": "hit and miss"}


def spc_icons(rows: pd.DataFrame, ind: Indicator, area: str, period: Period) -> str:
    """'SPC: improving; hit and miss' at the paper's latest point, judged as the paper may state it
    (:mod:`perfkit.assess.spc_judgement`); '' where the indicator does not suit SPC, has under 12
    points or no figure for the latest point. For a cumulative indicator it is of each period's
    own figure: 'SPC of each month's own figure: common cause'."""
    from perfkit.assess.spc_judgement import latest_spc

    result = latest_spc(rows, ind, area, period)
    return "" if result is None else spc_words(result, ind)


def spc_words(result: SPCResult, ind: Indicator) -> str:
    """The paper's words for an SPC verdict: 'SPC: improving; hit and miss' (the scorecard's, the exception chart's)."""
    name = f"SPC of each {ind.freq.value}'s own figure" if ind.cumulative else "SPC"
    text = f"{name}: {SPC_SHORT[result.variation]}"
    return text + (f"; {ASSURANCE_SHORT[result.assurance]}" if result.assurance else "")


def paper_header(inputs: Inputs, settings: Paper, period: Period, title: str) -> Block:
    """The header block and the metadata the exporters use for title, language and footer."""
    when = inputs.params.meeting(period, settings)
    meeting = _date(when)
    status = settings.status.capitalize() + (" (draft)" if settings.draft else "")
    meta = {
        "title": title,
        "lang": "en-GB",
        "council": inputs.council.name,
        "committee": settings.committee,
        "meeting": meeting,
        "paper": f"Paper {settings.paper}",
        "status": status,
        "colour": inputs.council.colour,
        # the document's date in the PDF and Word properties: the meeting's, else the period's
        # end, never the time of the build (so the same data makes the same file)
        "date": (when or period.end).isoformat(),
    }
    author = f"{settings.contact.name}, {settings.contact.role}" if settings.contact else ""
    head = PaperHeader(
        inputs.council.name, settings.committee, meeting, title, f"the {settings.officer}", settings.paper, status,
        settings.wards, "Yes" if settings.key_decision else "No", author,
    )
    return Blocks((Meta(meta), head))


def narrative_sections(settings: Paper, first: int, early: bool = False) -> dict[str, Block]:
    """The fixed sections from params, numbered from ``first``: financial, legal, other
    implications (equalities, risk, climate), recommendations, background papers. ``early``:
    the recommendations are section 2, straight after the summary and purpose (as councils'
    committee templates put them), and the rest are numbered from ``first`` without them."""
    n = settings.narrative
    other = tuple(
        [f"Equalities: {t}" for t in n.equalities] + [f"Risk: {t}" for t in n.risk] + [f"Climate and environment: {t}" for t in n.climate]
    )
    return {
        "financial": Section(first, "Financial implications", tuple(n.financial), "financial"),
        "legal": Section(first + 1, "Legal implications", tuple(n.legal), "legal"),
        "other": Section(first + 2, "Other implications", other, "other-implications"),
        "recommendations": Section(2 if early else first + 3, "Recommendations", tuple(n.recommendations), "recommendations"),
        "background_papers": Section(first + (3 if early else 4), "Background papers", tuple(n.background_papers), "background-papers"),
    }


def contact_block(settings: Paper) -> Block:
    """The contact point: who to ask, and the officer the paper is from."""
    c, s = settings.contact, settings.signed_by
    items = [("Contact", c.name), ("Role", c.role)]
    items += [(k, v) for k, v in (("Telephone", c.phone), ("Email", c.email)) if v]
    items += [("Officer", s.name), ("Title", s.role)]
    return Keep((Heading("Contact point", 2, "contact"), KeyValues("Contact point for this report", tuple(items))))


def rag_sentence(counts: pd.Series, prefix: str = "") -> str:
    """'2 green, 1 amber, 5 red (1 of them withheld), 1 no target'."""
    parts = []
    for k in RAG_LABELS:
        if k == "withheld" or not counts[prefix + k]:
            continue
        held = int(counts.get("withheld_" + k, 0)) if not prefix else 0
        parts.append(f"{int(counts[prefix + k])} {k}" + (f" ({held} of them withheld from this public report)" if held else ""))
    if counts.get(prefix + "withheld", 0):
        parts.append(f"{int(counts[prefix + 'withheld'])} withheld, whose RAG would reveal a small number")
    return ", ".join(parts) or "none"


def data_as_at(inputs: Inputs) -> str:
    """'23 November 2026 (imports 1 to 4)': when the newest stored row the paper read was
    imported, and the import batches its rows came from, as members read provenance."""
    used = sorted({int(b) for b in inputs.rows["batch_id"].dropna()}) if "batch_id" in inputs.rows else []
    if not used:
        return "no stored figures"
    when = ""
    if inputs.imports is not None and len(inputs.imports):
        times = inputs.imports[inputs.imports["batch_id"].isin(used)]["imported_at"]
        when = f"{pd.Timestamp(times.max()):%-d %B %Y} " if len(times) else ""
    batches = f"import {used[0]}" if len(used) == 1 else f"imports {used[0]} to {used[-1]}"
    return f"{when}({batches})"


def about(inputs: Inputs, parameters: dict, card: pd.DataFrame | None = None) -> Block:
    """Provenance for members: data as at, produced when and by what, parameters. The hashes
    (data snapshot, code version) a clerk or auditor traces a figure with are kept in the
    notebook's metadata (and the publication record), not printed."""
    facts = provenance(inputs.rows, inputs.root, parameters)
    record = {"provenance": facts, "parameters": parameters, "data_as_at": data_as_at(inputs)}
    if card is not None:
        record["rag_counts"] = card["rag"].value_counts().to_dict()
        record["checks"] = commentary_checks(card)
    shown = (
        ("Data as at", data_as_at(inputs)),
        ("Produced", f"{pd.Timestamp(facts['generated at']):%-d %B %Y} with perfkit {facts['perfkit version']}"),
        ("Report parameters", facts["parameters"]),
        ("Tracing a figure", "the data snapshot and code version are recorded in the report's notebook and publication record"),
    )
    return Blocks(
        (
            Keep((Heading("About this report", 2, "about"), KeyValues("How this report was produced", shown))),
            Meta(record, PROVENANCE_MIME),
        )
    )


class PaperSections:
    """The sections every committee paper takes from its params, numbered from ``FIRST_SECTION``:
    financial, legal and other implications, recommendations, background papers, contact point."""

    FIRST_SECTION = 3
    #: Whether the recommendations come second, after the summary (committee papers), or after the implications.
    RECOMMENDATIONS_EARLY = False

    @property
    def settings(self) -> Paper:  # pragma: no cover - each paper says where its params are
        raise NotImplementedError

    @property
    def small(self) -> int:
        """The council's small base: a percentage or rate on fewer cases shows its counts."""
        return self.inputs.council.small_denominator

    def _sections(self) -> dict[str, Block]:
        return narrative_sections(self.settings, self.FIRST_SECTION, self.RECOMMENDATIONS_EARLY)

    def _with_flagged(self, key: str, flag: str, words: str) -> Block:
        """A narrative section, and the paper's off-target indicators the catalogue flags
        (``financial:`` or ``statutory:``), each with its RAG and figure, from its own row."""
        section = self._sections()[key]
        card = getattr(self, "card", None)
        if card is None:
            return section
        catalogue, small = self.inputs.params.catalogue, self.small
        off = card[(card["rag"].isin(OFF_TARGET) | card["ytd_rag"].isin(OFF_TARGET))
                   & card["indicator"].map(lambda c: bool(getattr(catalogue[c], flag)))]
        if off.empty:
            return section
        named = "; ".join(f"{r['title']} ({flagged_figure(r, small)})" for _, r in off.iterrows())
        return Section(section.number, section.heading, (*section.paragraphs, f"Indicators off target {words}: {named}."), section.anchor)

    def financial(self) -> Block:
        return self._with_flagged("financial", "financial", "with money attached (a cost, income or budget pressure)")

    def legal(self) -> Block:
        return self._with_flagged("legal", "statutory", "that measure a statutory duty")

    def other_implications(self) -> Block:
        """Equalities, risk and climate implications (params, with defaults)."""
        return self._sections()["other"]

    def recommendations(self) -> Block:
        return self._sections()["recommendations"]

    def background_papers(self) -> Block:
        return self._sections()["background_papers"]

    def contact(self) -> Block:
        return contact_block(self.settings)


def revised_note(revised, r, ind) -> str:  # noqa: ANN001 - Inputs.revised, a scorecard row, an Indicator
    """'Revised since reported to committee on 1 August 2026: was 31.5%.' for a figure of the
    reporting period (or a month of it) changed after a publication showed it; '' if none was."""
    from perfkit.formatting import format_value

    if revised is None or revised.empty:
        return ""
    within = pd.Series([r["period"].contains(p) for p in revised["period"]], index=revised.index, dtype=bool)
    mine = revised[revised["indicator"].eq(r["indicator"]) & within]
    said = []
    for x in mine.sort_values("period_start").itertuples():
        was = format_value(x.value, ind.unit.value, ind.decimals) if x.status in ("ok", "provisional") and x.value == x.value else "not shown"
        what = f"{x.period.label} " if x.period != r["period"] else ""
        said.append(f"revised since reported to committee on {x.reported_at:%-d %B %Y}: {what}was {was}")
    text = "; ".join(said) + "."
    return text[0].upper() + text[1:] if said else ""
