"""What the tests share besides fixtures (those are in ``tests/conftest.py``): paths, the one
runner of the ``perfkit`` command, demo projects, store comparisons, the browser.

Imported by both halves of the suite, ``tests/unit`` and ``tests/e2e``: a test module never
imports from another test module, only from here.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
PARAMS = ROOT / "params"
SHARED_DATA = ROOT.parent / "shared" / "data" / "public"
TODAY = dt.date(2026, 11, 23)
BAD_INPUTS = Path(__file__).parent / "bad_inputs"
CHROMIUM = "/usr/bin/chromium"

#: The public files in ../shared/data/public the tests read.
C1 = "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
SN = "New_Statistical_Neighbour_Groupings_April_2021.csv"
PLANNING = "trafford_planning_applications_major.csv"

#: The demo council: its area code, and the quarter (and its output folder) most builds are of.
HOME = "ZZ0000001"
PERIOD = "2025/26 Q2"
SLUG = "2025-26-q2"
#: The generated councils (``perfkit demo --seed N``) CI builds: tests/e2e/test_many_councils.py.
MANY_COUNCILS = tuple(range(1, 21))


# ----- the perfkit command -------------------------------------------------------------------


def cli_env(home: Path | None, **extra: str) -> dict[str, str]:
    """The environment ``perfkit`` runs in for a test: this process's, with $PERFKIT_HOME set to
    ``home`` (None: unset, so perfkit finds the project from its working folder), no $PERFKIT_STORE
    from outside, and 200 columns so that rich does not wrap tables and messages."""
    env = {k: v for k, v in os.environ.items() if k not in ("PERFKIT_HOME", "PERFKIT_STORE")}
    if home is not None:
        env["PERFKIT_HOME"] = str(home)
    return env | {"COLUMNS": "200"} | extra


def run_cli(cwd: Path, *args: str | Path, home: bool = True, check: bool = True, python: str | Path = sys.executable,
            env: dict[str, str] | None = None, timeout: float = 900, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run ``python -m perfkit *args`` in ``cwd`` as a user runs it, and return the finished process.

    ``home``: $PERFKIT_HOME is ``cwd`` (False: unset, perfkit finds the project from ``cwd``).
    ``check``: assert that it exited 0, showing its output if not. ``python``: another
    interpreter (an installed perfkit's). ``env``: variables to add. Other keywords go to
    :func:`subprocess.run` (e.g. ``preexec_fn``)."""
    proc = subprocess.run([str(python), "-m", "perfkit", *map(str, args)], cwd=cwd, env=cli_env(cwd if home else None, **(env or {})),
                          capture_output=True, text=True, timeout=timeout, **kwargs)
    if check:
        assert proc.returncode == 0, f"perfkit {' '.join(map(str, args))} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc


# ----- projects and stores -------------------------------------------------------------------


def make_project(folder: Path, store: Path) -> Path:
    """A demo project in ``folder``: the repo's params and notebooks, and a copy of ``store``."""
    shutil.copytree(PARAMS, folder / "params")
    shutil.copytree(ROOT / "notebooks", folder / "notebooks")
    (folder / "data").mkdir()
    shutil.copy(store, folder / "data" / "perfkit.duckdb")
    return folder


def require_shared_data() -> Path:
    """../shared/data/public: skipped where absent, a failure under CI (the ``shared_data``
    fixture, for fixtures of a wider scope)."""
    if not SHARED_DATA.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but the public data folder {SHARED_DATA} is missing")
        pytest.skip(f"{SHARED_DATA} is not beside this clone (only the developers' checkout has it)")
    return SHARED_DATA


def shipped_mapping(name: str):  # noqa: ANN201 - a perfkit.ingest.sources mapping
    """One of the repo's source mappings (params/sources/<name>.yaml)."""
    from perfkit.ingest.sources import load_mapping

    return load_mapping(PARAMS / "sources" / f"{name}.yaml")


def dump_store(path: Path) -> dict[str, pd.DataFrame]:
    """Every table of a store, sorted, for byte-for-byte comparisons."""
    from perfkit.store.store import Store

    if not path.exists():
        return {}
    with Store(path, read_only=True) as db:
        tables = [r[0] for r in db.con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()]
        return {t: db.con.execute(f"SELECT * FROM {t} ORDER BY ALL").df() for t in tables}


def assert_same_store(before: dict[str, pd.DataFrame], after: dict[str, pd.DataFrame]) -> None:
    assert before.keys() == after.keys()
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name], check_exact=True, obj=name)


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def edit_yaml(path: Path, **changes) -> None:
    """Set (or, with None, delete) top-level keys of a YAML file."""
    import yaml

    data = yaml.safe_load(path.read_text())
    apply_changes(data, changes)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def apply_changes(data: dict, changes: dict) -> None:
    """Set keys of ``data``; a value of None deletes the key."""
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value


def demo_rows(demo_files: list[Path]) -> dict[tuple[str, str], dict[str, str]]:
    """The generated demo CSV rows of the council, by (indicator, period label)."""
    rows = {}
    for path in demo_files:
        with path.open(newline="") as f:
            for r in csv.DictReader(f):
                if r["area_code"] == HOME:
                    rows[(r["indicator"], r["period"])] = r
    return rows


# ----- the quarter's returns (tests/*/test_quarter.py) -----------------------------------------

#: The quarter after the demo data ends (nothing is stored for it yet), the day its returns are
#: due (20 days after it ends: params/calendar.yaml sets no date for it), and the directorate
#: whose returns are issued.
RETURNS_QUARTER = "2026/27 Q1"
RETURNS_DUE = dt.date(2026, 7, 20)
RETURNS_DIRECTORATE = "childrens-services"


