"""Many councils, not one (issue 22): a seed other than the default gives the demo council
another shape, deterministically, and every shape is valid for ingest."""

from __future__ import annotations

import csv
import re
import shutil
from collections import defaultdict
from pathlib import Path

import pytest

from perfkit.config.catalogue import Freq, Polarity, Unit, load_catalogue
from perfkit.config.council import load_council
from perfkit.errors import ConfigError
from perfkit.ingest import ingest
from perfkit.periods import parse_period
from perfkit.scaffold.demo import SIMULATION, write_demo_files, write_demo_params
from perfkit.scaffold.shapes import DEFAULT_SEED, MARK, Shape, shape_for

from ..helpers import HOME, MANY_COUNCILS, PARAMS, TODAY

LAST = "2025/26"


def council_of(seed: int, folder: Path) -> tuple[Shape, list[Path], object]:
    """``perfkit demo --seed`` without the store: the seed's params and files in ``folder``."""
    shutil.copytree(PARAMS, folder / "params")
    shape = write_demo_params(folder / "params", seed)
    catalogue = load_catalogue(folder / "params")
    return shape, write_demo_files(catalogue, load_council(folder / "params"), folder / "data", seed), catalogue


def rows_of(files: list[Path]) -> dict[str, list[dict[str, str]]]:
    by_code = defaultdict(list)
    for path in files:
        if path.name == "demo_actions.csv":  # the actions file: rows of actions, not figures
            continue
        with path.open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                by_code[row["indicator"]].append(row)
    return by_code


def test_the_default_seed_is_the_shipped_council():
    assert shape_for(DEFAULT_SEED, SIMULATION) == Shape() and Shape().plain
    assert shape_for(DEFAULT_SEED, SIMULATION).describe() == "the shipped demo council"


def test_other_seeds_give_other_shapes_and_the_same_seed_the_same_bytes(tmp_path):
    one, files, _ = council_of(3, tmp_path / "one")
    again, same, _ = council_of(3, tmp_path / "again")
    other, different, _ = council_of(4, tmp_path / "other")
    assert one == again and not one.plain and other != one and one.describe() != other.describe()
    assert [p.read_bytes() for p in same] == [p.read_bytes() for p in files]
    assert [p.read_bytes() for p in different] != [p.read_bytes() for p in files]
    assert sorted(p.read_text() for p in (tmp_path / "again" / "params").rglob("*.yaml")) == \
        sorted(p.read_text() for p in (tmp_path / "one" / "params").rglob("*.yaml"))


def test_the_councils_ci_builds_cover_every_shape():
    shapes = [shape_for(seed, SIMULATION) for seed in MANY_COUNCILS]
    assert len(set(map(Shape.describe, shapes))) == len(shapes)
    assert len({s.annual for s in shapes if s.annual}) == 4  # each directorate annual-only in some council
    assert sum(bool(s.withheld) for s in shapes) >= 5 and sum(not s.withheld for s in shapes) >= 3
    assert all(s.neutral and s.small and s.gaps for s in shapes)
    assert sum(2 in s.ties.values() for s in shapes) >= 5  # three-way ties
    assert sum(bool(s.missing) for s in shapes) >= 10
    small = {c for s in shapes for c in s.small}
    assert {"CS_CLA_RATE", "ASC_ADMIT_65"} <= small  # a rate per 10,000 and one per 100,000 on a small base


