"""A store is perfkit's or it is refused (issue 26): the marker, a store made before it, a
newer perfkit's store, an empty file, and a second writer told who holds the store."""

from __future__ import annotations

import logging
import subprocess
import sys

import duckdb
import pytest

from perfkit.errors import StoreError
from perfkit.store.identity import SCHEMA_VERSION
from perfkit.store.store import Store


def _tables(path):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {t for (t,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    finally:
        con.close()


def test_a_new_store_is_marked_with_its_schema_version(tmp_path):
    with Store(tmp_path / "new.duckdb") as db:
        assert db.con.execute("SELECT schema_version FROM perfkit_store").fetchall() == [(SCHEMA_VERSION,)]


def test_a_store_from_before_the_marker_is_recognised_brought_up_to_date_and_says_so(demo_store, caplog):
    con = duckdb.connect(str(demo_store))
    con.execute("DROP TABLE perfkit_store")
    con.execute("ALTER TABLE observations DROP COLUMN headline")
    con.execute("ALTER TABLE revisions DROP COLUMN headline")
    con.close()
    with caplog.at_level(logging.WARNING, logger="perfkit"), Store(demo_store, read_only=True) as db:
        assert db.con.execute("SELECT count(*) FROM observations WHERE headline IS NULL").fetchall()[0][0] > 0
    assert "made by an earlier perfkit" in caplog.text and "brought up to date" in caplog.text
    assert "perfkit_store" in _tables(demo_store)


def test_a_foreign_table_beside_perfkits_makes_the_file_foreign(demo_store):
    con = duckdb.connect(str(demo_store))
    con.execute("DROP TABLE perfkit_store")
    con.execute("CREATE TABLE sensors (id INTEGER)")
    con.close()
    before = demo_store.read_bytes()
    with pytest.raises(StoreError, match="perfkit did not make .*sensors.* leaves it untouched"):
        Store(demo_store)
    assert demo_store.read_bytes() == before


def test_a_store_from_a_newer_perfkit_is_refused(demo_store):
    con = duckdb.connect(str(demo_store))
    con.execute("INSERT INTO perfkit_store VALUES (?, '9.9.9', current_timestamp::TIMESTAMP)", [SCHEMA_VERSION + 1])
    con.close()
    with pytest.raises(StoreError, match=r"newer perfkit \(9\.9\.9.*pip install -U perfkit"):
        Store(demo_store, read_only=True)


@pytest.mark.parametrize("content", [b"", b"indicator,area_code\nHSG_TA,X\n", b"PK\x03\x04" + b"\x00" * 40])
def test_a_file_that_is_not_a_duckdb_database_is_refused_untouched(tmp_path, content):
    path = tmp_path / "store.duckdb"
    path.write_bytes(content)
    with pytest.raises(StoreError, match="not a perfkit store; perfkit leaves it untouched"):
        Store(path)
    assert path.read_bytes() == content


def test_a_second_writer_waits_then_names_the_command_holding_the_store(tmp_path, monkeypatch):
    path = tmp_path / "s.duckdb"
    Store(path).close()
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(path)!r}); print('open', flush=True); "
                               "time.sleep(60)", "perfkit-ingest-marker"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        monkeypatch.setenv("PERFKIT_LOCK_WAIT", "0.5")
        with pytest.raises(StoreError) as caught:
            Store(path)
        said = str(caught.value)
        assert "in use by `python" in said and "perfkit-ingest-marker" in said and f"(process {holder.pid})" in said, said
        assert "waited 0.5 s" in said and "Conflicting lock" not in said
    finally:
        holder.kill()
        holder.wait()
