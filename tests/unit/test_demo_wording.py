"""The demo's own words: what the fictional council's owners write and the papers it cites (issue 22, finding 11)."""

import csv
import re

from perfkit.config.catalogue import Polarity

from ..helpers import HOME, PARAMS, ROOT

_SAYS_UNDER = re.compile(r"\b(below|short of|shortfall|under)\b", re.I)


def _home_rows(files):
    """The home council's rows of figures and words, each marked ``missed`` where its period has an
    open action (the demo raises one where a figure missed its target, and carries it while it does)."""
    actions = next(p for p in files if p.name == "demo_actions.csv")
    with actions.open(encoding="utf-8") as f:
        missed = {(r["indicator"], r["period"]) for r in csv.DictReader(f) if r["status"] not in ("complete",)}
    for path in files:
        if path != actions:
            with path.open(encoding="utf-8") as f:
                yield from ({**r, "missed": (r["indicator"], r["period"]) in missed} for r in csv.DictReader(f) if r["area_code"] == HOME)


def test_missed_target_words_read_right_where_lower_is_better(demo_files, catalogue):
    """'Below target at 315 (target 300)' is wrong for a count where lower is better: 315 is above 300."""
    said = {}
    for row in _home_rows(demo_files):
        ind = catalogue[row["indicator"]]
        if row["commentary"] and ind.polarity is Polarity.LOWER and row["missed"]:  # the owner's words for a missed target
            said[(row["indicator"], row["period"])] = row["commentary"]
    assert len(said) >= 10, "the demo should have lower-is-better indicators off target, with the owners' words"
    wrong = {k: v for k, v in said.items() if _SAYS_UNDER.search(v)}
    assert not wrong, f"lower-is-better figures described as below or short of their target: {wrong}"
    assert said[("HSG_TA", "2024/25 Q3")].startswith("Off target at 483 (target: no more than 400).")


def test_higher_is_better_words_still_say_below(demo_files, catalogue):
    higher = [r["commentary"] for r in _home_rows(demo_files)
              if r["missed"] and catalogue[r["indicator"]].polarity is Polarity.HIGHER]
    assert any(c.startswith("Below target at ") for c in higher) and any(c.startswith("Short of target at ") for c in higher)


def test_the_demo_cites_mhclg_not_its_old_name():
    """The department has been MHCLG since July 2024; the demo's params and generator must not say DLUHC."""
    files = [*PARAMS.rglob("*.yaml"), *(ROOT / "perfkit" / "scaffold").rglob("*.py"), *(ROOT / "examples").rglob("*.yaml")]
    assert len(files) > 10
    old = [str(p.relative_to(ROOT)) for p in files if "DLUHC" in p.read_text(encoding="utf-8")]
    assert not old, f"DLUHC (MHCLG since 2024) in {old}"
    assert "MHCLG" in (PARAMS / "directorates" / "housing.yaml").read_text(encoding="utf-8")