@pytest.mark.parametrize("seed", [2, 12])
def test_a_seeds_council_has_its_shape_in_its_params_and_rows(tmp_path, seed):
    shape, files, catalogue = council_of(seed, tmp_path)
    assert shape.annual and shape.withheld
    rows = rows_of(files)
    home = {c: {r["period"]: r for r in rs if r["area_code"] == HOME} for c, rs in rows.items()}
    # the params: an annual-only directorate, neutral indicators with no target
    annual = [i for i in catalogue.values() if i.directorate == shape.annual]
    assert annual and all(i.freq is Freq.YEAR and not i.cumulative for i in annual)
    assert all(catalogue[c].polarity is Polarity.NEUTRAL and not catalogue[c].targets for c in shape.neutral)
    rewritten = {i.directorate for i in catalogue.values() if i.code in shape.neutral} | {shape.annual}
    assert (tmp_path / "params" / "indicators" / "housing.yaml").read_text().startswith(MARK) is ("Housing" in rewritten)
    # withheld off target: the year's last figure is 1-4 against a target of 0, and the owner's words quote no number
    for code in shape.withheld:
        year = sorted((parse_period(p) for p in home[code] if parse_period(p).financial_year == parse_period(LAST)))
        drawn = {p.label: shape.level(code, p, float("nan"), year[-1]) for p in year}  # the shape's own figures, not the simulation's
        assert {p: float(home[code][p]["value"]) for p in drawn if home[code][p]["value"]} == {p: v for p, v in drawn.items() if home[code][p]["value"]}
        assert 1 <= drawn[year[-1].label] <= 4 and catalogue[code].target_for(year[-1]).value == 0
    for code, by_period in home.items():
        for r in by_period.values():
            small = any(r.get(k) and r[k] not in "cx" and 1 <= float(r[k]) <= 4 for k in ("numerator", "denominator")) or (
                catalogue[code].unit is Unit.COUNT and r["value"] and 1 <= float(r["value"]) <= 4)
            assert not (small and re.search(r"\d", r["commentary"] + r["actions"])), (code, r)
    # small bases: a percentage's denominators under 100 a quarter, about 25 people behind a rate
    for code, size in shape.small.items():
        recent = [r for p, r in home[code].items() if r["denominator"] and parse_period(p).financial_year == parse_period(LAST)]
        assert recent, code
        if catalogue[code].unit is Unit.PERCENT:
            assert all(int(r["denominator"]) * (3 if catalogue[code].freq is Freq.MONTH else 1) < 100 for r in recent), (code, recent)
        else:
            assert all(5 <= int(r["numerator"]) <= 60 for r in recent), (code, recent)
    # ties: a neighbour shows the council's figure in the last year
    for code in shape.ties:
        mine = {r["period"]: r["value"] for r in home[code].values() if r["value"] and parse_period(r["period"]).financial_year == parse_period(LAST)}
        tied = {r["period"] for r in rows[code] if r["area_code"] not in (HOME, "E92000001") and mine.get(r["period"]) == r["value"]}
        assert len(tied) >= len(mine) / 2, (code, mine, tied)  # in most periods (a neighbour not published, or a small count, is left)
    # missing figures and gaps
    for code in shape.missing:
        assert any(r["status"] == "missing" and parse_period(p).financial_year == parse_period(LAST) for p, r in home[code].items()), code
    for code in shape.gaps:
        ind = catalogue[code]
        every = parse_period("2021/22").subperiods(ind.freq)[0].range_to(parse_period(LAST).subperiods(ind.freq)[-1])
        assert len([p for p in every if p.label not in home[code]]) >= 1, code
    # and every row is valid: ingest takes all of them
    reports = ingest(files, tmp_path / "store.duckdb", catalogue, today=TODAY)
    assert sum(r.result.added for r in reports) == sum(len(rs) for rs in rows.values())


def test_a_seed_never_rewrites_the_shipped_catalogue_or_one_edited_by_hand(tmp_path):
    with pytest.raises(ConfigError, match=r"perfkit's own demo catalogue.*empty folder"):
        write_demo_params(PARAMS, 7)
    write_demo_params(PARAMS, DEFAULT_SEED)  # the default seed leaves it as it is
    shape, _, _ = council_of(7, tmp_path)
    varied = sorted(p for p in (tmp_path / "params" / "indicators").glob("*.yaml") if p.read_text().startswith(MARK))
    assert varied  # seed 7 has neutral indicators
    write_demo_params(tmp_path / "params", DEFAULT_SEED)  # restores the shipped files
    for path in varied:
        assert path.read_text() == (PARAMS / "indicators" / path.name).read_text()
    varied[0].write_text(varied[0].read_text() + "\n# my own note\n")
    with pytest.raises(ConfigError, match="edited by hand"):
        write_demo_params(tmp_path / "params", 7)
