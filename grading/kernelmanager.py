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

import zmq
import zmq.asyncio
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from traitlets import DottedObjectName, Integer, Type, default


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


class PrivateSocketKernelManager(AsyncKernelManager):
    """A kernel manager that talks to its kernel over Unix sockets in a private folder.

    The sandboxed kernel has no network, so TCP is out; each kernel gets its own
    folder for the sockets, so no kernel can reach another's (nor can any other
    local user, as they could a TCP port on localhost).
    """

    client_class = DottedObjectName("grading.kernelmanager.BoundedMessageClient", config=True)
    client_factory = Type(klass=BoundedMessageClient, config=True)

    def __init__(self, **kwargs):
        kwargs.setdefault("transport", "ipc")
        super().__init__(**kwargs)
        self._socket_dir = tempfile.mkdtemp(prefix="grading-kernel-")
        os.chmod(self._socket_dir, 0o711)
        self.ip = os.path.join(self._socket_dir, "kernel")

    async def _async_cleanup_resources(self, restart=False):
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(self._socket_dir, ignore_errors=True)

    cleanup_resources = _async_cleanup_resources
