"""The DuckDB store: every SQL statement on it, its snapshots and batches."""

from perfkit.store.store import BatchResult, Store

__all__ = ["BatchResult", "Store"]
