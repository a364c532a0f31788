"""Where a build's reports run: here one after another, in worker processes, or on Dask.

An executor takes a task (one report: :func:`perfkit.build.job.run_job` with the build's
arguments bound) and the jobs, runs them, hands each result to ``on_done`` as it finishes
and returns them all in the order of the jobs. The batch never stops early: a report's
failure is its result. Worker processes die with the build (even killed with SIGKILL), and
each keeps one warm kernel (:mod:`perfkit.build.kernels`) unless told otherwise.
"""

from __future__ import annotations

import abc
import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from typing import Any

from perfkit.errors import PerfkitError

__all__ = ["WARM", "WORKER_MEMORY", "Dask", "Executor", "Processes", "Serial", "stop_pool", "warm_kernel", "worker_count"]

#: Each worker thread's warm kernel (its attribute ``kernel``), when warm kernels are on: a
#: worker process runs its reports in its main thread; a Dask worker in its own threads.
WARM = threading.local()

#: What one build worker and its warm kernel hold (about 470 MB each on the demo's reports).
WORKER_MEMORY = 500 * 2**20

Task = Callable[[Any], Any]


class Executor(abc.ABC):
    """Runs tasks; subclasses say where, through :meth:`_session`. ``env`` is what the reports'
    kernels find in their environment (the project, the store, the build's git commit): the
    one place it is set, in a worker process, or here for the run only."""

    def __init__(self, env: dict[str, str], warm: bool = True) -> None:
        self.env, self.warm = dict(env), warm
        self._open: tuple[Callable, Callable] | None = None

    @contextlib.contextmanager
    def started(self) -> Iterator[None]:
        """Start the workers now, for :meth:`run` inside the block: each worker's warm kernel
        starts (about a second of start-up and imports) while the build does its other work
        (checking the data), not after it."""
        with self._session() as session:
            self._open = session
            self._start(session[0])
            try:
                yield
            finally:
                self._open = None

    def run(self, task: Task, jobs: list, on_done: Callable[[Any], None] | None = None) -> list:
        if self._open is not None:
            return self._run(self._open, task, jobs, on_done)
        with self._session() as session:
            return self._run(session, task, jobs, on_done)

    @staticmethod
    def _run(session: tuple[Callable, Callable], task: Task, jobs: list, on_done: Callable[[Any], None] | None) -> list:
        submit, completed = session
        done: dict[int, Any] = {}
        futures = {submit(task, job): i for i, job in enumerate(jobs)}
        for future in completed(futures):
            done[futures[future]] = future.result()
            if on_done:
                on_done(done[futures[future]])
        return [done[i] for i in sorted(done)]

    def _start(self, submit: Callable) -> None:
        """Start the workers of a session (where there are any to start)."""

    @abc.abstractmethod
    def _session(self) -> contextlib.AbstractContextManager:
        """Yields (submit, completed): how a task is started, and the futures as they finish."""


class Serial(Executor):
    """In this process, one report after another, a new kernel for each (``--cold-kernels --jobs 1``)."""

    @contextlib.contextmanager
    def _session(self) -> Iterator[tuple[Callable, Callable]]:
        def submit(task: Task, job: Any) -> Future:
            future: Future = Future()
            future.set_result(task(job))
            return future

        with environment(self.env):
            yield submit, iter


class Processes(Executor):
    """``workers`` worker processes on this machine, each with its warm kernel (unless ``warm`` is False)."""

    def __init__(self, workers: int, env: dict[str, str], warm: bool = True) -> None:
        super().__init__(env, warm)
        self.workers = workers

    @contextlib.contextmanager
    def _session(self) -> Iterator[tuple[Callable, Callable]]:
        from concurrent.futures import ProcessPoolExecutor, as_completed

        pool = ProcessPoolExecutor(max_workers=self.workers, initializer=start_worker, initargs=(self.env, self.warm))
        try:
            yield pool.submit, as_completed
        except BaseException:  # Ctrl-C (or a failure) here: the workers stop now, not after their reports
            stop_pool(pool)
            raise
        pool.shutdown(wait=True)

    def _start(self, submit: Callable) -> None:
        # a pool starts its processes as tasks arrive: one task each, which does nothing
        for _ in range(self.workers):
            submit(_nothing, None)


