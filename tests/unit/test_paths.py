from pathlib import Path

from perfkit.config.project import project


def test_project_is_found_from_a_subfolder(project_dir, monkeypatch):
    monkeypatch.delenv("PERFKIT_HOME")
    (project_dir / "notebooks").mkdir()
    monkeypatch.chdir(project_dir / "notebooks")
    assert project().root == project_dir.resolve()
    assert project().store == project_dir.resolve() / "data" / "perfkit.duckdb"


def test_store_override_order(project_dir, monkeypatch, tmp_path):
    assert project().store == project_dir.resolve() / "data" / "perfkit.duckdb"
    monkeypatch.setenv("PERFKIT_STORE", str(tmp_path / "env.duckdb"))
    assert project().store == tmp_path / "env.duckdb"
    assert project(store=tmp_path / "flag.duckdb").store == Path(tmp_path / "flag.duckdb")
