"""Running a submission's cells: nbgrader's Execute, made to survive a broken kernel.

nbgrader's own ``Execute`` preprocessor stops the whole submission when the
kernel dies (``os._exit``, a segfault, the out-of-memory killer), and a cell
that ignores the interrupt sent after its timeout makes every later cell wait
out its own timeout. :class:`GuardedExecute` keeps what the notebook earned
before either happens and gives every cell it could not run an error output,
so that nbgrader scores that cell 0 (a test cell without output would
otherwise count as passed).

It also keeps the verdict out of the student's hands: around each graded test
cell it has the kernel record what the student's functions returned
(:mod:`grading.record`), and after the run it replays the teacher's test
cells on those records in the grader's own process (:mod:`grading.verify`). A
test cell that passed in the kernel but not in the replay gets an error output
and scores 0. And it caps what one cell may print: past
``max_output_bytes`` the rest is dropped and the cell is interrupted.
"""

from __future__ import annotations

import asyncio
import json
import os

import nbformat
from jupyter_core.utils import ensure_async
from nbclient.client import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from traitlets import Bool, Integer

from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import Execute

from . import record, verify


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

    max_output_bytes = Integer(
        2_000_000,
        help="Bytes of output one cell may produce; the rest is dropped and the cell interrupted.",
    ).tag(config=True)

    verify_answers = Bool(
        True,
        help=(
            "Replay the graded test cells outside the kernel on the recorded answers (see "
            "grading.verify); a test cell scores only if it passes there too."
        ),
    ).tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        NotebookClient.__init__(self, nb, km)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        self._output_bytes = {}
        self._hidden = False
        source = self._source_notebook(resources) if self.verify_answers else None
        names = verify.answer_names(self.nb, source) if source is not None else []
        records = {}
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
                graded_test = source is not None and verify.is_test_cell(cell)
                try:
                    if graded_test:
                        self._run_hidden(record.START_CODE.format(names=names))
                    self.preprocess_cell(cell, resources, index)
                    if graded_test:
                        grade_id = cell.metadata["nbgrader"].get("grade_id", f"cell-{index}")
                        records[grade_id] = verify.extract_record(self._run_hidden(record.FINISH_CODE))
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
        if source is not None:
            self._apply_replay(source, records)
        return self.nb, self.resources

    # -- checking outside the kernel ------------------------------------------

    def _source_notebook(self, resources):
        """The teacher's notebook of this assignment (solutions and hidden tests)."""
        info = (resources or {}).get("nbgrader", {})
        coursedir = CourseDirectory(config=self.config)
        path = os.path.join(
            coursedir.format_path(coursedir.source_directory, ".", info.get("assignment", "")),
            info.get("notebook", "") + ".ipynb",
        )
        if not os.path.isfile(path):
            raise FileNotFoundError(
                f"cannot check the answers outside the kernel: the source notebook {path} is missing "
                "(restore it, or turn the check off with --GuardedExecute.verify_answers=False)"
            )
        return nbformat.read(path, as_version=4)

    def _run_hidden(self, code):
        """Run ``code`` in the kernel without adding it to the notebook; return its outputs."""
        # nbclient writes the executed cell back at its index: give it a scratch
        # place at the end of the notebook, removed again afterwards.
        cell = nbformat.v4.new_code_cell(code)
        self.nb.cells.append(cell)
        self._hidden = True
        try:
            self.execute_cell(cell, len(self.nb.cells) - 1, store_history=False)
        finally:
            self._hidden = False
            cell = self.nb.cells.pop()
        return cell.outputs

    def _apply_replay(self, source, records):
        verdicts = verify.replay(source, records)
        for cell in self.nb.cells:
            if not verify.is_test_cell(cell):
                continue
            reason = verdicts.get(cell.metadata["nbgrader"].get("grade_id"))
            failed = any(out.get("output_type") == "error" for out in cell.get("outputs", []))
            if reason is not None and not failed:
                self.log.warning("Test cell %s failed when checked outside the kernel: %s",
                                 cell.metadata["nbgrader"].get("grade_id"), reason)
                cell.outputs = list(cell.get("outputs", [])) + [_error_output(
                    "CheckedOutsideKernel",
                    "this test passed in the notebook's kernel but not when the grader re-ran it on "
                    f"the answers recorded there: {reason}",
                )]

    # -- limiting output --------------------------------------------------------

    def output(self, outs, msg, display_id, cell_index):
        if self._hidden:  # the grader's own snippets (the records) are not limited
            return super().output(outs, msg, display_id, cell_index)
        if self._output_bytes.get(cell_index, 0) > self.max_output_bytes:
            return None  # already cut: drop without looking
        size = len(json.dumps(msg.get("content", {}), default=str))
        used = self._output_bytes.get(cell_index, 0) + size
        self._output_bytes[cell_index] = used
        if used <= self.max_output_bytes:
            return super().output(outs, msg, display_id, cell_index)
        if used - size <= self.max_output_bytes:  # the first message over the limit
            self.log.warning("Cell %d printed more than %d bytes; interrupting it", cell_index,
                             self.max_output_bytes)
            outs.append(nbformat.v4.new_output(
                "stream", name="stdout",
                text=f"\n[output cut: the cell printed more than {self.max_output_bytes} bytes, "
                     "so the grader dropped the rest and interrupted it]\n",
            ))
            asyncio.ensure_future(ensure_async(self.km.interrupt_kernel()))
        return None

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
