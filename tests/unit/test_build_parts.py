"""The build's parts on their own: report kinds, the manifest, provenance, the build's options
and the executors' environment (no notebook is run here)."""

from __future__ import annotations

import json
import os
import subprocess

import pandas as pd
import pytest

from perfkit.build.executors import Serial, environment
from perfkit.build.manifest import Manifest, RowHashes, file_hash, rows_hash
from perfkit.build.options import BuildOptions
from perfkit.config.papers import load_params
from perfkit.periods import parse_period
from perfkit.provenance import BUILD_COMMIT, git_commit, snapshot_id
from perfkit.report.kinds import KINDS, Selection
from tests.helpers import PARAMS


@pytest.fixture(scope="module")
def params():
    return load_params(PARAMS)


def test_each_kind_plans_its_reports_and_reads_its_indicators(params):
    q4 = parse_period("2025/26 Q4")
    report = params.reports["directorate_report"]
    planned = KINDS["directorate"].subjects(params, report, Selection(["housing"]), q4)
    assert planned == [("housing", "housing", "")]
    assert KINDS["directorate"].reads(params, "housing", {}) == params.indicators_of("housing")
    council = KINDS["council"].reads(params, "corporate", {})
    assert council == [c for slug in params.directorates for c in params.indicators_of(slug)]
    code = params.indicators_of("housing")[0]
    assert KINDS["indicator"].file_name("indicator_profile", code) == f"indicator_profile_{code.lower()}"
    assert KINDS["indicator"].reads(params, code, {})[0] == code
    files = KINDS["directorate"].files(params, "housing")
    assert params.directorate_files["housing"] in files and params.directorate_files["adult-social-care"] not in files
    # the overview depends on every directorate's params file
    assert set(params.directorate_files.values()) <= set(KINDS["council"].files(params, "corporate"))


def test_an_area_profile_reads_what_its_benchmarks_name():
    benchmarks = [{"indicator": "X", "group": "region", "group_of": "E12000002", "area_code": "E08000007"},
                  {"indicator": "Y", "group": "neighbours", "group_of": "E08000007", "area_code": "E08000001"}]
    assert KINDS["area"].areas(None, [], "e08000007", {"benchmarks": benchmarks}, "") == ["E08000007", "E12000002", "E92000001"]


def test_the_manifest_says_up_to_date_only_for_the_same_inputs_and_files(tmp_path):
    html = tmp_path / "r.html"
    html.write_text("x")
    nb = tmp_path / "r.ipynb"
    nb.write_text("{}")
    manifest = Manifest(tmp_path)
    inputs = {"data": "1:ab", "code": "c"}
    manifest.record("p/d/r", {"inputs": inputs, "status": "built", "files": {"ipynb": str(nb), "html": str(html)}})
    again = Manifest(tmp_path)
    assert again.up_to_date("p/d/r", inputs, ("html",))
    assert not again.up_to_date("p/d/r", {**inputs, "data": "2:ab"}, ("html",))
    assert not again.up_to_date("p/d/r", inputs, ("html", "pdf"))  # a format never built
    html.unlink()
    assert not again.up_to_date("p/d/r", inputs, ("html",))  # a file deleted since
    (tmp_path / "manifest.json").write_text("{not json")
    broken = Manifest(tmp_path)
    assert broken.entries == {} and "could not be read" in broken.problem


def test_row_hashes_combine_to_the_hash_of_the_rows_at_once(demo_store):
    from perfkit.store.store import Store

    with Store(demo_store, read_only=True) as db:
        rows = db.observations()
        actions = db.actions()
    codes = sorted(rows["indicator"].unique())[:3]
    areas = sorted(rows.loc[rows["indicator"].isin(codes), "area_code"].unique())
    whole = RowHashes(demo_store, codes, areas)
    assert whole.of(codes, areas) == rows_hash(demo_store, codes, areas)
    assert whole.of(codes[:1], areas) == rows_hash(demo_store, codes[:1], areas) != whole.of(codes, areas)
    assert whole.of(list(reversed(codes)), areas) == whole.of(codes, areas)  # order does not matter
    counted = len(rows[rows["indicator"].isin(codes) & rows["area_code"].isin(areas)])
    counted += len(actions[actions["indicator"].isin(codes) & actions["area_code"].isin(areas)])  # a paper shows its actions too
    assert len(actions[actions["indicator"].isin(codes)]) and int(whole.of(codes, areas).split(":")[0]) == counted


