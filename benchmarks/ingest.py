"""Ingest throughput: a 1,000,000-row canonical CSV into a fresh store.

Run after README's set-up: ``python benchmarks/ingest.py [ROWS]``. Prints rows per second
for the whole import (read, check, write), DuckDB's own time to read the same file as
the floor any CSV import pays, and the peak memory.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from perfkit.config.catalogue import load_catalogue
from perfkit.ingest import ingest
from perfkit.periods import Period

ROOT = Path(__file__).resolve().parents[1]


def make_file(path: Path, rows: int, catalogue) -> None:
    """Monthly percentage rows for many areas, written by DuckDB (10 million rows in seconds)."""
    monthly = [c for c, i in catalogue.items() if i.frequency == "monthly" and i.aggregation.value == "rate" and i.unit.value == "%"]
    months = [p.label for p in Period.month(2021, 4).range_to(Period.month(2026, 3))]
    per_area = len(monthly) * len(months)
    con = duckdb.connect()
    con.execute("SELECT setseed(0.1)")
    con.execute(
        f"""COPY (
            SELECT indicator, printf('BM%07d', a) AS area_code, 'Benchmark area ' || a AS area_name, period,
                   round(num / den * 100, 1) AS value, num AS numerator, den AS denominator
            FROM (SELECT *, floor(den * (0.6 + 0.35 * random()))::BIGINT AS num
                  FROM (SELECT a, indicator, period, 50 + floor(random() * 4950)::BIGINT AS den
                        FROM range({rows // per_area + 1}) t(a), (SELECT unnest(?::VARCHAR[]) AS indicator),
                             (SELECT unnest(?::VARCHAR[]) AS period)))
            LIMIT {rows}
        ) TO '{path}' (HEADER, DELIMITER ',')""",
        [monthly, months],
    )
    con.close()


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    catalogue = load_catalogue(ROOT / "params")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.csv"
        make_file(path, rows, catalogue)
        t0 = time.perf_counter()
        duckdb.sql(f"SELECT count(*) FROM read_csv('{path}', all_varchar = true)").fetchall()
        floor = time.perf_counter() - t0
        t0 = time.perf_counter()
        [report] = ingest([path], Path(folder) / "store.duckdb", catalogue)
        total = time.perf_counter() - t0
        assert report.result.added == rows, report.result
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"rows: {rows:,}")
    print(f"ingest (read, check, write, commit): {total:.2f} s = {rows / total:,.0f} rows/s (target 250,000 rows/s)")
    print(f"DuckDB reading the file alone: {floor:.2f} s ({rows / floor:,.0f} rows/s)")
    print(f"peak RSS of this process: {peak:,.0f} MB (target < 2,048 MB)")


if __name__ == "__main__":
    main()
