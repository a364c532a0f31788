"""Owners' commentary: the words that belong to the period a paper reports, and checks on them.

Commentary describes one stored period, and a paper shows the words of the period whose
figure it prints: the reporting period. A quarterly paper shows, for a quarterly indicator,
its quarter's row; for a monthly indicator, the row for the quarter that holds only the
owner's commentary and actions (the canonical layout allows one, with no figures), never a
month's words beside the quarter's figure (the months' own words stay in the store). The
actions of the period before are kept too, so a paper can say what became of them.
"""

from __future__ import annotations

import re

import pandas as pd

from perfkit.assess.disclosure import WITHHELD_WORDS, may_reveal
from perfkit.config.catalogue import Catalogue
from perfkit.contract import OFF_TARGET, OPEN_ACTIONS
from perfkit.periods import Freq, Period

__all__ = ["COMMENTARY_COLUMNS", "commentary_checks", "commentary_for", "commentary_period"]

COMMENTARY_COLUMNS = [
    "headline",
    "commentary",
    "actions",
    "commentary_period",
    "commentary_value",
    "commentary_status",
    "previous_actions",
    "previous_actions_period",
    "withheld_words",
    "action_list",
]

# words that say a figure missed (or met) its target
_SAYS_MISSED = re.compile(r"\b(below|off|under|short of|behind|missed( the)?|not (on|meeting|met))\s+(the\s+)?target\b", re.I)
_SAYS_MET = re.compile(r"\b(on|above|met|meeting|exceed(ed|ing|s)?|ahead of|beat(ing)?)\s+(the\s+)?target\b", re.I)


def commentary_period(freq: object, reported: Period) -> Period:
    """The stored period whose commentary a paper shows for ``reported``: the reported period
    itself (a monthly indicator's words for a quarter are on the quarter's words row); only
    for a year of a finer indicator, the year's last period of its own frequency.

    >>> from perfkit.periods import Freq, parse_period
    >>> commentary_period(Freq.MONTH, parse_period("2025/26 Q4")), commentary_period(Freq.QUARTER, parse_period("2025/26"))
    (Period('2025/26 Q4'), Period('2025/26 Q4'))
    """
    if reported.freq is freq or (freq is Freq.MONTH and reported.freq is Freq.QUARTER):
        return reported
    return reported.subperiods(freq)[-1]


def commentary_for(obs: pd.DataFrame, catalogue: Catalogue, area: str, reported: dict[str, Period],
                   actions: pd.DataFrame | None = None) -> pd.DataFrame:
    """For each indicator (index), the headline, commentary and actions of its reporting period.

    ``reported`` maps each code to the period the paper reports it for. Columns:
    :data:`COMMENTARY_COLUMNS` (``previous_actions`` are those of the period before, as free
    text; ``action_list`` the stored action rows reported for the period
    (:meth:`perfkit.store.store.Store.actions`), each a dict with ref, action, owner, due,
    status, progress and ``overdue``: still open after its due date at the period's end).
    """
    own = {c: commentary_period(catalogue[c].freq, p) for c, p in reported.items()}
    before = {c: commentary_period(catalogue[c].freq, p.prev()) for c, p in reported.items()}
    rows = obs[obs["area_code"].eq(area) & obs["indicator"].isin(list(reported))]
    same = lambda wanted: [p == wanted.get(c) for c, p in zip(rows["indicator"], rows["period"])]  # noqa: E731 - Periods, freq and all
    now = rows[same(own)].set_index("indicator")
    then = rows[same(before)].set_index("indicator")
    out = pd.DataFrame(index=pd.Index(list(reported), name="indicator"))
    text = lambda s: s.where(s.notna() & s.astype(str).str.strip().ne(""), None) if len(s) else s  # noqa: E731
    out["headline"] = text(now["headline"]) if len(now) and "headline" in now else None
    out["commentary"] = text(now["commentary"]) if len(now) else None
    out["actions"] = text(now["actions"]) if len(now) else None
    out["commentary_period"] = pd.Series(own)
    out["commentary_value"] = now["value"] if len(now) else None
    out["commentary_status"] = now["status"] if len(now) else None
    out["withheld_words"] = now["withheld_words"] if len(now) and "withheld_words" in now else None
    out["previous_actions"] = text(then["actions"]) if len(then) else None
    out["previous_actions_period"] = pd.Series(before)
    out["action_list"] = pd.Series({c: _action_list(actions, area, c, p) for c, p in own.items()}, dtype=object)
    return out[COMMENTARY_COLUMNS]


def _action_list(actions: pd.DataFrame | None, area: str, code: str, period: Period) -> tuple[dict, ...]:
    if actions is None or actions.empty:
        return ()
    mine = actions[actions["indicator"].eq(code) & actions["area_code"].eq(area)]
    mine = mine[[p == period for p in mine["period"]]]
    return tuple({**{k: r[k] for k in ("ref", "action", "owner", "due", "status", "progress")},
                  "overdue": r["status"] in OPEN_ACTIONS and r["due"] < period.end} for r in mine.to_dict("records"))


def commentary_checks(card: pd.DataFrame) -> list[str]:
    """Commentary that contradicts the RAG it sits beside, for the team to query.

    Uses the scorecard's ``commentary`` and ``commentary_rag`` (the RAG of the period the
    commentary describes). Returns one sentence per problem.

    >>> card = pd.DataFrame({"indicator": ["A", "B", "C"], "commentary": ["Performance is below target.", "On target.", None],
    ...                      "commentary_rag": ["green", "red", "red"], "commentary_period": ["2026-03"] * 3})
    >>> commentary_checks(card)
    ["A: commentary for 2026-03 says the target was missed, but the figure is green ('Performance is below target.')", "B: commentary for 2026-03 says the target was met, but the figure is red ('On target.')"]
    """
    found = []
    for _, r in card.iterrows():
        held = r.get("withheld_words")
        if may_reveal(held):
            shown = "published in this paper (params: withheld_commentary: publish): check it reveals nothing" \
                if r["commentary"] != WITHHELD_WORDS else "withheld from this public paper"
            found.append(f"{r['indicator']}: the owner's words for {r['commentary_period']} sit beside a withheld figure and hold "
                         f"a number or a name; {shown}")
        words = r["commentary"]
        if not isinstance(words, str):
            continue
        snippet = words if len(words) <= 80 else words[:77] + "..."
        if r["commentary_rag"] == "green" and _SAYS_MISSED.search(words):
            found.append(f"{r['indicator']}: commentary for {r['commentary_period']} says the target was missed, but the figure is green ({snippet!r})")
        elif r["commentary_rag"] in OFF_TARGET and _SAYS_MET.search(words) and not _SAYS_MISSED.search(words):
            found.append(f"{r['indicator']}: commentary for {r['commentary_period']} says the target was met, but the figure is {r['commentary_rag']} ({snippet!r})")
    return found
