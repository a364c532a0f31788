"""The real ``perfkit`` command, run as a user runs it."""

import csv
import shutil

import pytest

import perfkit.api as api
from perfkit.assess import ordinal
from perfkit.formatting import format_value

from ..helpers import BAD_INPUTS, PARAMS, run_cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_project(tmp_path_factory, demo_files, council):
    folder = tmp_path_factory.mktemp("project")
    shutil.copytree(PARAMS, folder / "params")
    proc = run_cli(folder, "demo")
    # the same seed's files, generated here: every one of their rows is new to the empty store
    rows = actions = 0
    for path in demo_files:
        with path.open(newline="", encoding="utf-8") as f:
            found = sum(1 for _ in csv.DictReader(f))
        if path.name == "demo_actions.csv":  # the owners' actions, as rows of their own
            actions += found
        else:
            rows += found
    said = " ".join(proc.stdout.split())
    assert actions > 50 and (f"demo data for {council.name} (fictional): {len(demo_files)} files, {rows} added, 0 revised, 0 unchanged, "
            f"{actions} action rows added or changed; "
            f"store: {folder / 'data' / 'perfkit.duckdb'}") in said, said
    return folder


def test_demo_twice_is_a_no_op(demo_project):
    proc = run_cli(demo_project, "demo")
    assert " 0 added, 0 revised" in proc.stdout and " 0 action rows added or changed" in " ".join(proc.stdout.split())
    assert (demo_project / "data" / "perfkit.duckdb").is_file()


@pytest.mark.parametrize("code, period", [("CS_REREF", "2025/26 Q2"), ("HSG_RENT", "2025/26 Q3"), ("ASC_ADMIT_65", "2025/26 Q2")])
def test_show_prints_the_same_assessment_as_the_python_api(demo_project, monkeypatch, code, period):
    proc = run_cli(demo_project, "show", code, "--period", period)
    monkeypatch.setenv("PERFKIT_HOME", str(demo_project))
    monkeypatch.delenv("PERFKIT_STORE", raising=False)
    row = api.scorecard(period, indicators=[code]).iloc[0]
    fmt = lambda v: format_value(v, row.unit, row.decimals)  # noqa: E731
    text = proc.stdout
    assert row.title[:30] in text
    assert row.period.label in text
    assert fmt(row.value) in text
    assert fmt(row.target) in text
    assert row.rag.upper() in text
    assert f"{fmt(row.previous_value)}: {row.direction_previous}" in text
    assert f"{fmt(row.last_year_value)}: {row.direction_last_year}" in text
    if row.rank_of == row.rank_of and row.rank_of:
        assert ordinal(row["rank"], int(row.rank_of)) in text


def test_show_defaults_to_the_latest_period(demo_project):
    proc = run_cli(demo_project, "show", "HSG_RENT")
    assert "2026-03" in proc.stdout


def test_indicators_lists_the_catalogue(demo_project):
    proc = run_cli(demo_project, "indicators", "--directorate", "Housing")
    assert "HSG_RENT" in proc.stdout and "CS_REREF" not in proc.stdout
    assert "12 indicator(s)" in proc.stdout


def test_errors_are_one_clear_line_without_traceback(demo_project):
    proc = run_cli(demo_project, "show", "NOPE", check=False)
    assert proc.returncode == 1
    assert "no indicator 'NOPE'" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_cli(demo_project, "show", "HSG_TA", "--period", "Q5 2025/26", check=False)
    assert proc.returncode == 1 and "no Q5" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_cli(demo_project, "--debug", "show", "HSG_TA", "--period", "Q5 2025/26", check=False)
    assert proc.returncode == 1 and "Traceback" in proc.stderr


def test_ingest_refuses_a_bad_file_and_lists_the_problem(demo_project):
    proc = run_cli(demo_project, "ingest", str(BAD_INPUTS / "negative_count.csv"), check=False)
    assert proc.returncode == 1
    assert "negative_count.csv, row 2, column value" in proc.stderr and "Traceback" not in proc.stderr


def test_ingest_reports_counts(demo_project, tmp_path):
    path = tmp_path / "new.csv"
    path.write_text("indicator,area_code,area_name,period,value\nHSG_TA,ZZ0000001,Kestrel Vale,2025/26 Q1,777\n")
    proc = run_cli(demo_project, "ingest", str(path), "--store", str(tmp_path / "other.duckdb"))
    [line] = [line for line in proc.stdout.splitlines() if "new.csv" in line]
    cells = [c.strip() for c in line.strip("│ ").split("│")]
    assert cells == ["new.csv", "1", "1", "0", "0", "0", "0", "0"]  # file, batch, added, revised, unchanged, rejected, flagged, actions


def test_help_lists_the_commands(demo_project):
    proc = run_cli(demo_project, "--help")
    for command in ("ingest", "indicators", "show", "demo"):
        assert command in proc.stdout
