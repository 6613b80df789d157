"""The grader's side of a kernel connection: private Unix sockets, bounded messages.

nbgrader starts kernels through the kernel manager class named in
``nbgrader_config.py`` (``ExecutePreprocessor.kernel_manager_class``); these two
classes make that connection safe to use with an untrusted, sandboxed kernel
(:mod:`grading.sandbox`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time

import zmq
import zmq.asyncio
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from traitlets import DottedObjectName, Integer, Type, default

from .kernelspecs import kernelspec_folder


class BoundedMessageClient(AsyncKernelClient):
    """A kernel client that refuses messages larger than ``max_message_bytes``.

    A kernel that sends one huge message (say, a gigabyte of output) would
    otherwise make the grader receive, decode and copy it whole. Past the limit
    ZeroMQ drops the message and closes that connection: the kernel's later
    output no longer arrives, so its cells run into their timeouts and score
    nothing, and the grader's memory is spared.
    """

    max_message_bytes = Integer(
        64 * 2**20, config=True,
        help="Largest message the grader accepts from a sandboxed kernel, in bytes.",
    )

    @default("context")
    def _context_default(self):
        self._created_context = True
        context = zmq.asyncio.Context()
        context.setsockopt(zmq.MAXMSGSIZE, self.max_message_bytes)
        return context


# A Unix socket's address (``sun_path``) holds at most 107 bytes on Linux. The
# kernel's sockets are ``<folder>/grading-kernel-XXXXXXXX/kernel-<port>``.
SOCKET_PATH_LIMIT = 107
_LONGEST_SOCKET_NAME = len("/grading-kernel-XXXXXXXX/kernel-65535")


def socket_folder():
    """Make the private folder for one kernel's sockets, in a place short enough for them.

    That is the temporary folder (``TMPDIR``) when its path leaves room for the
    socket names; else ``/tmp`` or ``/dev/shm``. A grader run from a deep working
    folder with ``TMPDIR`` pointing into it would otherwise fail to start any kernel.
    """
    candidates = [tempfile.gettempdir(), "/tmp", "/dev/shm"]
    for base in candidates:
        if len(os.path.abspath(base)) + _LONGEST_SOCKET_NAME <= SOCKET_PATH_LIMIT and os.access(base, os.W_OK | os.X_OK):
            return tempfile.mkdtemp(prefix="grading-kernel-", dir=base)
    raise RuntimeError(
        f"no folder for the kernel's Unix sockets: a socket path may be at most {SOCKET_PATH_LIMIT} bytes, "
        f"and none of {', '.join(candidates)} is both writable and short enough; set TMPDIR to a short, "
        "writable folder (for example /tmp) and run the grader again"
    )


class PrivateSocketKernelManager(AsyncKernelManager):
    """A kernel manager that talks to its kernel over Unix sockets in a private folder.

    The sandboxed kernel has no network, so TCP is out; each kernel gets its own
    folder for the sockets, so no kernel can reach another's (nor can any other
    local user, as they could a TCP port on localhost). The folder is made where
    the sockets' paths fit (:func:`socket_folder`).
    """

    client_class = DottedObjectName("grading.kernelmanager.BoundedMessageClient", config=True)
    client_factory = Type(klass=BoundedMessageClient, config=True)

    @default("kernel_spec_manager")
    def _grading_kernelspecs(self):
        """The usual kernelspecs, and first the grader's own (:func:`grading.kernelspecs.kernelspec_folder`)."""
        manager = KernelSpecManager(parent=self)
        manager.kernel_dirs = [kernelspec_folder(), *manager.kernel_dirs]
        return manager

    def __init__(self, **kwargs):
        kwargs.setdefault("transport", "ipc")
        super().__init__(**kwargs)
        self._socket_dir = socket_folder()
        os.chmod(self._socket_dir, 0o711)
        self.ip = os.path.join(self._socket_dir, "kernel")
        if not self.connection_file:  # in the private folder too, so whatever a launcher makes beside it goes with it
            self.connection_file = os.path.join(self._socket_dir, "kernel.json")

    @property
    def socket_folder(self):
        return self._socket_dir

    def wait_sealed(self, timeout=10.0):
        """Wait until the sandbox has taken the socket folder from its kernel (a grader that is root).

        The sandbox's launcher writes :data:`grading.sandbox.SEALED` into the
        folder once the kernel has bound its sockets and can no longer write
        there (:func:`grading.sandbox._seal_socket_folder`); the first cell runs
        after that. A grader that is not root runs the kernel as itself, which
        cannot be kept out of a folder it owns: nothing to wait for.
        """
        from .sandbox import SEALED

        if os.geteuid() != 0:
            return
        deadline = time.monotonic() + timeout
        while not os.path.exists(os.path.join(self._socket_dir, SEALED)):
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"the sandbox did not take the kernel's socket folder {self._socket_dir} from it within "
                    f"{timeout:.0f} s; the submission's code was not run. See the grading log."
                )
            time.sleep(0.005)

    async def _async_cleanup_resources(self, restart=False):
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(self._socket_dir, ignore_errors=True)

    cleanup_resources = _async_cleanup_resources