def test_file_hash_sees_a_changed_byte(tmp_path):
    a = tmp_path / "a.yaml"
    a.write_text("x: 1\n")
    before = file_hash([a])
    a.write_text("x: 2\n")
    assert file_hash([a]) != before


def test_snapshot_id_is_of_the_rows_not_their_order():
    rows = pd.DataFrame({"indicator": ["A", "B"], "area_code": ["E1", "E1"], "period_type": ["year"] * 2,
                         "period_start": ["2025-04-01"] * 2, "value": [1.0, 2.0]})
    assert snapshot_id(rows) == snapshot_id(rows.iloc[::-1])
    assert snapshot_id(rows) != snapshot_id(rows.assign(value=[1.0, 3.0]))


def test_git_commit_is_read_once_for_a_build(tmp_path, monkeypatch):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    assert git_commit(tmp_path) == "unknown"  # no commit yet
    monkeypatch.setenv(BUILD_COMMIT, "abc123")
    monkeypatch.setenv("PERFKIT_HOME", str(tmp_path))
    assert git_commit(tmp_path) == "abc123"  # what the build read for this project
    assert git_commit(tmp_path / "elsewhere") == "unknown"


def test_build_options_are_normalised_and_frozen(tmp_path):
    options = BuildOptions(periods="2025/26 Q2", directorates=["housing"], formats="HTML, pdf ,", out=str(tmp_path))
    assert options.periods == ("2025/26 Q2",) and options.directorates == ("housing",)
    assert options.formats == ("html", "pdf") and options.out == tmp_path
    with pytest.raises(AttributeError):
        options.force = True  # type: ignore[misc]
    assert options.but(force=True).force and not options.force
    assert BuildOptions.names()[0] == "periods" and "as_of" in BuildOptions.names()


def test_a_serial_executor_sets_the_environment_for_its_run_only(monkeypatch):
    monkeypatch.delenv("PERFKIT_STORE", raising=False)
    before = dict(os.environ)
    seen = Serial({"PERFKIT_STORE": "/x/y.duckdb", "PERFKIT_HOME": "/x"}).run(lambda job: (job, os.environ["PERFKIT_STORE"]), [1, 2])
    assert seen == [(1, "/x/y.duckdb"), (2, "/x/y.duckdb")]
    assert dict(os.environ) == before
    with pytest.raises(RuntimeError), environment({"PERFKIT_STORE": "/z"}):
        raise RuntimeError  # restored even when the run fails
    assert "PERFKIT_STORE" not in os.environ


def test_manifest_is_json_a_person_can_read(tmp_path):
    Manifest(tmp_path).record("k", {"inputs": {}, "status": "built", "files": {}})
    assert json.loads((tmp_path / "manifest.json").read_text()) == {"version": 1, "reports": {"k": {"inputs": {}, "status": "built", "files": {},
                                                                                              "sha256": {}}}}


def test_the_manifest_keeps_paths_relative_and_each_files_hash(tmp_path):
    """Recorded paths are relative to the output folder (it can move), and each file's SHA-256 is kept for publish to check."""
    import hashlib

    (tmp_path / "p" / "d").mkdir(parents=True)
    html = tmp_path / "p" / "d" / "r.html"
    html.write_text("paper")
    Manifest(tmp_path).record("p/d/r", {"inputs": {}, "status": "built", "files": {"html": str(html), "csv": None}})
    kept = json.loads((tmp_path / "manifest.json").read_text())["reports"]["p/d/r"]
    assert kept["files"] == {"html": "p/d/r.html", "csv": None}
    assert kept["sha256"] == {"html": hashlib.sha256(b"paper").hexdigest()}
    assert Manifest(tmp_path).entries["p/d/r"]["files"]["html"] == str(tmp_path / "p" / "d" / "r.html")
