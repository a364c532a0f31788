"""The demo council: deterministic, fictional, realistic, and complete enough to report on."""

import re

import pandas as pd

from perfkit.config.catalogue import Unit
from perfkit.scaffold.demo import write_demo_files
from perfkit.store.store import Store


def test_same_seed_same_bytes_other_seed_other_values(tmp_path, catalogue, council, demo_files):
    again = write_demo_files(catalogue, council, tmp_path / "again")
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in demo_files]
    other = write_demo_files(catalogue, council, tmp_path / "other", seed=7)
    assert [p.read_bytes() for p in other] != [p.read_bytes() for p in demo_files]


def test_demo_store_has_what_reports_need(demo_store_master, catalogue, council):
    with Store(demo_store_master, read_only=True) as db:
        obs = db.observations()
    inds = catalogue.to_frame()
    assert len(inds) >= 40 and inds["directorate"].nunique() >= 4
    assert {"monthly", "quarterly", "annual"} <= set(inds["frequency"])
    from perfkit.scaffold.demo import SIMULATION

    assert set(obs["indicator"]) == set(SIMULATION) and set(SIMULATION) <= set(inds["indicator"])  # every demo indicator has data
    years = {p.financial_year.label for p in obs["period"]}
    assert years == {"2021/22", "2022/23", "2023/24", "2024/25", "2025/26"}
    areas = set(obs["area_code"])
    assert len(areas - {council.area_code, "E92000001"}) == 15 and "E92000001" in areas  # 15 neighbours and England
    # fictional: no real ONS code shape (a letter and eight digits), apart from England's own national figures
    assert not any(re.fullmatch(r"[EWSNK]\d{8}", a) for a in areas - {"E92000001"})
    statuses = obs["status"].value_counts()
    for status in ("ok", "provisional", "suppressed", "missing"):
        assert statuses.get(status, 0) > 0, status
    home = obs[obs["area_code"] == council.area_code]
    assert home["commentary"].notna().sum() >= 5 and home["actions"].isna().all()  # actions are rows of their own
    with Store(demo_store_master, read_only=True) as db:
        actions = db.actions()
    assert len(actions) >= 50 and set(actions["area_code"]) == {council.area_code}
    assert {"on track", "at risk", "complete", "dropped"} <= set(actions["status"]) and actions["owner"].str.len().gt(3).all()
    raised = actions.groupby(["indicator", "ref"]).agg(first=("period_start", "min"), due=("due", "first"))
    assert (raised["due"] > raised["first"]).all()  # due after the period it was raised in
    assert home.loc[home["status"] == "provisional", "period"].map(lambda p: p.financial_year.label).eq("2025/26").all()


def test_values_stay_within_each_units_real_range(demo_store_master, catalogue):
    with Store(demo_store_master, read_only=True) as db:
        obs = db.observations()
    units = obs["indicator"].map({c: i.unit for c, i in catalogue.items()})
    pct = obs.loc[units == Unit.PERCENT, "value"].dropna()
    assert pct.between(0, 100).all()
    assert (obs.loc[units != Unit.GBP, "value"].dropna() >= 0).all()
    # realistic levels, not just in range
    median = obs.groupby("indicator")["value"].median()
    assert 15 < median["CS_REREF"] < 30 and 300 < median["ASC_ADMIT_65"] < 900 and 90 < median["HSG_RENT"] <= 100
    assert 10 < median["RES_HB_NEW_DAYS"] < 30
    # rates carry the counts they were computed from
    rates = obs[obs["indicator"] == "CS_REREF"].dropna(subset=["value"])
    recomputed = rates["numerator"] / rates["denominator"] * 100
    assert ((rates["value"] - recomputed).abs() < 0.05 + 1e-9).all()


def test_suppressed_values_are_never_stored_as_numbers(demo_store_master):
    with Store(demo_store_master, read_only=True) as db:
        obs = db.observations()
    hidden = obs[obs["status"].isin(["suppressed", "missing"])]
    assert not hidden.empty
    assert hidden[["value"]].isna().all().all()
    assert pd.Series(hidden["status_reason"]).notna().all()
