"""The quarter before the build, end to end: LibreOffice (Debian's, headless) opens every
return workbook perfkit writes; the paper built after a check says what the check says; the
`perfkit check`, `ingest`, `build` and `returns` commands with --strict.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pandas as pd
import pytest

from perfkit.config.council import load_council
from perfkit.config.papers import load_params
from perfkit.ingest import ingest
from perfkit.periods import parse_period
from perfkit.returns.chase import check
from perfkit.returns.due import due_rows
from perfkit.store.store import Store

from ..helpers import RETURNS_DIRECTORATE as SLUG
from ..helpers import EARLY_HELP, FILLED, RETURNS_QUARTER, fill, run_cli, set_target, sort_rows, stored

pytestmark = pytest.mark.slow

Q = parse_period(RETURNS_QUARTER)  # the quarter after the demo data ends: nothing is stored for it yet


def test_libreoffice_opens_every_workbook(quarter, tmp_path):
    soffice = shutil.which("libreoffice") or shutil.which("soffice")
    assert soffice, "LibreOffice is needed (.ci/run installs Debian's libreoffice-calc-nogui)"
    root, _store, books = quarter
    for path in books.values():
        proc = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                               "--outdir", str(tmp_path), str(path)], capture_output=True, text=True, timeout=180)
        pdf = tmp_path / f"{path.stem}.pdf"
        assert proc.returncode == 0 and pdf.is_file(), proc.stderr
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "2026/27 Q1" in text and "CS_" in text


def test_the_paper_says_what_it_could_not_show_as_the_check_does(quarter):
    import html as htmllib
    import re

    root, store, books = quarter
    set_target(root, "CS_REREF", "2026/27", 20.0)
    path = fill(books["head-of-early-help-and-assessment"], {"CS_REREF": {"value": 31.5, "numerator": 63, "denominator": 200},
                                                            "CS_REFERRALS": {"value": 410, "status": "provisional", "note": "awaiting audit"}})
    params, council = load_params(root / "params"), load_council(root / "params")
    ingest([path], store, params.catalogue, today=dt.date(2026, 7, 25))
    proc = run_cli(root, "build", "--period", "2026/27 Q1", "--directorate", SLUG, "--format", "html")
    with Store(store, read_only=True) as db:
        rows = db.observations(None, ["ZZ0000001"])
    expected = check(params, council, rows, Q, [SLUG], today=Q.end)  # the paper's: as on the quarter's last day
    as_built = check(params, council, rows, Q, [SLUG])  # the build prints the check as on today
    assert "data check: " + as_built.sentence() in " ".join(proc.stdout.split())
    page = htmllib.unescape((root / "outputs" / "2026-27-q1" / SLUG / "directorate_report.html").read_text())
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    received = int(expected.received.sum())
    assert f"Data quality and completeness: {received} of {len(expected.due)} figures due for 2026/27 Q1 were received" in text
    assert "Provisional, and may be revised: Referrals to children's social care (2026-04, 2026-05, 2026-06)." in text
    missing = expected.findings[expected.findings["issue"].isin(["not returned", "overdue"])]
    for code, rows in missing.groupby("indicator"):  # each named once, with its periods and owner
        assert f"{rows['title'].iloc[0]} ({', '.join(rows['period'])}; {rows['owner'].iloc[0]})" in text
    # the scorecard marks exactly the indicators the check found something about
    marked = set(re.findall(r"\[([A-Z0-9_]+)\] [^\[]*?Data check: ", text))
    assert marked == set(expected.findings.loc[expected.findings["issue"] != "no target", "indicator"])
    assert "No commentary supplied by the owner for 2026/27 Q1" in text  # CS_REREF is red with no words
    # the build wrote the check beside the papers
    chase = pd.read_csv(root / "outputs" / "2026-27-q1" / "data-check.csv")
    assert set(chase["indicator"]) == set(expected.findings["indicator"])


def test_check_command_and_strict(quarter):
    root, _store, _books = quarter
    run_cli(root, "check", "--period", "2025/26 Q4", "--directorate", SLUG, "--today", "2026-05-01")
    assert (root / "outputs" / "2025-26-q4" / "data-check.html").is_file()
    late = run_cli(root, "check", "--period", "2026/27 Q1", "--directorate", SLUG, "--today", "2026-07-21", "--strict", check=False)
    assert late.returncode == 1 and "--strict:" in late.stderr
    owed = len(due_rows(load_params(root / "params"), Q, [SLUG]))
    assert f"0 of {owed} figures due for 2026/27 Q1 received; {owed} overdue" in " ".join(late.stdout.split())
    chase = pd.read_csv(root / "outputs" / "2026-27-q1" / "data-check.csv")
    assert (chase.loc[chase["issue"] == "overdue", "email"].str.endswith("@kestrelvale.example")).all()
    path = fill(_books["head-of-safeguarding"], {"CS_REPEAT_CP": {"value": 17.0, "numerator": 17, "denominator": 100}})
    run_cli(root, "ingest", str(path), "--period", "2026/27 Q1")
    refused = run_cli(root, "build", "--period", "2026/27 Q1", "--directorate", SLUG, "--format", "html", "--strict", check=False)
    assert refused.returncode == 1 and "--strict:" in refused.stderr and "nothing was built" in refused.stderr
    assert not (root / "outputs" / "2026-27-q1" / SLUG).exists()
    wrong = run_cli(root, "ingest", str(path), "--period", "2026/27 Q2", check=False)
    assert wrong.returncode == 1 and "this is the return for 2026/27 Q1, not 2026/27 Q2" in wrong.stderr
    bad = run_cli(root, "returns", "--period", "2026/27", check=False)
    assert bad.returncode == 1 and "returns are collected for a quarter" in bad.stderr


def test_a_sorted_workbook_resaved_by_libreoffice_stores_the_right_figures(quarter, tmp_path):
    """An owner sorts the Return sheet and LibreOffice saves it: the row keys travel with the rows and
    the document properties survive, so each figure is stored against its own indicator."""
    soffice = shutil.which("libreoffice") or shutil.which("soffice")
    assert soffice, "LibreOffice is needed (.ci/run installs Debian's libreoffice-calc-nogui)"
    root, store, books = quarter
    sorted_ = sort_rows(fill(books[EARLY_HELP], FILLED, out=tmp_path / "filled.xlsx"), tmp_path / "sorted.xlsx")
    (tmp_path / "lo-out").mkdir()
    proc = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "xlsx:Calc MS Excel 2007 XML",
                           "--outdir", str(tmp_path / "lo-out"), str(sorted_)], capture_output=True, text=True, timeout=180)
    resaved = tmp_path / "lo-out" / "sorted.xlsx"
    assert proc.returncode == 0 and resaved.is_file(), proc.stderr
    params = load_params(root / "params")
    [report] = ingest([resaved], store, params.catalogue, today=dt.date(2026, 7, 25))
    assert report.result.added > 0
    reref = stored(store, "CS_REREF")[Q.label]
    assert (reref["value"], reref["numerator"], reref["denominator"]) == (31.5, 63, 200)
    assert reref["commentary"] == "Up on last quarter: audit under way."
    assert [stored(store, "CS_REFERRALS")[m]["value"] for m in ("2026-04", "2026-05", "2026-06")] == [410, 410, 410]
