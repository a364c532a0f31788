"""Issue 22, findings 6 and 7: ranks, medians and gaps as published; counts behind rates on a
small base, and a move of one on a small base is not a headline.

A scorecard on a small real DuckDB store (a comparator group of 16), read the way the
papers read it (:mod:`perfkit.report.wording`, the open-data CSV); each figure expected here
is worked out by hand from the rows written below.
"""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from perfkit.assess import notable_movements, scorecard
from perfkit.config.catalogue import Catalogue, ComparatorGroup, Indicator
from perfkit.formatting import format_value
from perfkit.ingest import ingest
from perfkit.periods import parse_period
from perfkit.render.open_data import DICTIONARY, open_data_files, open_data_records
from perfkit.report.wording import comparator_text, figure_text, previous_text
from perfkit.store.store import Store

from ..helpers import TODAY

HOME = "E09000001"
OTHERS = [f"E09{n:06d}" for n in range(2, 17)]  # 15 others: a group of 16 with the council
Q4 = "2025/26 Q4"
BASE = dict(definition="test", owner="o", directorate="D", service="s", source="src", framework="local")


def ind(code: str, unit: str, polarity: str, frequency: str = "quarterly", aggregation: str = "latest", **kw) -> Indicator:
    return Indicator(code=code, title=code.title(), unit=unit, polarity=polarity, frequency=frequency, aggregation=aggregation, **{**BASE, **kw})


CATALOGUE = Catalogue(
    {
        i.code: i
        for i in [
            ind("LD_EMPLOY", "%", "higher", comparator_group="grp"),
            ind("CLA_RATE", "rate per 10,000", "neutral", comparator_group="grp"),
            ind("ADMIT", "rate per 100,000", "lower", frequency="annual", aggregation="rate", comparator_group="grp"),
            ind("PLANS", "%", "higher", aggregation="rate"),
            ind("VISITS", "%", "higher", aggregation="rate"),
            ind("RELET", "days", "lower", aggregation="rate"),
        ]
    },
    groups={"grp": ComparatorGroup(code="grp", name="Test neighbours", members={a: a for a in [HOME, *OTHERS]})},
)

#: LD_EMPLOY: the council's 6.86% and two others' 6.94% and 6.9% all print 6.9%: on exact
#: figures it is 5th of 14 (quartile 2); as shown, joint 3rd (quartile 1). Two have no figure.
#: The median is of the shown figures: 5.8 and 5.9 in the middle, 5.85, "5.9".
LD = [6.86, 8.0, 7.5, 6.94, 6.9, 6.0, 5.9, 5.8, 5.7, 5.6, 5.5, 5.4, 5.3, 5.2]
#: CLA_RATE: 16 figures whose middle two are 59.5 and 59.6: the median is 59.55, "59.6"
#: rounded half-up (Python prints 59.55 as "59.5"); the council's 81.0 is the highest.
CLA = [81.0, 70.0, 66.04, 66.0, 64.0, 62.0, 61.0, 59.6, 59.5, 58.0, 57.0, 56.0, 55.0, 54.0, 53.0, 52.0]
#: ADMIT per 100,000: the council's 26 of 159,752 (16.3) after 25 of 160,249 (15.6); others' figures
ADMIT_OTHERS = [10.0, 11.0, 12.0, 12.5, 13.0, 13.5, 14.0, 14.5, 15.0, 15.5, 17.0, 18.0, 19.0, 20.0, 21.0]


def _rows() -> str:
    lines = ["indicator,area_code,area_name,period,value,numerator,denominator"]
    areas = [HOME, *OTHERS]
    lines += [f"LD_EMPLOY,{a},{a},{Q4},{v},," for a, v in zip(areas, LD)]
    lines += [f"CLA_RATE,{a},{a},{Q4},{v},," for a, v in zip(areas, CLA)]
    lines += [f"ADMIT,{HOME},{HOME},2025/26,{26 / 159752 * 1e5},26,159752", f"ADMIT,{HOME},{HOME},2024/25,{25 / 160249 * 1e5},25,160249"]
    lines += [f"ADMIT,{a},{a},2025/26,{v},," for a, v in zip(OTHERS, ADMIT_OTHERS)]
    # PLANS moved because its base did (17 of 20, then 17 of 25): a headline; VISITS by one case of 39: not one
    lines += [f"PLANS,{HOME},{HOME},2025/26 Q3,85.0,17,20", f"PLANS,{HOME},{HOME},{Q4},68.0,17,25"]
    lines += [f"VISITS,{HOME},{HOME},2025/26 Q3,{10 / 39 * 100},10,39", f"VISITS,{HOME},{HOME},{Q4},{11 / 39 * 100},11,39"]
    lines += [f"RELET,{HOME},{HOME},2025/26 Q3,{1100 / 38},1100,38", f"RELET,{HOME},{HOME},{Q4},{938 / 35},938,35"]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def rows(tmp_path_factory) -> pd.DataFrame:
    folder = tmp_path_factory.mktemp("ranks")
    (folder / "rows.csv").write_text(_rows())
    ingest([folder / "rows.csv"], folder / "store.duckdb", CATALOGUE, today=TODAY)
    with Store(folder / "store.duckdb", read_only=True) as db:
        return db.observations(list(CATALOGUE))


