"""The store kept safe: a backup restores to the same content, a damaged one is refused, and
perfkit's own writer never writes under a folder of publications."""

from __future__ import annotations

import json

import duckdb
import pytest

from perfkit.atomic import PUBLISHED_MARKER, write_text
from perfkit.errors import ConfigError, StoreError
from perfkit.store.backup import backup, content_hash, restore
from perfkit.store.store import Store

from ..helpers import run_cli, write_csv


def hashed(path) -> str:
    with duckdb.connect(str(path), read_only=True) as con:
        return content_hash(con)


def test_backup_then_restore_gives_the_same_content(demo_store, tmp_path):
    before = hashed(demo_store)
    copy, record = backup(demo_store, tmp_path / "kept" / "b.duckdb")
    assert record["content"] == before and json.loads((tmp_path / "kept" / "b.duckdb.json").read_text())["sha256"] == record["sha256"]
    with Store(demo_store) as db:  # the store changes after the backup
        db.con.execute("DELETE FROM observations WHERE indicator = 'HSG_TA'")
    assert hashed(demo_store) != before
    kept, _ = restore(copy, demo_store)
    assert hashed(demo_store) == before
    assert kept is not None and kept.is_file() and hashed(kept) != before  # the store replaced is kept, not lost


def test_a_damaged_backup_is_refused_and_the_store_left_alone(demo_store, tmp_path):
    copy, _ = backup(demo_store, tmp_path / "b.duckdb")
    before = hashed(demo_store)
    with open(copy, "r+b") as f:
        f.seek(5000)
        f.write(b"\x00damaged")
    with pytest.raises(StoreError, match="does not match its SHA-256"):
        restore(copy, demo_store)
    assert hashed(demo_store) == before
    with pytest.raises(StoreError, match="already exists; a backup never replaces"):
        backup(demo_store, copy)


def test_backup_and_restore_commands(project_dir, demo_store):
    store = project_dir / "data" / "perfkit.duckdb"
    store.parent.mkdir()
    store.write_bytes(demo_store.read_bytes())
    before = hashed(store)
    made = run_cli(project_dir, "backup").stdout
    copy = next((project_dir / "data" / "backups").glob("*.duckdb"))
    assert str(copy.name) in made and before[:16] in made
    run_cli(project_dir, "ingest", str(write_csv(project_dir / "new.csv",
                                                 "indicator,area_code,area_name,period,value\nHSG_TA,ZZ0000001,Kestrel Vale,2026/27 Q1,512\n")))
    assert hashed(store) != before
    said = run_cli(project_dir, "restore", str(copy)).stdout
    assert hashed(store) == before and "the store it replaced is kept as" in " ".join(said.split())


def test_perfkits_writer_refuses_a_path_under_publications(tmp_path):
    (tmp_path / "published").mkdir()
    (tmp_path / "published" / PUBLISHED_MARKER).write_text("")
    with pytest.raises(ConfigError, match="holds publications"):
        write_text(tmp_path / "published" / "2025-26-q2" / "housing" / "publication-1" / "paper.html", "replaced")
    (tmp_path / "link").symlink_to(tmp_path / "published")
    with pytest.raises(ConfigError, match="holds publications"):  # a link does not hide it
        write_text(tmp_path / "link" / "index.html", "x")
    write_text(tmp_path / "index.html", "beside it is fine")
    assert (tmp_path / "index.html").read_text() == "beside it is fine"
