"""Running a submission: the student's cells in the kernel, the teacher's tests in the grader.

:class:`GuardedExecute` replaces nbgrader's ``Execute`` preprocessor. It walks
the (sanitized) submission cell by cell:

- the student's cells (answer cells and any cell the student added) and the
  teacher's read-only setup cells run in the kernel, which ``make grade``
  starts in the sandbox, in a private copy of the submission folder as the
  student handed it in: no test, hidden test, expected value or teacher file is
  ever inside it;
- each test cell runs here, in the grader's process, from the teacher's source
  notebook (:mod:`grading.remote`): the functions the exercise asks for are
  called in the kernel through :mod:`grading.kernel.serve`, arguments and
  results crossing as data, and the comparison is made here. The test cell's
  outputs (what it printed, its error and the student's lines) are written into
  the notebook, so nbgrader scores it and the feedback shows it as usual.

An assignment whose parts say "compute it yourself" is graded in a kernel in
which torch cannot be imported (the source notebook's metadata
``grading.allow_torch`` is false, the default); see :func:`grading.policy.assignment_policy`.

It also survives broken kernels: a kernel that dies (``os._exit``, a
segfault, the out-of-memory killer) or ignores the interrupt sent after a
timeout ends the run, not the grading, and every cell it could not run gets an
error output, so it scores 0. And it caps what one cell may print: past
``max_output_bytes`` the rest is dropped and the cell is interrupted.

The kernel's lifecycle (where it starts, with what environment, started ahead
or not, stopped without waiting) is :mod:`grading.kernel_lifecycle`; nbgrader's
private methods are called through :mod:`grading.nbgrader_private`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import math
import os
import shutil
import tempfile
import time

import nbformat
from jupyter_core.utils import ensure_async
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Integer

from . import nbgrader_private, outcomes, seeds, testlog
from .cells import grade_id, is_setup_cell, is_test_cell
from .fromcode import flag_output, missing_answer_cells, run_order
from .hidden import HIDDEN_FAILED, HIDDEN_PRINTED, HiddenTests, context_for, error_family
from .kernel.serve import ANSWER_MIME, request_code
from .kernel_lifecycle import (
    kernel_environment,
    private_copy,
    source_notebook,
    stop_kernel,
    take_ahead,
)
from .policy import assignment_policy, exercise_names
from .remote import GraderNamespace, KernelCallFailed
from .sandbox import KERNEL_NAME

ANSWER_LIMIT_BYTES = 48 * 2**20  # all the answers one call may receive (the socket refuses messages over 64 MiB)
TOO_MUCH = object()  # what a call keeps once its answers went past ANSWER_LIMIT_BYTES
STUCK = "not run: the kernel stayed busy after an earlier cell timed out"
FLOODED = (f"not run: the kernel sent more than {ANSWER_LIMIT_BYTES // 2**20} MiB of answers for one call, "
           "so the grader stopped listening to it")
DEAD = "not run: the kernel had died in an earlier cell"


def _error_output(ename, evalue, traceback=None):
    return NotebookNode(
        output_type="error",
        ename=ename,
        evalue=evalue,
        traceback=traceback or [f"\x1b[0;31m{ename}\x1b[0m: {evalue}"],
    )


# ---------------------------------------------------------------------------
# The preprocessor
# ---------------------------------------------------------------------------


class GuardedExecute(Execute):
    """Student cells in the kernel, test cells in the grader; a dead or stuck kernel ends the run only."""

    probe_timeout = Integer(
        10,
        help=(
            "After a cell timed out and the kernel was interrupted, seconds to wait for the "
            "kernel to answer again. A kernel that does not is shut down and the remaining "
            "cells score 0."
        ),
    ).tag(config=True)

    time_after_a_timeout = Integer(
        10,
        help=(
            "Seconds each later test cell's calls may take together once a call of the student's code "
            "ran out of time: an endless loop costs one full timeout per notebook, not one per test cell."
        ),
    ).tag(config=True)

    max_output_bytes = Integer(
        2_000_000,
        help="Bytes of output one cell may produce; the rest is dropped and the cell interrupted.",
    ).tag(config=True)

    # -- the whole notebook -------------------------------------------------------

    def preprocess(self, nb, resources=None, km=None):
        nbgrader_private.init_client(self, nb, km)
        self.reset_execution_trackers()
        nbgrader_private.check_assign_resources(self, resources)
        self._output_bytes = {}
        self._limit_key = None
        self._answer, self._answer_bytes = None, 0
        self._ran_out = False  # a call of the student's code ran out of time: later test cells get less
        self._budget = self.timeout or 30
        self._stopped = None
        self._notebook_name = str(((resources or {}).get("nbgrader") or {}).get("notebook", ""))
        source = self._source_notebook(resources)
        policy = assignment_policy(source)
        self.allows_torch = policy.allow_torch
        teacher = {grade_id(c): c for c in source.cells if is_test_cell(c) or is_setup_cell(c)}
        tests = GraderNamespace(self, exercise_names(source))
        self._hidden = HiddenTests(parent=self)
        self._seeds = context_for(seeds.course_secret(create=True, say=self.log.warning), resources, [
            c.source for c in self.nb.cells if c.cell_type == "code" and grade_id(c) not in teacher])
        for cell in source.cells:
            if is_setup_cell(cell):
                tests.run_setup(cell.source, f"<setup cell {grade_id(cell)}>")
        ahead = None if km is not None else take_ahead(resources, policy, self._kernel_name_for(nb),
                                                        self.kernel_manager_class)
        if ahead is not None:
            self.log.info("Using the kernel started ahead for this submission")
            scratch, self.km = ahead.scratch, ahead.km
        else:
            scratch = tempfile.mkdtemp(prefix="grading-submission-")
        try:
            if ahead is None:
                workdir = self._private_copy(resources, scratch)
                if self.km is None:
                    self.km = self.create_kernel_manager()
                self.start_new_kernel(cwd=workdir, env=self._kernel_environment(policy, scratch))
            waiting = time.monotonic()
            self._connect(resources, policy, scratch)
            with self.setup_kernel(cleanup_kc=False):
                info_msg = self.wait_for_reply(self.kc.kernel_info())
                if info_msg is not None:
                    self.nb.metadata["language_info"] = info_msg["content"]["language_info"]
                self.log.info("kernel ready after %.2f s more", time.monotonic() - waiting)
                wait_sealed = getattr(self.km, "wait_sealed", None)
                if wait_sealed is not None and self._kernel_name_for(nb) == KERNEL_NAME:
                    wait_sealed()
                self._run_scratch_cell(request_code({"op": "lookup", "names": []}))  # binds serve's builtins first
                missing = missing_answer_cells(source, self.nb)
                if missing:
                    self.log.warning("Answer cells %s are missing: running the student's cells first, then the tests",
                                     ", ".join(missing))
                flagged = not missing
                for index in run_order(self.nb.cells, teacher, bool(missing)):
                    cell = self.nb.cells[index]
                    if self._stopped is not None:
                        cell.outputs = [_error_output(outcomes.NOT_RUN, self._stopped)]
                        if is_test_cell(teacher.get(grade_id(cell), {})):
                            testlog.record(self._notebook_name, grade_id(cell), KernelCallFailed(self._stopped),
                                           False, 0)
                        continue
                    mine = teacher.get(grade_id(cell))
                    began = time.monotonic()
                    if mine is not None and is_test_cell(mine):
                        cell.source = mine.source
                        self._run_test_cell(cell, index, tests, grade_id(mine))
                        if not flagged:
                            cell.outputs.insert(0, flag_output())
                            flagged = True
                    else:
                        if mine is not None:
                            cell.source = mine.source
                        self._run_kernel_cell(cell, resources, index)
                    self.log.info("cell %d (%s) took %.2f s", index, grade_id(cell) or "-",
                                  time.monotonic() - began)
        finally:
            if km is None:  # a kernel this run started (or took from start_kernels_ahead): stop it now
                began = time.monotonic()
                if self.kc is not None:
                    self.kc.stop_channels()
                    self.kc = None
                if self.km is not None:
                    stop_kernel(self.km)
                    self.km = None
                self.log.info("kernel stopped in %.2f s", time.monotonic() - began)
            shutil.rmtree(scratch, ignore_errors=True)
        self.set_widgets_metadata()
        return self.nb, self.resources

    def _connect(self, resources, policy, scratch):
        """Connect to the kernel once it answers; one that died while starting is started once more.

        No student code has run yet when a kernel dies before its first answer
        (a machine under load, a sandbox cut short), so the submission gets a
        fresh kernel rather than "not graded". A second death is reported as usual.
        """
        try:
            self.start_new_kernel_client()
            return
        except RuntimeError as error:
            if "died" not in str(error):
                raise
            self.log.warning("The kernel died while it started (%s); starting a fresh one", error)
        if self.kc is not None:
            self.kc.stop_channels()
            self.kc = None
        if self.km is not None:  # (nbclient has usually cleaned it up already)
            stop_kernel(self.km)
        self.km = self.create_kernel_manager()
        workdir = os.path.join(scratch, "submission")
        if not os.path.isdir(workdir):
            workdir = self._private_copy(resources, scratch)
        self.start_new_kernel(cwd=workdir, env=self._kernel_environment(policy, scratch))
        self.start_new_kernel_client()

    def _kernel_name_for(self, nb):
        """The kernelspec this notebook runs with: the configured one, else the notebook's own."""
        return self.kernel_name or (nb.metadata.get("kernelspec") or {}).get("name") or ""

    def _source_notebook(self, resources):
        """The teacher's notebook of this assignment (solutions and hidden tests)."""
        return source_notebook(self.config, resources)

    def _private_copy(self, resources, scratch):
        """A copy of the submission folder as handed in, where the kernel runs (:func:`private_copy`)."""
        return private_copy(self.config, resources, scratch)

    def _kernel_environment(self, policy, scratch):
        """The kernel's environment: the assignment's policy, which decides what the sandbox lets it import."""
        return kernel_environment(policy, scratch, self.kernel_name)

    # -- student cells: in the kernel ------------------------------------------------

    def _run_kernel_cell(self, cell, resources, index):
        try:
            self.preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self.log.error("The kernel died while running cell %d", index)
            cell.outputs = list(cell.get("outputs", [])) + [
                _error_output(outcomes.KERNEL_DIED, "the kernel stopped while running this cell")]
            self._stopped = DEAD
            return
        except CellTimeoutError:  # nbclient gives up waiting for a kernel that ignored the interrupt
            self.log.error("Cell %d timed out and the kernel ignored the interrupt", index)
            cell.outputs = list(cell.get("outputs", [])) + [
                _error_output(outcomes.CELL_TIMEOUT, "the cell ran out of time and ignored the interrupt")]
            self._stopped = STUCK
            return
        if self._timed_out(cell) and not self._answers():
            self.log.error("The kernel did not answer after cell %d timed out; shutting it down", index)
            self._stopped = STUCK

    def _run_scratch_cell(self, code):
        """Run ``code`` in the kernel without adding it to the notebook; return the executed scratch cell."""
        # nbclient writes the executed cell back at its index: give it a scratch
        # place at the end of the notebook, removed again afterwards.
        cell = nbformat.v4.new_code_cell(code)
        self.nb.cells.append(cell)
        try:
            self.execute_cell(cell, len(self.nb.cells) - 1, store_history=False)
        finally:
            cell = self.nb.cells.pop()
        return cell

    # -- test cells: in the grader -----------------------------------------------------

    def _run_test_cell(self, cell, index, tests, grade_id):
        self._limit_key = ("test", index)
        self._budget = self.timeout or 30
        if self._ran_out:
            self._budget = min(self._budget, self.time_after_a_timeout)
        self._deadline = time.monotonic() + self._budget
        self._printed_by_student = []
        self._printed_in_hidden = []
        self._test_notes = []
        self._tests = tests
        began = time.monotonic()
        try:
            with seeds.grading_context(dataclasses.replace(self._seeds, test=grade_id)):
                printed, error, lines = tests.run_test(cell.source, f"<test cell {grade_id}>")
        finally:
            self._limit_key = None
        testlog.record(self._notebook_name, grade_id, error, tests.in_hidden, time.monotonic() - began)
        outputs = []
        if printed:
            outputs.append(nbformat.v4.new_output("stream", name="stdout", text=printed))
        shown = self._printed_by_student + (self._printed_in_hidden if self._hidden.show_output else [])
        if shown:
            outputs.append(nbformat.v4.new_output(
                "stream", name="stdout", text="[printed by your code while the tests ran]\n" + "".join(shown)))
        if self._printed_in_hidden and not self._hidden.show_output:
            outputs.append(nbformat.v4.new_output("stream", name="stdout", text=HIDDEN_PRINTED))
        if error is not None and tests.in_hidden and not self._hidden.show_configuration:
            self.log.info("%s: a hidden test failed (not shown in the feedback): %s", grade_id, "\n".join(lines))
            where = [line for line in lines if line.startswith(f"<test cell {grade_id}>, line ")][:1]
            ename = error_family(error)
            outputs.append(_error_output(ename, HIDDEN_FAILED, where + [f"{ename}: {HIDDEN_FAILED}"]))
        elif error is not None:
            outputs.append(_error_output(type(error).__name__, str(error)[:20000], lines))
        for ename, evalue in self._test_notes:
            outputs.append(_error_output(ename, evalue))
        cell.outputs = outputs
        cell.execution_count = None

    def request(self, request):
        """Send one request to :mod:`grading.kernel.serve` in the kernel; return its answer (a dict).

        Raises :class:`grading.remote.KernelCallFailed` when no answer comes: the
        test cell's time ran out, the kernel died or is stuck, or it answered with
        something unreadable.
        """
        if self._stopped is not None:
            raise KernelCallFailed(f"your code could not be called: {self._stopped.replace('not run: ', '')}")
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            self._note_timeout()
            raise KernelCallFailed(f"the test ran out of time ({self._budget} s for the whole cell{self._why_less()})")
        self._answer, self._answer_bytes = None, 0
        timeout = self.timeout
        self.timeout = max(1, math.ceil(remaining))
        try:
            cell = self._run_scratch_cell(request_code(request))
        except DeadKernelError:
            self._stopped = DEAD
            self._test_notes.append((outcomes.KERNEL_DIED, "the kernel stopped while running your code for this test"))
            raise KernelCallFailed("the kernel stopped while running your code") from None
        except CellTimeoutError:
            self._stopped = STUCK
            self._note_timeout()
            raise KernelCallFailed("your code ran out of time and ignored the interrupt") from None
        finally:
            self.timeout = timeout
        printed = self._printed_in_hidden if self._tests.in_hidden else self._printed_by_student
        for output in cell.outputs:
            if output.get("output_type") == "stream":
                printed.append(output.get("text", ""))
        if self._timed_out(cell):
            self._note_timeout()
            if not self._answers():
                self._stopped = STUCK
            raise KernelCallFailed(f"your code ran out of time (the whole test cell may take {self._budget} s)")
        text = self._answer
        if text is TOO_MUCH:  # like a message over the socket's limit: this kernel is not listened to again
            self._stopped = FLOODED
            raise KernelCallFailed(f"the kernel sent more than {ANSWER_LIMIT_BYTES // 2**20} MiB of answers for one "
                                   "call; the grader kept none of them and stopped listening to it")
        if text is None:
            errors = [f"{o.get('ename')}: {o.get('evalue')}" for o in cell.outputs if o.get("output_type") == "error"]
            raise KernelCallFailed("the kernel sent no answer" + (f" ({errors[0][:300]})" if errors else ""))
        if not isinstance(text, str):
            raise KernelCallFailed("the kernel's answer is malformed")
        try:
            answer = json.loads(text)
        except (ValueError, RecursionError):
            answer = None
        if not isinstance(answer, dict):
            raise KernelCallFailed("the kernel's answer is malformed")
        return answer

    def _why_less(self):
        if self._budget >= (self.timeout or 30):
            return ""
        return f"; after an earlier test ran out of time, each later test cell has {self._budget} s"

    def _note_timeout(self):
        self._ran_out = True
        note = (outcomes.CELL_TIMEOUT,
                f"a call of your code ran out of time ({self._budget} s for this test cell{self._why_less()})")
        if note not in self._test_notes:
            self._test_notes.append(note)

    # -- limiting output ----------------------------------------------------------------

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        data = content.get("data") if isinstance(content, dict) else None
        if self._limit_key is not None and isinstance(data, dict) and ANSWER_MIME in data:
            self._keep_answer(data[ANSWER_MIME])  # an answer: read by request(), not an output
            return None
        key = self._limit_key if self._limit_key is not None else cell_index
        if self._output_bytes.get(key, 0) > self.max_output_bytes:
            return None  # already cut: drop without looking
        size = len(json.dumps(content, default=str))
        used = self._output_bytes.get(key, 0) + size
        self._output_bytes[key] = used
        if used <= self.max_output_bytes:
            return super().output(outs, msg, display_id, cell_index)
        if used - size <= self.max_output_bytes:  # the first message over the limit
            self.log.warning("Cell %s printed more than %d bytes; interrupting it", key, self.max_output_bytes)
            outs.append(nbformat.v4.new_output(
                "stream", name="stdout",
                text=f"\n[output cut: the cell printed more than {self.max_output_bytes} bytes, "
                     "so the grader dropped the rest and interrupted it]\n",
            ))
            asyncio.ensure_future(ensure_async(self.km.interrupt_kernel()))
        return None

    def _keep_answer(self, answer):
        """Keep the latest answer of this call, within one byte budget for all the answers it receives.

        The kernel may publish any number of answers while it is called; only
        the last is used, so only that one is kept, and once their total passes
        :data:`ANSWER_LIMIT_BYTES` none is: the call fails and the kernel is
        interrupted, so the grader's memory holds at most one answer per call.
        """
        size = len(answer) if isinstance(answer, str) else ANSWER_LIMIT_BYTES + 1
        self._answer_bytes += size
        if self._answer is TOO_MUCH:
            return
        if self._answer_bytes > ANSWER_LIMIT_BYTES:
            self.log.warning("A call received more than %d bytes of answers; interrupting it", ANSWER_LIMIT_BYTES)
            self._answer = TOO_MUCH
            asyncio.ensure_future(ensure_async(self.km.interrupt_kernel()))
            return
        self._answer = answer

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