def return_columns() -> dict[str, int]:
    """A return workbook's column number of each field, by name."""
    from perfkit.ingest.returned import NAMES

    return {name: n for n, name in enumerate(NAMES, start=1)}


def fill(path: Path, values: dict[str, dict[str, object]], out: Path | None = None) -> Path:
    """Fill a return as an owner would: the value (and commentary) of each named indicator's rows,
    in the cells the owner can edit (a locked cell, such as a words row's value, is left as issued)."""
    import openpyxl

    from perfkit.ingest.returned import DATA_SHEET, HEADER_ROW

    col = return_columns()
    book = openpyxl.load_workbook(path)
    ws = book[DATA_SHEET]
    for row in range(HEADER_ROW + 1, ws.max_row + 1):
        code = ws.cell(row, col["indicator"]).value
        for name, value in values.get(code, {}).items():
            if not ws.cell(row, col[name]).protection.locked:
                ws.cell(row, col[name]).value = value
    out = out or path
    book.save(out)
    return out


#: A return owners fill in the tests of issue 24 (rows read by key, change sets): Early Help's rate with its counts and words.
EARLY_HELP = "head-of-early-help-and-assessment"
FILLED = {"CS_REREF": {"value": 31.5, "numerator": 63, "denominator": 200, "commentary": "Up on last quarter: audit under way."},
          "CS_REFERRALS": {"value": 410}}


def stored(store: Path, code: str) -> dict[str, dict]:
    """The stored rows of ``code`` for the council, by period label."""
    from perfkit.store.store import Store

    with Store(store, read_only=True) as db:
        rows = db.observations([code], [HOME])
    return {r["period"].label: r for r in rows.to_dict("records")}


def data_rows(ws) -> list[int]:  # noqa: ANN001 - an openpyxl worksheet
    """The Return sheet's rows below the headings that hold a code."""
    from perfkit.ingest.returned import HEADER_ROW

    return [r for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, 1).value]


def sort_rows(path: Path, out: Path, reverse: bool = False) -> Path:
    """Sort the Return sheet's rows as a spreadsheet does: whole rows, every column (the hidden key too)."""
    import openpyxl

    from perfkit.ingest.returned import DATA_SHEET

    col = return_columns()
    book = openpyxl.load_workbook(path)
    ws = book[DATA_SHEET]
    rows = data_rows(ws)
    values = sorted(([ws.cell(r, c).value for c in range(1, ws.max_column + 1)] for r in rows),
                    key=lambda v: (str(v[col["indicator"] - 1]), str(v[col["period"] - 1])), reverse=reverse)
    for r, row in zip(rows, values):
        for c, value in enumerate(row, start=1):
            ws.cell(r, c).value = value
    book.save(out)
    return out


def set_target(root: Path, code: str, year: str, value: float) -> None:
    """Give a Children's Services indicator a target for ``year`` in the project's params."""
    import yaml

    path = root / "params" / "indicators" / "childrens_services.yaml"
    data = yaml.safe_load(path.read_text())
    entry = next(e for e in data["indicators"] if e["code"] == code)
    entry.setdefault("targets", {})[year] = value
    path.write_text(yaml.safe_dump(data, sort_keys=False))


# ----- the browser ---------------------------------------------------------------------------


def chromium():  # noqa: ANN201 - Playwright's context manager
    """Playwright, to drive Debian's Chromium; skipped where it is not installed (a failure under CI)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    return sync_playwright()


def pages_at(url: str, widths: tuple[int, ...] = (390, 1280)) -> Iterator[tuple[int, Any]]:
    """Debian's Chromium (driven by Playwright) showing ``url`` at each width: yields (width, page)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            for width in widths:
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto(url)
                yield width, page
                page.close()
        finally:
            browser.close()


# ----- PDF pages -----------------------------------------------------------------------------


def pdf_lines(path: Path) -> list[list[tuple[float, float, str]]]:
    """Each page of a PDF as its lines of text top to bottom, (top, bottom, text) in points
    (poppler's ``pdftotext -bbox-layout``), the page's footer included."""
    import xml.etree.ElementTree as ET

    xhtml = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for page in ET.fromstring(xhtml).iter("{http://www.w3.org/1999/xhtml}page"):
        lines = [(float(line.get("yMin")), float(line.get("yMax")), " ".join(w.text or "" for w in line))
                 for line in page.iter("{http://www.w3.org/1999/xhtml}line")]
        pages.append(sorted(lines))
    return pages


def run_cli_peak(cwd: Path, *args: str | Path, timeout: float = 900) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run ``python -m perfkit *args`` as :func:`run_cli` does (not checked), and measure the peak
    resident memory of that process in MB: a small wrapper runs it as its only child and reads
    ``getrusage(RUSAGE_CHILDREN)``, so nothing else this test process ran is counted."""
    wrapper = ("import resource, subprocess, sys; code = subprocess.run(sys.argv[1:]).returncode; "
               "print(f'PEAK_KB {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}', file=sys.stderr); sys.exit(code)")
    proc = subprocess.run([sys.executable, "-c", wrapper, sys.executable, "-m", "perfkit", *map(str, args)], cwd=cwd,
                          env=cli_env(cwd), capture_output=True, text=True, timeout=timeout)
    peak = [line for line in proc.stderr.splitlines() if line.startswith("PEAK_KB ")]
    assert peak, proc.stderr
    return proc, int(peak[-1].split()[1]) / 1024
