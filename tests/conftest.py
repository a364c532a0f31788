"""Shared fixtures: the repo's params, fresh stores, the demo store, the public data, a quarter's
returns. Helpers that are not fixtures (paths, ``run_cli``, ...) are in ``tests/helpers.py``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from perfkit.config.catalogue import Catalogue, load_catalogue
from perfkit.config.council import load_council
from perfkit.ingest import ingest
from perfkit.scaffold.demo import write_demo_files

from .helpers import C1, PARAMS, PLANNING, RETURNS_DIRECTORATE, RETURNS_QUARTER, TODAY, require_shared_data, shipped_mapping


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


@pytest.fixture()
def public_store(tmp_path, shared_data, catalogue) -> Path:
    """A store holding DfE's C1 file and LG Inform's planning file, through their shipped mappings."""
    store = tmp_path / "public.duckdb"
    ingest([shared_data / C1], store, catalogue, today=TODAY, mapping=shipped_mapping("dfe_c1_referrals"))
    ingest([shared_data / PLANNING], store, catalogue, today=TODAY, mapping=shipped_mapping("lginform_planning_major"))
    return store


@pytest.fixture(scope="session")
def quarter_master(tmp_path_factory, demo_store_master) -> tuple[Path, list[str]]:
    """The demo project with its Children's Services returns for 2026/27 Q1 issued, made once:
    each test gets a copy (:func:`quarter`)."""
    from perfkit.periods import parse_period
    from perfkit.returns.workbook import write_returns

    root = tmp_path_factory.mktemp("quarter")
    shutil.copytree(PARAMS, root / "params")
    (root / "data").mkdir()
    shutil.copy(demo_store_master, root / "data" / "perfkit.duckdb")
    paths = write_returns(root, parse_period(RETURNS_QUARTER), [RETURNS_DIRECTORATE], store=root / "data" / "perfkit.duckdb")
    return root, [p.relative_to(root).as_posix() for p in paths]


@pytest.fixture()
def quarter(project_dir, quarter_master):
    """A demo project whose store holds the demo data (to 2025/26 Q4), and its Children's
    Services returns for 2026/27 Q1: (project folder, store, {workbook stem: path})."""
    root, paths = quarter_master
    for folder in (p.name for p in root.iterdir() if p.name != "params"):
        shutil.copytree(root / folder, project_dir / folder)
    store = project_dir / "data" / "perfkit.duckdb"
    return project_dir, store, {Path(p).stem: project_dir / p for p in paths}
