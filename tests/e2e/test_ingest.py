"""Ingest, property-checked: a cell is trimmed in DuckDB's SQL exactly as Python strips it
(200 generated cells, each through DuckDB: seconds, so not in the fast subset)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.slow


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab1 ,.\t\n\r\x0b\x0c\x1c\x85\xa0\u1680\u2003\u2028\u3000é£")), max_size=12))
def test_cells_are_trimmed_as_python_strips_them(text):
    import duckdb

    from perfkit.ingest.parse import trimmed as _trimmed

    got = duckdb.connect().execute(f"SELECT {_trimmed('$cell')}", {"cell": text}).fetchall()[0][0]
    assert got == text.replace("\xa0", " ").strip()
