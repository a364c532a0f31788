"""The store, property-checked with generated imports (about a hundred imports into fresh stores:
seconds, so not in the fast subset): random rows raise nothing but perfkit's errors, and keys
stay unique with the latest import winning."""

import csv
import io
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfkit.errors import IngestError
from perfkit.ingest import ingest
from perfkit.store.store import Store

from ..helpers import TODAY, dump_store

pytestmark = pytest.mark.slow


cells = st.one_of(
    st.sampled_from(["", "c", "x", "low", "45%", "£12", "1,234", "-3", "0", "12.5", "1e5", "abc", " 7 "]),
    st.text(max_size=8),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(-10, 10_000).map(str),
)
rows = st.lists(
    st.tuples(
        st.sampled_from(["HSG_TA", "CS_REREF", "RES_CALLS", "ASC_HOMECARE_COST", "NOPE", ""]),
        st.sampled_from(["ZZ0000001", "ZZ0000002", "", "bad code!"]),
        st.sampled_from(["Kestrel Vale", "Ashcombe Vale", ""]),
        st.sampled_from(["2025/26 Q1", "2025-05", "2024/25", "Q5 2025/26", "2025/27", "", "2090/91 Q1"]),
        cells,
        cells,
        cells,
        st.sampled_from(["", "ok", "provisional", "suppressed", "missing", "weird"]),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows)
def test_random_rows_never_raise_anything_but_perfkit_errors(catalogue, data):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["indicator", "area_code", "area_name", "period", "value", "numerator", "denominator", "status"])
    writer.writerows(data)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random.csv"
        path.write_text(out.getvalue(), encoding="utf-8")
        store = Path(folder) / "s.duckdb"
        try:
            [report] = ingest([path], store, catalogue, today=TODAY)
        except IngestError:
            assert not store.exists() or dump_store(store)["observations"].empty
            return
        with Store(store, read_only=True) as db:
            assert len(db.observations()) == report.result.added
        assert os.path.getsize(store) > 0


valid_rows = st.dictionaries(
    st.tuples(st.sampled_from(["HSG_TA", "HSG_PREVENT"]), st.sampled_from(["ZZ0000001", "ZZ0000002"]), st.sampled_from(["2025/26 Q1", "2025/26 Q2", "2024/25 Q4"])),
    st.integers(0, 100),
    min_size=1,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(valid_rows, min_size=1, max_size=4))
def test_keys_stay_unique_and_the_latest_import_wins(catalogue, imports):
    """The store keeps one row per key by how it writes (no index does it): check it does."""
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "s.duckdb"
        expected, revised = {}, 0
        for number, rows in enumerate(imports):
            revised += sum(1 for k, v in rows.items() if k in expected and expected[k] != v)
            path = Path(folder) / f"import_{number}.csv"
            lines = [f"{i},{a},Area {a[-1]},{p},{v}" for (i, a, p), v in rows.items()]
            path.write_text("indicator,area_code,area_name,period,value\n" + "\n".join(lines) + "\n", encoding="utf-8")
            ingest([path], store, catalogue, today=TODAY)
            expected.update(rows)
        with Store(store, read_only=True) as db:
            obs = db.observations()
            revisions = db.revisions()
        got = {(r.indicator, r.area_code, r.period.label): r.value for r in obs.itertuples()}
        assert len(obs) == len(got) == len(expected)
        assert got == expected
        assert len(revisions) == revised
