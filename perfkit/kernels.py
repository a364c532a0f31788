"""Kernels for report notebooks: IPC sockets with a unique path each.

Kernels started side by side on TCP can collide on ports ("ZMQError: Address already in
use", papermill issue 511). On IPC transport each kernel's sockets are files under this
process's own temporary folder, so parallel builds cannot collide (and nothing listens on
the network).
"""

from __future__ import annotations

import atexit
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
