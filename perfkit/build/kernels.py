"""Kernels for report notebooks: IPC sockets with a unique path each.

Kernels started side by side on TCP can collide on ports ("ZMQError: Address already in
use", papermill issue 511). On IPC transport each kernel's sockets are files under this
process's own temporary folder, so parallel builds cannot collide (and nothing listens on
the network).
"""

from __future__ import annotations

import atexit
import functools
import os
import tempfile
import uuid

from jupyter_client import AsyncKernelManager
from traitlets import default

__all__ = ["IPCKernelManager"]


class IPCKernelManager(AsyncKernelManager):
    """An AsyncKernelManager on IPC transport with a unique socket path per kernel."""

    @default("transport")
    def _default_transport(self) -> str:
        return "ipc"

    @default("ip")
    def _default_ip(self) -> str:
        folder = os.path.join(tempfile.gettempdir(), f"perfkit-kernels-{os.getpid()}")
        if not os.path.isdir(folder):
            os.makedirs(folder, exist_ok=True)
            atexit.register(_remove_if_empty, folder)
        return os.path.join(folder, uuid.uuid4().hex[:12])


def _remove_if_empty(folder: str) -> None:
    try:
        os.rmdir(folder)
    except OSError:
        pass


# ----- warm kernels ---------------------------------------------------------------------
# A build worker keeps one kernel running, with perfkit and its libraries imported, and
# runs report after report in it. Between reports the user namespace is cleared and
# matplotlib's and pandas' settings are reset; if a report left anything else changed (a
# module attribute replaced, i.e. a monkeypatch), the kernel is restarted. Start-up and
# imports are paid once per worker, not once per report.

# A figure drawn and closed settles matplotlib's backend, which rebinds pyplot functions
# (draw_if_interactive): settled after the snapshot, it would read as a report's monkeypatch
# and restart the kernel after every report that draws a chart.
_WARM_UP = """\
import perfkit, perfkit.report, perfkit.render.exporters, matplotlib.pyplot, seaborn, pandas, numpy
matplotlib.pyplot.close(matplotlib.pyplot.figure())
"""
# %reset -f, without the full garbage collection IPython runs after it (~0.3 s with pandas
# and matplotlib loaded; reference counting frees the report's objects, and Python's own
# collector still runs as usual). A function, because reset deletes the cell's globals.
_RESET = """\
def _perfkit_reset(gc=__import__("gc"), ip=get_ipython()):
    collect = gc.collect
    gc.collect = lambda *args, **kwargs: 0
    try:
        ip.reset(new_session=False)
    finally:
        gc.collect = collect
_perfkit_reset()
import warnings as _w, matplotlib as _mpl, matplotlib.pyplot as _plt, pandas as _pd
_plt.close("all")
_mpl.rcdefaults()
with _w.catch_warnings():
    _w.simplefilter("ignore")
    _pd.reset_option("all")
del _w, _mpl, _plt, _pd
"""
_SNAPSHOT = """\
import sys as _s
_s._perfkit_baseline = {
    _n: {k: id(v) for k, v in vars(_m).items() if not k.startswith("_")}
    for _n, _m in list(_s.modules.items())
    if _m is not None and _n.split(".")[0] in ("perfkit", "pandas", "numpy", "matplotlib", "seaborn")
}
del _s
"""
# dirty when a module attribute that existed after warm-up now points elsewhere (a monkeypatch)
_CHECK = """\
import sys as _s
_dirty = [f"{_n}.{k}" for _n, _attrs in _s._perfkit_baseline.items() if _s.modules.get(_n) is not None
          for k, i in _attrs.items() if id(vars(_s.modules[_n]).get(k)) != i]
print(_dirty[0] if _dirty else "clean")
del _s, _dirty
"""


#: A warm kernel holding more than this after its reset is let go, and a new one started when
#: the next report needs it: a paper of 1,000 indicators leaves its kernel near 1 GB (Python
#: keeps what it freed), which would otherwise sit beside the worker while it typesets the PDF.
#: The demo's papers leave theirs near 300 MB.
KEPT_MEMORY = 600 * 2**20


