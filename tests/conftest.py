"""Shared fixtures: the repo's params, fresh stores, the demo store, the public data."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from perfkit.config.catalogue import Catalogue, load_catalogue
from perfkit.config.council import load_council
from perfkit.scaffold.demo import write_demo_files
from perfkit.ingest import ingest
from perfkit.store.store import Store

ROOT = Path(__file__).resolve().parents[1]
PARAMS = ROOT / "params"
SHARED_DATA = ROOT.parent / "shared" / "data" / "public"
TODAY = dt.date(2026, 11, 23)
BAD_INPUTS = Path(__file__).parent / "bad_inputs"


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue(PARAMS)


@pytest.fixture(scope="session")
def council():
    return load_council(PARAMS)


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory, catalogue, council) -> list[Path]:
    return write_demo_files(catalogue, council, tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="session")
def demo_store_master(tmp_path_factory, demo_files, catalogue) -> Path:
    path = tmp_path_factory.mktemp("store") / "demo.duckdb"
    ingest(demo_files, path, catalogue, today=TODAY)
    return path


@pytest.fixture()
def demo_store(tmp_path, demo_store_master) -> Path:
    """A private copy of the demo store that a test may change."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_store_master, path)
    return path


@pytest.fixture()
def project_dir(tmp_path, monkeypatch) -> Path:
    """A throwaway project folder with the repo's params, as PERFKIT_HOME."""
    shutil.copytree(PARAMS, tmp_path / "params")
    monkeypatch.setenv("PERFKIT_HOME", str(tmp_path))
    monkeypatch.delenv("PERFKIT_STORE", raising=False)
    return tmp_path


@pytest.fixture()
def shared_data() -> Path:
    """../shared/data/public: skipped where absent, a failure under CI."""
    return require_shared_data()


def require_shared_data() -> Path:
    """:func:`shared_data` for fixtures of a wider scope."""
    if not SHARED_DATA.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but the public data folder {SHARED_DATA} is missing")
        pytest.skip(f"{SHARED_DATA} is not beside this clone (only the developers' checkout has it)")
    return SHARED_DATA


def dump_store(path: Path) -> dict[str, pd.DataFrame]:
    """Every table of a store, sorted, for byte-for-byte comparisons."""
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


def pages_at(url: str, widths: tuple[int, ...] = (390, 1280)):
    """Debian's Chromium (driven by Playwright) showing ``url`` at each width: yields (width, page)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        try:
            for width in widths:
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto(url)
                yield width, page
                page.close()
        finally:
            browser.close()
