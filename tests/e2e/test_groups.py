"""Comparator groups made and listed by `perfkit groups` and used by `perfkit benchmark`, in a
project `perfkit` itself filled with DfE's C1 file (the command run in a subprocess)."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pytest

import perfkit
from perfkit.ingest import ingest
from perfkit.ingest.sources import load_mapping
from perfkit.scaffold.init import init_project

from ..helpers import C1, PLANNING, SN, TODAY, run_cli

pytestmark = pytest.mark.slow


@pytest.fixture()
def trafford(tmp_path, shared_data):
    """An init'ed Trafford project holding the DfE C1 file."""
    init_project(tmp_path, "Trafford Council", "E08000009")
    run_cli(tmp_path, "ingest", "--source", "dfe_c1_referrals", str(shared_data / C1), home=False)
    return tmp_path


def test_groups_add_and_list_and_benchmark(trafford, shared_data):
    lists = trafford / "neighbours.json"
    lists.write_text(json.dumps({"E08000009": ["E08000009", "E08000007", "E08000008", "E08000010"]}))
    proc = run_cli(trafford, "groups", "add", str(lists), "--code", "gm_neighbours", "--name", "Greater Manchester neighbours", home=False)
    assert "saved Greater Manchester neighbours (3 areas)" in proc.stdout
    text = (trafford / "params" / "comparators" / "gm_neighbours.yaml").read_text()
    assert "E08000007: Stockport" in text and "E08000010: Wigan" in text  # names from the store
    proc = run_cli(trafford, "groups", "add", str(shared_data / SN), "--code", "statistical_neighbours", home=False)
    assert "Statistical neighbours of Trafford (DfE) (10 areas)" in proc.stdout
    again = run_cli(trafford, "groups", "add", str(lists), "--code", "gm_neighbours", check=False, home=False)
    assert again.returncode == 1 and "already exists" in again.stderr
    listing = run_cli(trafford, "groups", home=False).stdout
    assert "gm_neighbours" in listing and "statistical_neighbours" in listing and "│ 10 " in listing and "│ 3 " in listing

    proc = run_cli(trafford, "benchmark", "DFE_REREF", "--area", "E08000009", "--period", "2024/25", "--group", "gm_neighbours", home=False)
    assert "Greater Manchester neighbours" in proc.stdout and "of 4" in proc.stdout
    unknown = run_cli(trafford, "benchmark", "DFE_REREF", "--area", "E08000009", "--period", "2024/25", "--group", "nope", check=False, home=False)
    assert unknown.returncode == 1 and "no comparator group 'nope'; known: gm_neighbours, statistical_neighbours, dfe_statistical_neighbours_2025" in unknown.stderr


def test_the_all_authority_group_is_what_the_publisher_reported(trafford, shared_data):
    """Its median equals the median of every authority in the published file, and importing an
    unrelated file (LG Inform planning, no geographic levels) does not change it."""
    store = trafford / "data" / "perfkit.duckdb"
    raw = pd.read_csv(shared_data / C1, dtype=str, keep_default_na=False)
    las = raw[(raw["geographic_level"] == "Local authority") & (raw["time_period"] == "2025")]
    counts = las[["rereferral_count", "referral_count"]].apply(pd.to_numeric, errors="coerce")
    rates = (counts["rereferral_count"] / counts["referral_count"] * 100).dropna()
    shown = sorted(Decimal(repr(v)).quantize(Decimal("0.1"), ROUND_HALF_UP) for v in rates)  # as published, 1 d.p.
    middle = shown[len(shown) // 2] if len(shown) % 2 else (shown[len(shown) // 2 - 1] + shown[len(shown) // 2]) / 2

    def england():
        table = perfkit.benchmark("DFE_REREF", "E08000009", "2024/25", store=store, params=trafford / "params").set_index("group")
        return table.loc["England: all upper-tier authorities reported"]

    before = england()
    assert before["rank_of"] == len(rates) and before["median"] == float(middle.quantize(Decimal("0.1"), ROUND_HALF_UP))
    catalogue = perfkit.get_catalogue(trafford / "params")
    ingest([shared_data / PLANNING], store, catalogue, today=TODAY, mapping=load_mapping(trafford / "params" / "sources" / "lginform_planning_major.yaml"))
    after = england()
    assert (after["rank_of"], after["median"], after["rank"]) == (before["rank_of"], before["median"], before["rank"])
