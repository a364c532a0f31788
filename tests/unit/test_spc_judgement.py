"""SPC only where it means something, and direction of travel with materiality (issue 22,
findings 8 and 9).

Finding 8: SPC ran on cumulative year-to-date series (rent "Green" beside "SPC: improving;
will fail"), and the data check called a figure "unusual" that was exactly on its target or
printed the same as the limit it crossed (98.10% against 98.09%). Finding 9: "20 improved, 20
worsened" counted moves that SPC calls common-cause variation. Each test reads what the paper
(or the data check the paper prints) says.
"""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest
import yaml

from perfkit.config.catalogue import load_catalogue
from perfkit.config.council import load_council
from perfkit.config.papers import load_params
from perfkit.errors import ConfigError
from perfkit.periods import parse_period
from perfkit.store.store import Store

from ..helpers import HOME, PARAMS, ROOT

Q4 = parse_period("2025/26 Q4")


# ----- helpers ------------------------------------------------------------------------------


def row_text(html: str, code: str) -> str:
    """The words of an indicator's figures row in a scorecard's HTML (its charts left out)."""
    found = re.search(rf"<tr class='figures'[^>]*data-key='{code}'>(.*?)</tr>", html, re.S)
    assert found, f"no scorecard row for {code}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"<svg.*?</svg>", "", found.group(1), flags=re.S)))


def direction_words(row: str) -> list[str]:
    """'Improved', 'No significant change' ... of a row, in order (vs the previous period, then a year ago)."""
    return re.findall(r"(Improved|Worsened|No significant change|No change|Up|Down|Withheld|Not comparable) on ", row)


@pytest.fixture(scope="module")
def papers(demo_store_master):
    """The demo's 2025/26 Q4 directorate papers, by slug."""
    from perfkit.report.directorate import DirectoratePaper

    return {slug: DirectoratePaper.load(slug, Q4, store=demo_store_master, root=ROOT)
            for slug in ("housing", "resources", "adult-social-care", "childrens-services")}


def crafted(demo_store_master, code: str, values: list[float]) -> pd.DataFrame:
    """The council's stored rows of ``code`` cut to its last ``len(values)`` months, with ``values``."""
    with Store(demo_store_master, read_only=True) as db:
        rows = db.observations([code], [HOME])
    rows = rows[rows["period_type"].eq("month")]  # its figures (not the quarters' words rows)
    rows = rows.sort_values("period_start").tail(len(values)).copy()
    assert rows["period"].iloc[-1] == parse_period("2026-03")
    rows["value"], rows["status"] = values, "ok"
    rows["numerator"], rows["denominator"] = [v * 10 for v in values], 1000.0
    return rows


#: A steady monthly process (93%, 94%, ...: mean about 93.6, limits about 91.0 to 96.3).
STEADY = [93.0 if i % 2 == 0 else 94.0 for i in range(23)]


def icon_and_check(demo_store_master, last: float) -> tuple[str, list[str]]:
    """What the Housing scorecard says of emergency repairs (target 98%) and what the data check
    says is unusual about it, when its series is :data:`STEADY` then ``last`` in March 2026."""
    from perfkit.report.shell import spc_icons
    from perfkit.returns.chase import check

    params, council = load_params(PARAMS), load_council(PARAMS)
    rows = crafted(demo_store_master, "HSG_EMERG", [*STEADY, last])
    icon = spc_icons(rows, params.catalogue["HSG_EMERG"], HOME, Q4)
    found = check(params, council, rows, Q4, ["housing"], today=Q4.end).findings
    unusual = found[found["indicator"].eq("HSG_EMERG") & found["issue"].eq("unusual")]
    return icon, unusual["detail"].tolist()


# ----- the catalogue says which series suit SPC -----------------------------------------------


def test_the_catalogue_says_which_series_suit_spc(tmp_path):
    catalogue = load_catalogue(PARAMS)
    assert [c for c in ("HSG_RENT", "RES_NNDR", "RES_CTAX") if catalogue[c].spc] == []  # cumulative year to date
    assert all(catalogue[c].spc for c in ("HSG_DECENT", "ASC_ADMIT_18_64"))  # annual: a process series of years
    assert catalogue["HSG_TA"].spc and catalogue["HSG_EMERG"].spc
    params = tmp_path / "params"
    shutil.copytree(PARAMS, params)
    path = params / "indicators" / "housing.yaml"
    data = yaml.safe_load(path.read_text())
    entry = next(e for e in data["indicators"] if e["code"] == "HSG_RENT")
    entry["spc"] = True
    next(e for e in data["indicators"] if e["code"] == "HSG_TA")["spc"] = False
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    edited = load_catalogue(params)
    assert edited["HSG_RENT"].spc and not edited["HSG_TA"].spc
    entry["spc"] = "sometimes"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(ConfigError) as info:
        load_catalogue(params)
    assert all(f in str(info.value) for f in ("housing.yaml", "HSG_RENT", "'spc'"))


# ----- finding 8: no SPC on a year-to-date series ----------------------------------------------


def test_a_year_to_date_figure_has_no_spc_and_is_not_called_unusual(papers):
    housing, resources = papers["housing"], papers["resources"]
    rent = row_text(housing.scorecard().html(), "HSG_RENT")
    assert "Green" in rent and "SPC" not in rent and "Unusual" not in rent  # was "SPC: improving; will fail"
    assert "SPC: concern" in row_text(housing.scorecard().html(), "HSG_TA")  # a process series keeps its SPC
    card = resources.scorecard().html()
    for code in ("RES_NNDR", "RES_CTAX"):
        assert "SPC" not in row_text(card, code) and "Unusual" not in row_text(card, code), code
    for paper in (housing, resources):
        unusual = paper.quality.findings[paper.quality.findings["issue"].eq("unusual")]
        assert not unusual["indicator"].isin(["HSG_RENT", "RES_NNDR", "RES_CTAX"]).any(), unusual.to_string()


