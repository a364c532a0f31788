"""Import data files into the store: read (:mod:`~perfkit.ingest.read`), through a
publisher's mapping (:mod:`~perfkit.ingest.sources`) or as a returned workbook
(:mod:`~perfkit.ingest.returned`), validate (:mod:`~perfkit.ingest.validate`), then write all
or nothing (:mod:`~perfkit.ingest.run`)."""

from perfkit.ingest.run import MAX_KEPT, MAX_SHOWN, IngestReport, Problem, ingest

__all__ = ["MAX_KEPT", "MAX_SHOWN", "IngestReport", "Problem", "ingest"]
