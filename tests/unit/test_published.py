"""A published file is the publisher's record: kept as published, its inconsistencies said.

The corpus is written here: small files in the publishers' own layouts (DfE Explore
Education Statistics, LG Inform) with the inconsistencies real releases have: a regional
percentage computed from unrounded counts beside rounded ones, a blank "no data" cell.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
import yaml

from perfkit.config.catalogue import load_catalogue
from perfkit.errors import ConfigError, IngestError
from perfkit.ingest import ingest
from perfkit.ingest.sources import load_mapping
from perfkit.scaffold.init import init_project
from perfkit.store.store import Store

from ..helpers import PARAMS, TODAY

EES_COLUMNS = ["time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code", "region_name",
               "old_la_code", "new_la_code", "la_name", "referral_count", "rereferral_count", "rereferral_percent"]


def ees_file(folder, rows) -> str:
    """A DfE C1-style file: England, a region and three authorities for two years."""
    path = folder / "c1_synthetic.csv"
    pd.DataFrame(rows, columns=EES_COLUMNS).to_csv(path, index=False)
    return path


def corpus_rows(region_percent="22.6", blank_la=False):
    rows = []
    for year in ("2024", "2025"):
        rows.append([year, "Reporting year", "National", "E92000001", "England", "", "", "", "", "", "632830", "142900", "22.6"])
        # DfE rounds regional counts to the nearest 10 and computes the percentage from the
        # unrounded ones: 1430 / 6410 is 22.3%, published 22.6% (2025 only, as in real releases)
        percent = region_percent if year == "2025" else "22.3"
        rows.append([year, "Reporting year", "Regional", "E92000001", "England", "E12000002", "North West", "", "", "", "6410", "1430", percent])
        rows.append([year, "Reporting year", "Local authority", "E92000001", "England", "E12000002", "North West", "358", "E08000009", "Trafford", "2000", "400", "20.0"])
        rows.append([year, "Reporting year", "Local authority", "E92000001", "England", "E12000002", "North West", "357", "E08000008", "Tameside", "2500", "600", "24.0"])
        blank = blank_la and year == "2025"
        rows.append([year, "Reporting year", "Local authority", "E92000001", "England", "E12000002", "North West", "356", "E08000007", "Stockport",
                     "" if blank else "1000", "" if blank else "150", "" if blank else "15.0"])
    return rows


def mapping_with(tmp_path, **changes):
    data = yaml.safe_load((PARAMS / "sources" / "dfe_c1_referrals.yaml").read_text()) | changes
    path = tmp_path / "mapping.yaml"
    path.write_text(yaml.safe_dump(data))
    return load_mapping(path)


def test_a_value_that_disagrees_with_its_counts_is_kept_and_flagged(tmp_path, catalogue):
    store = tmp_path / "s.duckdb"
    reports = ingest([ees_file(tmp_path, corpus_rows())], store, catalogue, today=TODAY, mapping=mapping_with(tmp_path))
    assert reports[0].flagged == 1 and reports[0].result.rejected == 0
    with Store(store, read_only=True) as db:
        rows = db.observations(["DFE_REREF"])
    flagged = rows[rows["quality"].eq("counts_disagree")]
    assert flagged[["area_code", "value", "numerator", "denominator"]].values.tolist() == [["E12000002", 22.6, 1430.0, 6410.0]]
    assert rows["quality"].isna().sum() == len(rows) - 1  # the consistent rows carry no flag

    import perfkit

    card = perfkit.scorecard("2024/25", area="E12000002", indicators=["DFE_REREF"], store=store, params=PARAMS).iloc[0]
    assert card["value"] == 22.6  # the publisher's figure stands, not 1430 / 6410
    from perfkit.report.wording import quality_text

    assert quality_text(card) == "the published figure 22.6% differs from its own published counts (1,430 of 6,410 = 22.31%); shown as published"


def test_strict_refuses_a_value_that_disagrees(tmp_path, catalogue):
    store = tmp_path / "s.duckdb"
    with pytest.raises(IngestError) as info:
        ingest([ees_file(tmp_path, corpus_rows())], store, catalogue, today=TODAY, mapping=mapping_with(tmp_path, strict=True))
    problem = info.value.problems[0]
    assert (problem.column, problem.value) == ("value", "22.6") and "does not match numerator / denominator (22.309)" in problem.problem
    assert not store.exists()
    # the fix is the mapping's, not an owner's: the publisher's figure is not corrected
    assert "set `value_tolerance` in the source mapping 'DfE children in need C1 referrals and re-referrals'" in problem.fix
    assert "remove `strict: true`" in problem.fix and "correct the value" not in problem.fix


def test_blank_cells_are_refused_by_default_and_missing_when_the_mapping_says(tmp_path, catalogue):
    path = ees_file(tmp_path, corpus_rows(blank_la=True))
    with pytest.raises(IngestError, match="no value, and no numerator and denominator") as info:
        ingest([path], tmp_path / "a.duckdb", catalogue, today=TODAY, mapping=mapping_with(tmp_path))
    [problem] = info.value.problems
    assert problem.fix.startswith("the publisher left it blank: set `blank: missing` in the source mapping 'DfE children in need C1")
    assert "set status to missing" not in str(info.value)
    store = tmp_path / "b.duckdb"
    ingest([path], store, catalogue, today=TODAY, mapping=mapping_with(tmp_path, blank="missing"))
    with Store(store, read_only=True) as db:
        rows = db.observations(["DFE_REREF"], ["E08000007"])
    latest = rows[rows["period"].map(lambda p: p.label) == "2024/25"].iloc[0]
    assert (latest["status"], latest["status_reason"], latest["value"] != latest["value"]) == ("missing", "blank in the published file", True)


@pytest.mark.parametrize(
    "changes, fragments",
    [
        ({"blank": "maybe"}, ["mapping.yaml", "key 'blank'", "'refuse' or 'missing'"]),
        ({"strickt": True}, ["mapping.yaml", "key 'strickt'", "Extra inputs are not permitted"]),
        ({"strict": "perhaps"}, ["mapping.yaml", "key 'strict'", "boolean"]),
        ({"value_tolerance": -1}, ["mapping.yaml", "key 'value_tolerance'", "greater than or equal to 0"]),
    ],
)
def test_mapping_keys_are_checked(tmp_path, changes, fragments):
    with pytest.raises(ConfigError) as info:
        mapping_with(tmp_path, **changes)
    for fragment in fragments:
        assert fragment in str(info.value)


def test_a_flagged_figure_is_shown_in_the_paper(tmp_path, monkeypatch):
    """A council whose own published figure disagrees with its counts: the paper says so."""
    from perfkit.report.directorate import DirectoratePaper

    init_project(tmp_path, "Trafford Council", "E08000009")
    rows = corpus_rows()
    rows[-3][12] = "21.0"  # Trafford 2025: 400 of 2000 is 20.0%, published 21.0%
    store = tmp_path / "data" / "perfkit.duckdb"
    catalogue = load_catalogue(tmp_path / "params")
    (report,) = ingest([ees_file(tmp_path, rows)], store, catalogue, today=TODAY, mapping=load_mapping(tmp_path / "params" / "sources" / "dfe_c1_referrals.yaml"))
    assert report.flagged == 2  # Trafford and the region
    monkeypatch.delenv("PERFKIT_STORE", raising=False)
    paper = DirectoratePaper.load("childrens-services", "2024/25", store=store, root=tmp_path)
    html = paper.background().html()
    assert "Published figures: Re-referrals to children&#x27;s social care within 12 months (DfE), 2024/25: the published figure 21.0%" in html
    assert "(400 of 2,000 = 20.00%); shown as published" in html
    assert "21.0%" in paper.scorecard().html()


def test_rejected_rows_go_under_the_project_not_beside_the_input(tmp_path, catalogue):
    shared = tmp_path / "shared"
    shared.mkdir()
    path = ees_file(shared, corpus_rows(blank_la=True))
    shared.chmod(0o555)  # a read-only shared data folder
    try:
        store = tmp_path / "project" / "data" / "perfkit.duckdb"
        (report,) = ingest([path], store, catalogue, today=TODAY, mapping=mapping_with(tmp_path), skip_invalid=True)
        assert report.rejects_path == tmp_path / "project" / "data" / "rejected" / "c1_synthetic.rejected.csv"
        assert "no value, and no numerator" in report.rejects_path.read_text()
        elsewhere = tmp_path / "mine"
        (report,) = ingest([path], tmp_path / "other.duckdb", catalogue, today=TODAY, mapping=mapping_with(tmp_path), skip_invalid=True, rejects=elsewhere)
        assert report.rejects_path.parent == elsewhere and sorted(p.name for p in shared.iterdir()) == ["c1_synthetic.csv"]
    finally:
        shared.chmod(0o755)
    shutil.rmtree(shared)