def card(rows: pd.DataFrame, area: str = HOME) -> pd.DataFrame:
    return scorecard(rows, CATALOGUE, parse_period(Q4), area).set_index("indicator", drop=False)


def test_every_figure_is_rounded_half_up_as_a_person_rounds_it():
    assert format_value(59.55, "%", 1) == "59.6%"
    assert format_value(73.95, "rate per 10,000", 1) == "74.0 per 10,000"
    assert format_value(0.285 * 100, "%", 0) == "29%"  # 28.499999999999996 in binary
    assert format_value(-0.04, "%", 1) == "0.0%"  # never "-0.0%"


def test_figures_that_print_the_same_share_the_better_rank_and_quartile_as_joint(rows):
    row = card(rows).loc["LD_EMPLOY"]
    assert figure_text(row) == "6.9%"
    assert comparator_text(row) == "joint 3rd of 14, quartile 1 (median 5.9%) · Test neighbours, 2025/26 Q4"
    assert (row["rank"], row["rank_tied"], row["quartile"]) == (3, 3, 1)
    # a figure tied with none is not "joint": 7.5% is 2nd
    assert comparator_text(card(rows, OTHERS[1]).loc["LD_EMPLOY"]).startswith("2nd of 14, quartile 1 (")


def test_medians_are_of_the_shown_figures_rounded_half_up(rows):
    row = card(rows).loc["CLA_RATE"]
    assert row["group_median"] == 59.6
    assert "(median 59.6 per 10,000)" in comparator_text(row)


def test_a_neutral_indicator_has_a_position_never_a_rank_quartile_or_best(rows):
    assert comparator_text(card(rows).loc["CLA_RATE"]) == "highest of 16 (median 59.6 per 10,000) · Test neighbours, 2025/26 Q4"
    # 66.04 and 66.0 both print 66.0: joint 3rd highest; the lowest says so
    assert comparator_text(card(rows, OTHERS[1]).loc["CLA_RATE"]).startswith("joint 3rd highest of 16 (")
    assert comparator_text(card(rows, OTHERS[-1]).loc["CLA_RATE"]).startswith("lowest of 16 (")
    assert "quartile" not in comparator_text(card(rows, OTHERS[4]).loc["CLA_RATE"])


def test_the_open_data_leaves_a_neutral_indicators_rank_blank_and_says_so(rows):
    figures, dictionary = open_data_files(open_data_records(card(rows).reset_index(drop=True)))
    table = {r["indicator"]: r for r in csv.DictReader(io.StringIO(figures.decode("utf-8-sig")))}
    assert table["CLA_RATE"]["rank"] == "" and table["CLA_RATE"]["rank_of"] == "16"
    assert (table["LD_EMPLOY"]["rank"], table["LD_EMPLOY"]["rank_tied"]) == ("3", "3")
    meaning = dict(DICTIONARY)["rank"]
    assert "1 is best" in meaning and "Blank for a neutral indicator" in meaning
    assert "Blank for a neutral indicator" in dictionary.decode("utf-8-sig")


def test_a_gap_between_percentages_is_in_points_and_between_the_shown_figures():
    from perfkit.assess.benchmark import benchmark
    from perfkit.formatting import format_change

    assert format_change(3.7, "%", 1) == "+3.7 pts" and format_change(-3.7, "%", 1) == "-3.7 pts"
    assert format_change(2.05, "days", 1) == "+2.1 days" and format_change(-0.04, "%", 1) == "0.0 pts"
    values = pd.DataFrame({"area_code": list("ABCD"), "value": [10.04, 12.0, 8.0, 6.0], "status": ["ok"] * 4})
    got = benchmark(values, "A", "higher", {"all": set("ABCD")}, 1).iloc[0]
    # shown 10.0 against a median of 9.0 ((8.0 + 10.0) / 2): a gap of exactly 1.0, not 1.04
    assert (got["value"], got["median"], got["gap_to_median"]) == (10.0, 9.0, 1.0)
    assert format_change(got["gap_to_median"], "%", 1) == "+1.0 pts"


def test_counts_are_shown_beside_any_rate_or_average_on_a_small_base(rows):
    c = card(rows)
    admit = c.loc["ADMIT"]
    assert figure_text(admit, 100) == "16.3 per 100,000 (26 of 159,752)"
    assert previous_text(admit, 100) == "15.6 per 100,000 (25 of 160,249)"
    assert figure_text(admit, 20) == "16.3 per 100,000"  # 26 admissions are not a small base under 20
    assert figure_text(c.loc["RELET"], 100) == "26.8 days (938 days over 35)"
    assert figure_text(c.loc["VISITS"], 100) == "28.2% (11 of 39)"


def test_a_move_of_one_on_a_small_base_is_not_a_headline(rows):
    c = card(rows).reset_index(drop=True)
    admit = c.set_index("indicator").loc["ADMIT"]
    assert admit["direction_previous"] == "worsened"  # the scorecard still says so, with both counts beside it
    moves = notable_movements(c, count=5, small=100)
    assert "ADMIT" not in set(moves["indicator"]) and "VISITS" not in set(moves["indicator"])
    assert "PLANS" in set(moves["indicator"])  # 85.0% to 68.0% as 5 more cases were decided: a headline
    on_a_big_base = notable_movements(c, count=5, small=20)  # 26 admissions are not few when small is 20
    assert "ADMIT" in set(on_a_big_base["indicator"])
