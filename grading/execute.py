"""Running a submission's cells: nbgrader's Execute, made to survive a broken kernel.

nbgrader's own ``Execute`` preprocessor stops the whole submission when the
kernel dies (``os._exit``, a segfault, the out-of-memory killer), and a cell
that ignores the interrupt sent after its timeout makes every later cell wait
out its own timeout. :class:`GuardedExecute` keeps what the notebook earned
before either happens and gives every cell it could not run an error output,
so that nbgrader scores that cell 0 (a test cell without output would
otherwise count as passed).
"""

from __future__ import annotations

from nbclient.client import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from traitlets import Integer

from nbgrader.preprocessors import Execute


def _error_output(ename, evalue):
    return NotebookNode(
        output_type="error",
        ename=ename,
        evalue=evalue,
        traceback=[f"\x1b[0;31m{ename}\x1b[0m: {evalue}"],
    )


STUCK = "not run: the kernel stayed busy after an earlier cell timed out"


class GuardedExecute(Execute):
    """Execute every code cell; a dead or stuck kernel ends the run, not the grading."""

    probe_timeout = Integer(
        10,
        help=(
            "After a cell timed out and the kernel was interrupted, seconds to wait for the "
            "kernel to answer again. A kernel that does not is shut down and the remaining "
            "cells score 0."
        ),
    ).tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        NotebookClient.__init__(self, nb, km)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        with self.setup_kernel():
            info_msg = self.wait_for_reply(self.kc.kernel_info())
            if info_msg is not None:
                self.nb.metadata["language_info"] = info_msg["content"]["language_info"]
            stopped = None
            for index, cell in enumerate(self.nb.cells):
                if cell.cell_type != "code":
                    continue
                if stopped is not None:
                    cell.outputs = [_error_output("NotRun", stopped)]
                    continue
                try:
                    self.preprocess_cell(cell, resources, index)
                except DeadKernelError:
                    self.log.error("The kernel died while running cell %d", index)
                    cell.outputs = list(cell.get("outputs", [])) + [
                        _error_output("KernelDied", "the kernel stopped while running this cell")
                    ]
                    stopped = "not run: the kernel had died in an earlier cell"
                    continue
                except CellTimeoutError:
                    # nbclient gives up waiting for a kernel that ignored the interrupt
                    self.log.error("Cell %d timed out and the kernel ignored the interrupt", index)
                    cell.outputs = list(cell.get("outputs", [])) + [
                        _error_output("CellTimeoutError", "the cell ran out of time and ignored the interrupt")
                    ]
                    stopped = STUCK
                    continue
                if self._timed_out(cell) and not self._answers():
                    self.log.error("The kernel did not answer after cell %d timed out; shutting it down", index)
                    stopped = STUCK
        self.set_widgets_metadata()
        return self.nb, self.resources

    def _timed_out(self, cell):
        ename = self.error_on_timeout.get("ename") if self.error_on_timeout else None
        return any(out.get("output_type") == "error" and out.get("ename") == ename for out in cell.outputs)

    def _answers(self):
        """Whether the kernel runs an empty cell within ``probe_timeout`` seconds."""
        timeout = self.timeout
        self.timeout = self.probe_timeout
        try:
            reply = self.wait_for_reply(self.kc.execute("", silent=True, store_history=False))
        except DeadKernelError:
            return False
        finally:
            self.timeout = timeout
        return reply is not None
