"""The corporate overview of a council's new project (`perfkit init` with perfkit's library) counts
each indicator under the directorate paper that sets it out, so its table and the paper audit agree
(a library indicator's catalogue heading "Published benchmarks" is not a paper)."""

from __future__ import annotations

import pytest

from perfkit.audit.run import audit_papers
from perfkit.config.catalogue import load_catalogue
from perfkit.config.papers import load_params
from perfkit.ingest import ingest
from perfkit.ingest.sources import load_mapping
from perfkit.scaffold.init import init_project

from ..helpers import C1, TODAY, run_cli

pytestmark = pytest.mark.slow


def test_a_new_councils_overview_rows_are_its_directorate_papers(tmp_path, monkeypatch, shared_data):
    from perfkit.report.overview import CorporateOverview

    monkeypatch.delenv("PERFKIT_STORE", raising=False)
    init_project(tmp_path, "Trafford Council", "E08000009")
    catalogue = load_catalogue(tmp_path / "params")
    ingest([shared_data / C1], tmp_path / "data" / "perfkit.duckdb", catalogue, today=TODAY,
           mapping=load_mapping(tmp_path / "params" / "sources" / "dfe_c1_referrals.yaml"))
    params = load_params(tmp_path / "params")
    papers = {d.name for d in params.directorates.values()}
    overview = CorporateOverview.load("2025/26 Q2", root=tmp_path)
    assert set(overview.card["directorate"]) <= papers and "Published benchmarks" not in set(overview.card["directorate"])
    run_cli(tmp_path, "build", "--period", "2025/26 Q2", "--format", "html", home=False)
    found = audit_papers((tmp_path / "outputs" / "2025-26-q2").glob("*/*.ipynb"), tmp_path / "data" / "perfkit.duckdb", tmp_path / "params")
    assert not [f for f in found if "directorate of params" in str(f)], found


def test_a_council_with_only_published_figures_is_not_told_0_of_0_were_received(tmp_path, monkeypatch, shared_data):
    monkeypatch.delenv("PERFKIT_STORE", raising=False)
    init_project(tmp_path, "Trafford Council", "E08000009")
    catalogue = load_catalogue(tmp_path / "params")
    ingest([shared_data / C1], tmp_path / "data" / "perfkit.duckdb", catalogue, today=TODAY,
           mapping=load_mapping(tmp_path / "params" / "sources" / "dfe_c1_referrals.yaml"))
    run_cli(tmp_path, "build", "--period", "2025/26 Q2", "--format", "html", home=False)
    said = " ".join((tmp_path / "outputs" / "2025-26-q2" / "childrens-services" / "directorate_report.html").read_text().split())
    assert "Data quality and completeness: no figures were due from the indicator owners for 2025/26 Q2." in said
    assert "0 of 0" not in said
