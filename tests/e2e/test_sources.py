"""Published files in through their shipped mappings, end to end: every local authority's C1
rate against the published percentage, `perfkit ingest --source` in a subprocess, and the
indicator profile notebook (papermill) on a real series."""

from __future__ import annotations

import shutil

import duckdb
import pandas as pd
import pytest

from perfkit.store.store import Store

from ..helpers import C1, PARAMS, PLANNING, ROOT, run_cli

pytestmark = pytest.mark.slow


def test_c1_rates_match_the_published_percentages(public_store, shared_data):
    raw = pd.read_csv(shared_data / C1, dtype=str, keep_default_na=False)
    la = raw[raw["geographic_level"] == "Local authority"]
    with Store(public_store, read_only=True) as db:
        obs = db.observations(["DFE_REREF"])
    checked = 0
    for _, r in la.iterrows():
        if not (r["rereferral_count"].isdigit() and r["referral_count"].isdigit()):
            continue
        year = int(r["time_period"])
        label = f"{year - 1}/{year % 100:02d}"  # reporting year 2025 = financial year 2024/25
        rows = obs[(obs["period"].map(lambda p: p.label) == label) & (obs["area_name"] == r["la_name"])]
        assert len(rows) == 1, (r["la_name"], label)
        row = rows.iloc[0]
        recomputed = row["numerator"] / row["denominator"] * 100
        assert (row["numerator"], row["denominator"]) == (int(r["rereferral_count"]), int(r["referral_count"]))
        assert round(recomputed + 1e-9, 1) == pytest.approx(float(r["rereferral_percent"]), abs=0.05 + 1e-9)
        checked += 1
    assert checked > 1900


def test_cli_ingest_with_a_named_source(tmp_path, shared_data):
    shutil.copytree(PARAMS, tmp_path / "params")
    run_cli(tmp_path, "ingest", "--source", "lginform_planning_major", str(shared_data / PLANNING))
    con = duckdb.connect(str(tmp_path / "data" / "perfkit.duckdb"), read_only=True)
    assert con.execute("SELECT source FROM batches").fetchall() == [("LG Inform major planning applications in time",)]


def test_indicator_profile_with_spc_for_a_real_series(tmp_path, public_store, monkeypatch):
    import nbformat
    import papermill

    shutil.copytree(PARAMS, tmp_path / "params")
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    monkeypatch.setenv("PERFKIT_HOME", str(tmp_path))
    out = tmp_path / "profile.ipynb"
    papermill.execute_notebook(
        str(tmp_path / "notebooks" / "indicator_profile.ipynb"), str(out), kernel_name="python3", progress_bar=False,
        parameters={"indicator": "DFE_REREF", "period": "2024/25", "area": "E08000009", "store": str(public_store)},
    )
    nb = nbformat.read(out, as_version=4)
    html = " ".join(o["data"]["text/html"] for c in nb.cells for o in c.get("outputs", []) if "text/html" in o.get("data", {}))
    assert "Indicator profile: Re-referrals to children&#x27;s social care within 12 months (DfE), Trafford, 2024/25" in html
    assert "SPC chart of 13 points" in html  # reporting years 2013 to 2025
    assert "Variation: " in html and "Assurance: no target" in html
