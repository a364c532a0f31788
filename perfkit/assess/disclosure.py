"""Disclosure control for public reports: small numbers never leave perfkit.

A public report reads its rows through :func:`suppress_small_numbers` before anything is
assessed, charted or displayed, so no HTML, PDF or executed notebook holds the number.

- Primary: a count from 1 to ``threshold - 1`` (default 1-4), and any row whose numerator
  or denominator is that small (a rate built from it), becomes "suppressed" ("withheld" to
  readers). The row keeps the range the hidden value is known to lie in
  (``withheld_low``, ``withheld_high``: 1 to 4 for a count, 1 to 4 cases over the
  denominator for a rate), so a RAG or direction of travel that is the same anywhere in that
  range can still be shown without revealing the number.
- The owner's commentary and actions on a withheld row (withheld here or by the publisher)
  are shown unless they hold a digit or a name-like word (:func:`may_reveal`): such words
  may quote the number or name the people, so the whole text is withheld and the reader is
  told it exists. A paper's params may say ``withheld_commentary: publish``; the build then
  flags the words that hold digits or names.
- Secondary: an aggregate that includes a suppressed part is itself suppressed (see
  :mod:`perfkit.assess.aggregate`), so a suppressed month cannot be recovered from its
  quarter or year; :func:`secondary_suppression` does the same for a table of parts and
  its total, hiding the next smallest part when only one part is hidden.
Zero is not suppressed, and suppressed is never zero.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from perfkit.config.catalogue import Catalogue

__all__ = ["DEFAULT_THRESHOLD", "WITHHELD_WORDS", "may_reveal", "secondary_suppression", "suppress_small_numbers", "withheld_reason", "withhold_actions"]

DEFAULT_THRESHOLD = 5
#: What a public report shows in place of commentary or actions written about a withheld figure.
WITHHELD_WORDS = "Withheld with the figure: the owner's words quote a number or a name, so they are not published."

# words that could identify people behind a small number: any figure, or a title and a name
_DIGITS = re.compile(r"\d")
_NAME = re.compile(r"\b(Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+[A-Z]")


def may_reveal(words: object) -> bool:
    """Whether an owner's words about a withheld figure could reveal it: a digit, or a title and a name.

    >>> may_reveal("3 families placed"), may_reveal("Mrs J Smith's team"), may_reveal("Placements are being sought.")
    (True, True, False)
    """
    return isinstance(words, str) and bool(_DIGITS.search(words) or _NAME.search(words))


def suppress_small_numbers(
    rows: pd.DataFrame, catalogue: Catalogue, threshold: int = DEFAULT_THRESHOLD, publish_words: bool = False
) -> pd.DataFrame:
    """A copy of stored ``rows`` with small counts and the rates built from them suppressed.

    The owner's commentary and actions on a withheld row (suppressed here or by the
    publisher) are withheld too where either holds a digit or a name (:func:`may_reveal`),
    unless ``publish_words`` (a paper's params say ``withheld_commentary: publish``); either
    way the words are kept in ``withheld_words`` for :func:`perfkit.assess.commentary.commentary_checks`."""
    out = rows.copy()
    units = out["indicator"].map({c: i.unit.value for c, i in catalogue.items()})
    small = lambda s: s.ge(1) & s.lt(threshold)  # noqa: E731
    live = out["status"].isin(["ok", "provisional"])
    mask = live & ((units.eq("count") & small(out["value"])) | small(out["numerator"]) | small(out["denominator"]))
    mult = out["indicator"].map({c: i.unit.multiplier for c, i in catalogue.items()}).astype(float)
    count = units.eq("count") & small(out["value"])
    by_cases = ~count & small(out["numerator"]) & out["denominator"].ge(threshold)
    low = np.select([count, by_cases], [1.0, mult / out["denominator"]], default=np.nan)
    high = np.select([count, by_cases], [threshold - 1.0, (threshold - 1) * mult / out["denominator"]], default=np.nan)
    out["withheld_low"] = pd.Series(low, index=out.index).where(mask)
    out["withheld_high"] = pd.Series(high, index=out.index).where(mask)
    out.loc[mask, ["value", "numerator", "denominator"]] = np.nan
    out.loc[mask, "status"] = "suppressed"
    out.loc[mask, "status_reason"] = withheld_reason(threshold)
    # the owner's words about a withheld figure may quote it ("3 families this quarter") or
    # name the people counted: then they all go with it
    held = out["status"].eq("suppressed")
    columns = [c for c in ("headline", "commentary", "actions") if c in out]
    words = pd.Series("", index=out.index)
    said = {}
    for column in columns:
        said[column] = out[column].notna() & out[column].astype(str).str.strip().ne("")
        words = words.where(~(held & said[column]), (words + " " + out[column].astype(str)).str.strip())
    revealing = held & words.map(may_reveal)
    if not publish_words:
        for column in columns:
            out.loc[revealing & said[column], column] = WITHHELD_WORDS
    out["withheld_words"] = words.where(words.ne(""), None)
    return out


def withhold_actions(actions: pd.DataFrame | None, rows: pd.DataFrame, publish_words: bool = False) -> pd.DataFrame | None:
    """A copy of stored action rows where an action reported beside a withheld figure (a row of
    ``rows`` suppressed, or a month of the quarter it is reported for) has its wording and
    progress withheld when either holds a digit or a name (:func:`may_reveal`), as the owner's
    commentary is; unless ``publish_words``."""
    if actions is None or actions.empty or publish_words:
        return actions
    held = rows[rows["status"].eq("suppressed")]
    keys = {(i, a, p.within("quarter") if p.freq.value == "month" else p) for i, a, p in zip(held["indicator"], held["area_code"], held["period"])}
    out = actions.copy()
    beside = pd.Series([(i, a, p) in keys for i, a, p in zip(out["indicator"], out["area_code"], out["period"])], index=out.index, dtype=bool)
    revealing = beside & (out["action"].map(may_reveal) | out["progress"].map(may_reveal))
    out.loc[revealing, ["action", "progress"]] = WITHHELD_WORDS
    return out


def withheld_reason(threshold: int) -> str:
    """Why a figure is withheld from a public report, in words for readers.

    >>> withheld_reason(5)
    'fewer than 5: small numbers are withheld from public reports'
    """
    return f"fewer than {threshold}: small numbers are withheld from public reports"


def secondary_suppression(parts: pd.Series, total: float, hidden: pd.Series) -> tuple[pd.Series, bool]:
    """Which parts of a total to hide so no hidden part can be worked out from the others.

    ``hidden`` flags the parts already suppressed. When exactly one part is hidden and the
    total is shown, the smallest other part is hidden too. Returns the new flags and
    whether the total may be shown.

    >>> flags, show_total = secondary_suppression(pd.Series([3, 10, 12]), 25, pd.Series([True, False, False]))
    >>> flags.tolist(), show_total
    ([True, True, False], True)
    """
    hidden = hidden.copy()
    if hidden.sum() == 1 and total == total:
        visible = parts[~hidden]
        if visible.empty:
            return hidden, False
        hidden[visible.idxmin()] = True
    return hidden, True