def test_a_cumulative_series_is_judged_on_each_periods_own_figure_or_not_at_all(catalogue):
    from perfkit.assess.spc_judgement import process_series
    from perfkit.report.shell import spc_icons

    rent = catalogue["HSG_RENT"].model_copy(update={"spc": True})  # a council asks for SPC on it
    months = parse_period("2024-04").range_to(parse_period("2026-03"))
    collected = [(900 + 10 * (i % 3)) for i in range(24)]  # each month's own collection, of 1,000 due
    running, ytd = [], 0
    for month, got in zip(months, collected):
        ytd = got if month.start.month == 4 else ytd + got
        running.append(ytd)
    due = [1000.0 * ((m.start.month - 4) % 12 + 1) for m in months]
    rows = pd.DataFrame({"indicator": "HSG_RENT", "area_code": HOME, "period": months, "status": "ok",
                         "value": [r / d * 100 for r, d in zip(running, due)], "numerator": running, "denominator": due})
    own = process_series(rows, rent, HOME, Q4.end)
    assert own["value"].round(6).tolist() == [c / 10 for c in collected]  # 90%, 91%, 92%: not the year to date
    assert spc_icons(rows, rent, HOME, Q4).startswith("SPC of each month's own figure: ")
    without_counts = rows.assign(numerator=None, denominator=None)
    assert process_series(without_counts, rent, HOME, Q4.end)["value"].count() == 2  # only each April's
    assert spc_icons(without_counts, rent, HOME, Q4) == ""  # says nothing
    assert spc_icons(rows, catalogue["HSG_RENT"], HOME, Q4) == ""  # the catalogue's default: no SPC on a year to date


# ----- finding 8: the paper's words judge the latest point -------------------------------------


def test_a_point_exactly_on_target_is_not_unusual(demo_store_master):
    from perfkit.assess.spc import spc

    assert spc([*STEADY, 98.0], "higher").points["rule"].iloc[-1] == "outside limits"  # SPC itself is unchanged
    icon, unusual = icon_and_check(demo_store_master, 98.0)
    assert icon.startswith("SPC: common cause") and unusual == []


def test_a_point_that_prints_as_its_limit_is_not_unusual(demo_store_master):
    from perfkit.assess.spc import spc

    last = spc([*STEADY, 96.564], "higher").points.iloc[-1]
    assert last["rule"] == "outside limits" and f"{last['upl']:.1f}" == "96.6"  # outside by 0.001: both print 96.6%
    icon, unusual = icon_and_check(demo_store_master, 96.564)
    assert icon.startswith("SPC: common cause") and unusual == []
    # a point that is clearly outside (97.0% against 96.3%) is still special cause, and queried
    icon, unusual = icon_and_check(demo_store_master, 97.0)
    assert icon.startswith("SPC: improving")
    assert unusual == ["97.0% is outside the SPC process limits (91.0% to 96.3%)"]


# ----- finding 9: direction of travel with materiality -----------------------------------------


def test_direction_is_significant_only_where_spc_or_the_threshold_says_so():
    from perfkit.assess.direction import direction

    s = lambda *v: pd.Series(v)  # noqa: E731
    moved = direction(s(89.1, 89.1, 95.0, 95.0, 89.1), s(89.3, 89.3, 90.0, 90.0, 89.3), s(*["higher"] * 5),
                      decimals=1, signal=s("", None, "high", "low", "low"))
    # common cause; no SPC and no threshold; special cause on the side it moved; on the other side; a fall SPC flags low
    assert moved.tolist() == ["no significant change", "worsened", "improved", "no significant change", "worsened"]
    assert direction(s(98.7), s(97.7), s("higher"), threshold=1.0, signal=s(None)).tolist() == ["no significant change"]


def test_moves_spc_calls_common_cause_are_no_significant_change(papers):
    rft = row_text(papers["housing"].scorecard().html(), "HSG_RFT")  # 89.3% to 89.1%: was "Worsened"
    assert "SPC: common cause" in rft and direction_words(rft) == ["No significant change", "No significant change"]
    for slug, paper in papers.items():
        html = paper.scorecard().html()
        tally = {"improved": 0, "no significant change": 0, "worsened": 0, "withheld": 0}
        for code in paper.card["indicator"]:
            row = row_text(html, code)
            words = direction_words(row)
            assert "No change" not in words, (slug, code)
            if "SPC: common cause" in row:
                assert set(words) <= {"No significant change", "Not comparable", "Withheld"}, (slug, code, row)
            if words and words[0].lower() in tally:
                tally[words[0].lower()] += 1
        said = re.search(r"Compared with the previous period: ([^<]*)\.", paper.background().html()).group(1)
        assert said == ", ".join(f"{n} {k}" for k, n in tally.items() if n), slug


def test_the_overview_counts_say_no_significant_change(demo_store_master):
    from perfkit.report.overview import CorporateOverview

    overview = CorporateOverview.load(Q4, store=demo_store_master, root=ROOT)
    said = re.search(r"Since the previous period (\d+) improved, (\d+) showed no significant change and (\d+) worsened\.",
                     overview.headlines().html())
    assert said, overview.headlines().html()
    moved = overview.card["direction_previous"].value_counts()
    assert [int(n) for n in said.groups()] == [moved.get(k, 0) for k in ("improved", "no significant change", "worsened")]
    assert int(said.group(2)) > int(said.group(1)) + int(said.group(3))  # most moves are common-cause variation
    assert "<th scope='col' role='columnheader'>No significant change</th>" in overview.counts().html()
