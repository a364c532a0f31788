"""The store survives failures: an exception or a killed process mid-import changes nothing
(random imports, property-checked, are in tests/e2e/test_store.py)."""

import subprocess
import sys
import textwrap

import pytest

from perfkit.errors import StoreError
from perfkit.ingest import ingest
from perfkit.store.store import Store

from ..helpers import PARAMS, TODAY, assert_same_store, dump_store, write_csv

HEADER = "indicator,area_code,area_name,period,value,numerator,denominator,status,note\n"


def _two_files(tmp_path):
    a = write_csv(tmp_path / "a.csv", HEADER + "HSG_TA,ZZ0000001,Kestrel Vale,2025/26 Q1,1,,,,\nHSG_TA,ZZ0000001,Kestrel Vale,2021/22 Q1,999,,,,\n")
    b = write_csv(tmp_path / "b.csv", HEADER + "HSG_TA,ZZ0000002,Ashcombe Vale,2025/26 Q1,2,,,,\n")
    return a, b


def test_exception_mid_import_rolls_back_everything(tmp_path, demo_store, catalogue, monkeypatch):
    before = dump_store(demo_store)
    original = Store._write_one
    calls = []

    def fail_on_second(self, frame, meta):
        calls.append(meta["file_name"])
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(self, frame, meta)

    monkeypatch.setattr(Store, "_write_one", fail_on_second)
    with pytest.raises(RuntimeError, match="disk full"):
        ingest(_two_files(tmp_path), demo_store, catalogue, today=TODAY)
    assert calls == ["a.csv", "b.csv"]
    assert_same_store(before, dump_store(demo_store))


@pytest.mark.parametrize("when", ["after_rows", "before_commit"])
def test_killed_process_mid_import_leaves_store_as_it_was(tmp_path, demo_store, when):
    before = dump_store(demo_store)
    a, b = _two_files(tmp_path)
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        import datetime as dt
        from perfkit.store.store import Store
        from perfkit.config.catalogue import load_catalogue
        from perfkit.ingest import ingest

        original = Store._write_one
        done = []
        def crash(self, frame, meta):
            result = original(self, frame, meta)
            done.append(result)
            if {when!r} == "after_rows" or len(done) == 2:
                os.kill(os.getpid(), signal.SIGKILL)
            return result
        Store._write_one = crash
        ingest([{str(a)!r}, {str(b)!r}], {str(demo_store)!r}, load_catalogue({str(PARAMS)!r}), today=dt.date(2026, 11, 23))
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert proc.returncode == -9, proc.stderr
    assert_same_store(before, dump_store(demo_store))
    # and the store still takes a good import afterwards
    from perfkit.config.catalogue import load_catalogue

    [report, _] = ingest([a, b], demo_store, load_catalogue(PARAMS), today=TODAY)
    assert report.result.revised == 2


def test_read_only_store_must_exist(tmp_path):
    with pytest.raises(StoreError, match="perfkit demo"):
        Store(tmp_path / "none.duckdb", read_only=True)


def test_observations_filters_in_the_database(demo_store):
    from perfkit.periods import parse_period

    with Store(demo_store, read_only=True) as db:
        some = db.observations(["HSG_TA"], ["ZZ0000001"], parse_period("2024/25"), parse_period("2024/25"))
    assert set(some["indicator"]) == {"HSG_TA"} and set(some["area_code"]) == {"ZZ0000001"}
    assert [p.label for p in some["period"]] == [f"2024/25 Q{i}" for i in range(1, 5)]


def test_a_store_made_by_an_earlier_perfkit_is_brought_up_to_date_when_read(tmp_path, demo_store, monkeypatch):
    """A store from before quality flags and publications (no such column, no such tables) is read,
    not called damaged: opening it read-only brings its tables up to date first, its rows kept."""
    import shutil

    import duckdb

    old = tmp_path / "old.duckdb"
    shutil.copy(demo_store, old)
    columns_sorted = lambda tables: {k: v.sort_index(axis=1) for k, v in tables.items()}  # noqa: E731 - a new column comes last
    before = columns_sorted(dump_store(old))
    con = duckdb.connect(str(old))
    for table in ("observations", "revisions"):
        con.execute(f"ALTER TABLE {table} DROP COLUMN quality")
    con.execute("DROP TABLE publication_files")
    con.execute("DROP TABLE publications")
    con.execute("DROP TABLE perfkit_store")  # an earlier perfkit did not mark its stores
    con.close()
    with Store(old, read_only=True) as db:
        rows = db.observations(["HSG_TA"], ["ZZ0000001"])
        assert len(rows) and rows["quality"].isna().all()
        assert db.con.execute("SELECT count(*) FROM publications").fetchall() == [(0,)]
    after = columns_sorted(dump_store(old))
    assert after.pop("perfkit_store")["made_by"].notna().all()  # marked as it was brought up to date
    before.pop("perfkit_store")
    assert_same_store(before, after)
    con = duckdb.connect(str(old))
    con.execute("ALTER TABLE observations DROP COLUMN quality")
    con.execute("DROP TABLE perfkit_store")
    con.close()
    reader = subprocess.Popen([sys.executable, "-c", f"import duckdb, sys, time; c = duckdb.connect({str(old)!r}, read_only=True); "
                               "print('open', flush=True); time.sleep(60)"], stdout=subprocess.PIPE, text=True)
    monkeypatch.setenv("PERFKIT_LOCK_WAIT", "0")  # no waiting for the reader to let go
    try:  # another program reads it meanwhile: a clear message, not "damaged"
        assert reader.stdout.readline().strip() == "open"
        with pytest.raises(StoreError, match="made by an earlier perfkit.*run any `perfkit ingest` on it when nothing else has it open"):
            Store(old, read_only=True)
    finally:
        reader.kill()
        reader.wait()