def stop_pool(pool: Any, wait: float = 3.0) -> None:
    """End ``pool``'s worker processes at once, with the kernels they run (each in a session of
    its own, so Ctrl-C never reached them) and anything those started: their reports are left
    unfinished, each report's files never half-written (:mod:`perfkit.atomic`)."""
    import psutil

    processes = list((getattr(pool, "_processes", None) or {}).values())  # the standard library's pool keeps them here
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            for child in psutil.Process(process.pid).children(recursive=True):  # its kernel first: killed, it says nothing
                child.kill()
            process.kill()
    ends = time.monotonic() + wait
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(max(0.0, ends - time.monotonic()))


def _nothing(_: object) -> None:
    """A task that starts a worker process and does nothing more."""


class Dask(Executor):
    """One Dask task per report on the cluster at ``scheduler`` (``pip install 'perfkit[dask]'``);
    each worker thread keeps a warm kernel for the project, started with its first report."""

    def __init__(self, scheduler: str, env: dict[str, str], warm: bool = True) -> None:
        super().__init__(env, warm)
        self.scheduler = scheduler

    @contextlib.contextmanager
    def _session(self) -> Iterator[tuple[Callable, Callable]]:
        try:
            from dask.distributed import Client, as_completed
        except ImportError:
            raise PerfkitError("--scheduler needs dask.distributed: pip install 'perfkit[dask]'") from None
        with Client(self.scheduler) as client:
            yield (lambda task, job: client.submit(_on_dask_worker, task, job, self.env, self.warm, pure=False)), as_completed


def _on_dask_worker(task: Task, job: Any, env: dict[str, str], warm: bool) -> Any:
    """A report on a Dask worker: in this thread's warm kernel, started for this project on
    first use (a kernel started for another project's build is replaced); a cold kernel
    finds the project in the environment, set for the report only."""
    if warm and getattr(WARM, "project", None) != env:
        if getattr(WARM, "kernel", None) is not None:
            WARM.kernel.shutdown()
        _warm_up(env)
    with environment(env):  # a kernel started during the report (cold, or replacing the warm one) finds the project
        return task(job)


def _warm_up(env: dict[str, str]) -> None:
    """This thread's warm kernel, started with the project its reports read (in its environment)."""
    from multiprocessing.util import Finalize

    from perfkit.build.kernels import WarmKernel

    with environment(env):
        WARM.kernel, WARM.project = WarmKernel(), dict(env)
    Finalize(WARM.kernel, WARM.kernel.shutdown, exitpriority=10)  # shut down when the worker exits (it also polls its worker)


def warm_kernel() -> Any:
    """This thread's warm kernel, or None (a report then starts a kernel of its own)."""
    return getattr(WARM, "kernel", None)


@contextlib.contextmanager
def environment(env: dict[str, str]) -> Iterator[None]:
    """This process's environment with ``env`` while the block runs, restored afterwards."""
    before = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for key, value in before.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def start_worker(env: dict[str, str], warm: bool) -> None:
    """Worker initializer: die with the build, set the project for kernels (a worker process
    is the build's own, so its environment is set for its life), and start this worker's
    warm kernel (when warm kernels are on)."""
    _die_with_parent(os.getppid())
    if hasattr(os, "setpgid"):  # a process group of its own: a terminal's Ctrl-C reaches the build alone, which stops its workers (stop_pool)
        os.setpgid(0, 0)
    os.environ.update(env)
    if warm:
        _warm_up(env)


def _die_with_parent(parent: int) -> None:
    """End this worker as soon as the build that started it is gone (even killed with
    SIGKILL, when nothing can tell it). Its kernels, which poll their own parent (the
    worker) the same way, follow within a second."""
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="perfkit-parent-watch", daemon=True).start()


def worker_count(requested: int | None, reports: int) -> tuple[int, str]:
    """Worker processes for a build: as many as asked (default: one per core), but no more
    than there are reports, nor than the memory now free holds; and a note saying why
    when fewer than asked are used."""
    import psutil

    available = psutil.virtual_memory().available
    fits = max(1, available // WORKER_MEMORY)
    wanted = requested or os.cpu_count() or 1
    count = max(1, min(wanted, reports, fits))
    if requested is None or count == requested:
        return count, ""
    why = (f"there are {reports} report(s) to build" if count == reports
           else f"the {available / 2**30:.1f} GB of memory free holds {fits} at about {WORKER_MEMORY / 2**30:.1f} GB each")
    return count, f"--jobs {requested}: {count} worker(s), as {why}"
