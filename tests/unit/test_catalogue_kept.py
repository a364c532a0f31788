"""A large catalogue is read from YAML and checked once, then kept (perfkit.config.checked):
what is kept is what was checked, a change to any file it was read from is seen at once, a
kept file that is damaged or planted is never trusted, and a project that cannot be written
still loads. Real params (the repo's, with copies of its indicators added), no mocks."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml

from perfkit.config.catalogue import load_catalogue
from perfkit.config.checked import FOLDER, KEEP_FROM
from perfkit.errors import ConfigError

from ..helpers import PARAMS


def _copies(params, n: int) -> None:
    """Add ``n`` copies of the repo's indicators (each with a code of its own) to ``params``."""
    shipped = [e for f in sorted((params / "indicators").glob("*.yaml")) for e in yaml.safe_load(f.read_text())["indicators"]]
    copies = [{**e, "code": f"CP{i:05d}", "title": f"{e['title']} (copy {i})"} for i, e in zip(range(n), shipped * (n // len(shipped) + 1))]
    (params / "indicators" / "zz_copies.yaml").write_text(yaml.safe_dump({"indicators": copies}, sort_keys=False))


@pytest.fixture()
def big(tmp_path):
    params = tmp_path / "params"
    shutil.copytree(PARAMS, params)
    _copies(params, KEEP_FROM)
    return params


def kept_files(params):
    return sorted((params.parent / FOLDER).glob("catalogue-*.jsonl"))


def test_a_large_catalogue_is_kept_as_checked(big):
    first = load_catalogue(big)
    assert len(kept_files(big)) == 1
    again = load_catalogue(big)
    assert list(again) == list(first)
    for code in ("HSG_RENT", "CS_CLA_RATE", "CP00001", f"CP{KEEP_FROM - 1:05d}"):
        assert repr(again[code]) == repr(first[code])  # the same values of the same types (enums, targets)
    assert again["HSG_RENT"].unit is first["HSG_RENT"].unit and again.groups == first.groups and again.calendar == first.calendar
    assert again.to_frame().equals(first.to_frame())


def test_a_change_to_any_file_read_is_seen(big):
    load_catalogue(big)
    path = big / "indicators" / "housing.yaml"
    path.write_text(path.read_text().replace("Households in temporary accommodation", "Households in TA"))
    assert load_catalogue(big)["HSG_TA"].title == "Households in TA"
    assert len(kept_files(big)) == 1  # the older one replaced
    calendar = big / "calendar.yaml"
    calendar.write_text(calendar.read_text().replace("first_year: 2021/22", "first_year: 2023/24"))
    with pytest.raises(ConfigError, match="outside the calendar"):  # checked again, not taken from what was kept
        load_catalogue(big)


def test_a_damaged_or_planted_kept_file_is_not_trusted(big):
    load_catalogue(big)
    [kept] = kept_files(big)
    lines = kept.read_text().splitlines()
    head = json.loads(lines[0])
    planted = [json.dumps({**head, "key": "0" * 64}), *lines[1:]]  # another key: not for these params
    kept.write_text("\n".join(planted) + "\n")
    assert load_catalogue(big)["HSG_TA"].title == "Households in temporary accommodation"
    kept = kept_files(big)[0]
    code, entry = kept.read_text().splitlines()[1].split("\t", 1)
    bad = kept.read_text().replace(entry, json.dumps({**json.loads(entry), "unit": "furlongs"}), 1)
    kept.write_text(bad)
    assert load_catalogue(big)[code].unit is not None  # a planted value is validated when used, and never taken on trust
    assert load_catalogue(big)[code] == load_catalogue(PARAMS)[code]
    kept.write_text("not json\n")
    assert load_catalogue(big)[code].code == code


def test_a_small_catalogue_is_not_kept_and_a_read_only_project_still_loads(tmp_path):
    params = tmp_path / "params"
    shutil.copytree(PARAMS, params)
    load_catalogue(params)
    assert not (tmp_path / FOLDER).exists()  # the demo's 50 indicators: nothing written beside them
    _copies(params, KEEP_FROM)
    (tmp_path / FOLDER).write_text("a file where the folder would be: nothing can be kept in it")
    assert len(load_catalogue(params)) > KEEP_FROM
    assert (tmp_path / FOLDER).read_text().startswith("a file where")


def test_one_indicator_of_a_large_catalogue_is_assessed_alone(big, demo_store):
    """The scorecard of one indicator looks at that indicator (its catalogue cut to it), and
    says the same as on the whole catalogue."""
    from perfkit.assess import scorecard
    from perfkit.periods import parse_period
    from perfkit.store.store import Store

    with Store(demo_store, read_only=True) as db:
        obs = db.observations(released=True)
    cat = load_catalogue(big)
    one = scorecard(obs, cat, parse_period("2025/26 Q2"), "ZZ0000001", ["HSG_TA"])
    every = scorecard(obs, load_catalogue(PARAMS), parse_period("2025/26 Q2"), "ZZ0000001")
    assert one.drop(columns=["parts"]).iloc[0].equals(every[every["indicator"].eq("HSG_TA")].drop(columns=["parts"]).iloc[0])
