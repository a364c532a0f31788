"""Ingest throughput: a 1,000,000-row canonical CSV into a fresh store.

Run after README's set-up: ``python benchmarks/ingest.py [ROWS]``. Prints rows per second
for the whole import (read, validate, write) and for each step, and the pandas
``read_csv`` time of the same file as the floor any CSV import pays.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from perfkit.catalogue import load_catalogue
from perfkit.ingest import ingest
from perfkit.ingest.read import read_table
from perfkit.ingest.validate import validate
from perfkit.periods import Period

ROOT = Path(__file__).resolve().parents[1]


def make_file(path: Path, rows: int, catalogue) -> None:
    """Monthly percentage rows for many areas: realistic counts and values."""
    monthly = [c for c, i in catalogue.items() if i.frequency == "monthly" and i.aggregation.value == "rate" and i.unit.value == "%"]
    months = [p.label for p in Period.month(2021, 4).range_to(Period.month(2026, 3))]
    per_area = len(monthly) * len(months)
    areas = rows // per_area + 1
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        [(c, f"BM{a:07d}", f"Benchmark area {a}", m) for a in range(areas) for c in monthly for m in months][:rows],
        columns=["indicator", "area_code", "area_name", "period"],
    )
    den = rng.integers(50, 5000, len(frame))
    num = rng.binomial(den, 0.8)
    frame["value"] = np.round(num / den * 100, 1)
    frame["numerator"] = num
    frame["denominator"] = den
    frame.to_csv(path, index=False)


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    catalogue = load_catalogue(ROOT / "params")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.csv"
        make_file(path, rows, catalogue)
        t0 = time.perf_counter()
        pd.read_csv(path, dtype=str, keep_default_na=False)
        floor = time.perf_counter() - t0
        t0 = time.perf_counter()
        raw = read_table(path)
        t1 = time.perf_counter()
        validate(raw, catalogue, path.name)
        t2 = time.perf_counter()
        [report] = ingest([path], Path(folder) / "store.duckdb", catalogue)
        total = time.perf_counter() - t2
        assert report.result.added == rows, report.result
    print(f"rows: {rows:,}")
    print(f"ingest total: {total:.2f} s = {rows / total:,.0f} rows/s (target 250,000 rows/s)")
    print(f"  read: {t1 - t0:.2f} s, validate: {t2 - t1:.2f} s, write (rest): {total - (t2 - t0):.2f} s")
    print(f"pandas read_csv alone: {floor:.2f} s ({rows / floor:,.0f} rows/s)")


if __name__ == "__main__":
    main()
