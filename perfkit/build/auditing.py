"""The paper audit (:mod:`perfkit.audit`) of the papers a build makes, each as soon as it is made.

A build lists what the audit finds in the papers it made (papers already up to date were
audited when they were built; ``perfkit audit`` audits a whole period again). Each paper is
audited in a thread of the build process while the workers build the next ones, sharing what
the audit recomputes from the store between the papers of a period. Why: audited after the
last report, the demo's 20 papers took 1.6 s at the end of every cold build, on one core
while the other stood idle (README "Measured").
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from pathlib import Path

from perfkit.build.job import JobResult
from perfkit.config.project import Project
from perfkit.periods import Period

__all__ = ["BuildAudit"]


class BuildAudit:
    """Audits each built paper handed to :meth:`add`; :meth:`findings` waits for the last."""

    def __init__(self, proj: Project) -> None:
        self.proj = proj
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._found: dict[Path, list] = {}
        self._error: Exception | None = None
        self._thread: threading.Thread | None = None

    def add(self, result: JobResult) -> None:
        """Audit ``result``'s paper (in the background) if it was built."""
        if result.status != "built" or not result.files.get("ipynb"):
            return
        if self._thread is None:
            # a daemon: a build stopped by an error (or Ctrl-C) is not kept alive by its audit
            self._thread = threading.Thread(target=self._run, name="perfkit-audit", daemon=True)
            self._thread.start()
        self._queue.put((result.job.period, Path(result.files["ipynb"])))

    def stop(self) -> None:
        """Wait for the papers handed so far to be audited."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None

    def findings(self, results: list[JobResult], note: Callable[[str], None]) -> list:
        """What the audit found, period by period (in the order of ``results``), each period's
        papers in the order of their paths, a finding said twice in a period once; an audit
        that could not run is ``note``\\d and finds nothing."""
        self.stop()
        if self._error is not None:
            exc = self._error
            note(f"the paper audit could not run ({type(exc).__name__}: {exc}); run `perfkit audit` for the details")
            return []
        built: dict[Period, list[Path]] = {}
        for r in results:
            if r.status == "built" and r.files.get("ipynb"):
                built.setdefault(r.job.period, []).append(Path(r.files["ipynb"]))
        return [f for paths in built.values() for f in dict.fromkeys(f for path in sorted(paths) for f in self._found.get(path, []))]

    def _run(self) -> None:
        from perfkit.audit import Auditor

        auditor = None
        try:
            while (item := self._queue.get()) is not None:
                if self._error is not None:
                    continue  # drained, not audited: the build says the audit could not run
                period, path = item
                try:
                    auditor = auditor or Auditor(self.proj.store, self.proj.params)
                    self._found[path] = auditor.audit(path, period)
                except Exception as exc:  # noqa: BLE001 - the papers are built; an audit that cannot read them is said, not fatal
                    self._error = exc
        finally:
            if auditor is not None:
                auditor.close()