class WarmKernel:
    """One long-lived kernel for a build worker (see the comment above)."""

    def __init__(self, kernel_name: str = "python3") -> None:

        self.kernel_name = kernel_name
        self.restarts = 0
        self.why = ""  # why the kernel was last replaced
        self._let_go = False  # stopped for its memory: started again by the next report
        self._start()

    def _start(self) -> None:
        """A new kernel (with new connection files) and one client for it, kept for every
        notebook (see :func:`_register_engine`), warmed up and snapshotted."""
        from jupyter_client.utils import run_sync

        self.km = IPCKernelManager(kernel_name=self.kernel_name)
        run_sync(self.km.start_kernel)()
        self.kc = self.km.client()
        self.kc.start_channels()
        run_sync(self.kc.wait_for_ready)(timeout=60)
        self._run(_WARM_UP, _SNAPSHOT)

    @property
    def papermill_args(self) -> dict:
        """What papermill's execute_notebook needs to run a notebook in this kernel."""
        _register_engine()
        if self._let_go:
            self._let_go = False
            self.restarts += 1
            self._start()
        return {"engine_name": _ENGINE, "km": self.km, "kc": self.kc}

    def _memory(self) -> int:
        """The kernel process's resident memory in bytes (0 when it cannot be read)."""
        import psutil

        try:
            return psutil.Process(self.km.provisioner.process.pid).memory_info().rss
        except (AttributeError, psutil.Error):
            return 0

    def _run(self, *sources: str) -> list[str]:
        """Run code cells in the kernel; return each cell's printed text."""
        import nbformat
        from nbclient import NotebookClient

        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
        client = NotebookClient(nb, km=self.km, kernel_name=self.kernel_name, timeout=120)
        client.kc = self.kc  # NotebookClient() sets kc to None; a new one would cost 0.2 s
        client.execute()
        return ["".join(o.get("text", "") for o in c.outputs if o.get("output_type") == "stream") for c in nb.cells]

    def reset(self) -> bool:
        """Clear the namespace and settings; restart if modules were changed. True if restarted."""
        from jupyter_client.utils import run_sync

        try:
            said = self._run(_RESET + _CHECK)[0].strip()  # one round trip to the kernel
            if said == "clean" and self._memory() <= KEPT_MEMORY:
                return False
            self.why = f"changed: {said}" if said != "clean" else f"held {self._memory() / 2**20:.0f} MB after its report"
        except Exception as exc:  # noqa: BLE001 - a kernel that cannot even reset is replaced
            self.why = f"reset failed: {type(exc).__name__}: {exc}"
        try:
            self.kc.stop_channels()
            run_sync(self.km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 - replaced either way
            pass
        if self.why.startswith("held"):  # its memory, not its state: a new one when the next report needs it
            self._let_go = True
            return True
        self.restarts += 1
        self._start()
        return True

    def shutdown(self) -> None:
        """Stop the kernel (once: a second call does nothing)."""
        from jupyter_client.utils import run_sync

        if getattr(self, "_stopped", False):
            return
        self._stopped = True
        if self._let_go:
            return
        self.kc.stop_channels()
        run_sync(self.km.shutdown_kernel)(now=True)


_ENGINE = "perfkit-warm"


@functools.cache
def _register_engine() -> None:
    """papermill's nbclient engine, given the warm kernel's client as well as its manager.

    papermill passes ``km`` through but nbclient's NotebookClient starts a new client for
    every notebook, and a new client waits 0.2 s for the output channel to fall quiet.
    """
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger

    class WarmKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(  # noqa: PLR0913 - papermill's engine signature
            cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,  # noqa: ANN001
            start_timeout=60, execution_timeout=None, kc=None, **kwargs,  # noqa: ANN001
        ):
            for unused in ("input_path", "timeout", "startup_timeout"):
                kwargs.pop(unused, None)
            client = PapermillNotebookClient(
                nb_man, timeout=execution_timeout, startup_timeout=start_timeout, kernel_name=kernel_name,
                log=logger, log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file, **kwargs,
            )
            client.kc = kc
            return client.execute()

    papermill_engines.register(_ENGINE, WarmKernelEngine)
