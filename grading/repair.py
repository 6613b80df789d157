"""Repairing a submission before it runs: duplicated and deleted nbgrader cells.

:class:`DropDuplicateIds` replaces nbgrader's ``DeduplicateIds``, which empties the
metadata of all but the last copy of a duplicated cell; nbgrader then refuses
the whole notebook (an empty ``nbgrader`` dict reads as an outdated metadata
schema). Here the earlier copies simply become ordinary cells.

nbgrader's ``OverwriteCells`` restores the source of locked cells that a student
*edited*, but a *deleted* test cell simply is not run (and its grade stays
whatever it was). Its ``add_missing_cells`` option restores deleted grade cells
only, and fails when the cell before a deleted one is itself missing or is a
read-only cell. :class:`DropUnknownCells` makes a cell whose grade id the gradebook does not know
a plain cell. :class:`RestoreMissingCells` puts every missing locked cell
(tests and read-only setup cells) back, with the gradebook's source, right after
the nearest earlier cell of the teacher's notebook that the submission still has.
"""

from __future__ import annotations

import os

import nbformat
from nbformat import NotebookNode
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from .cells import grade_id

RESTORED_NOTE = "restored from the gradebook: this cell was missing from the submission"


class DropDuplicateIds(NbGraderPreprocessor):
    """Keep the nbgrader metadata of the last copy of each cell id; earlier copies become plain cells."""

    def preprocess(self, nb, resources):
        seen = set()
        for cell in reversed(nb.cells):
            name = grade_id(cell)
            if name is None:
                continue
            if name in seen:
                self.log.warning("Cell with id '%s' exists multiple times!", name)
                del cell.metadata["nbgrader"]
                cell.metadata.pop("deletable", None)
                cell.metadata.pop("editable", None)
            else:
                seen.add(name)
        return nb, resources


class DropUnknownCells(NbGraderPreprocessor):
    """Cells whose grade id the gradebook does not know become plain cells (the student's, run in the kernel).

    nbgrader's ``OverwriteCells`` removes such a cell's grade id but keeps the
    rest of its nbgrader metadata, and ``CheckCellMetadata`` then refuses the
    whole notebook: a cell pasted from another notebook, or one a student marked
    as a test of their own, left the whole submission ungraded.
    """

    def preprocess(self, nb, resources):
        for cell in nb.cells:
            meta = cell.get("metadata", {})
            if isinstance(meta, dict) and "nbgrader" in meta and grade_id(cell) is None:
                self.log.warning("A cell with nbgrader metadata but no known grade id becomes a plain cell")
                del meta["nbgrader"]
                meta.pop("deletable", None)
                meta.pop("editable", None)
        return nb, resources


class RestoreMissingCells(NbGraderPreprocessor):
    """Insert missing locked cells (tests, read-only cells) back into a submission."""

    note = Unicode(RESTORED_NOTE, help="Comment put on the first line of a restored code cell.").tag(config=True)


    def preprocess(self, nb, resources):
        notebook_id = resources["nbgrader"]["notebook"]
        assignment_id = resources["nbgrader"]["assignment"]
        with Gradebook(resources["nbgrader"]["db_url"]) as gb:
            try:
                notebook = gb.find_notebook(notebook_id, assignment_id)
            except MissingEntry:
                return nb, resources
            source_cells = {cell.name: cell for cell in notebook.source_cells}
            points = {cell.name: cell.max_score for cell in notebook.grade_cells}
            locked = {
                name: dict(cell_type=cell.cell_type, source=cell.source, checksum=cell.checksum)
                for name, cell in source_cells.items()
                if cell.locked
            }
        order = self._teacher_order(assignment_id, notebook_id) or list(source_cells)
        present = {grade_id(cell) for cell in nb.cells} - {None}
        used_ids = {cell.get("id") for cell in nb.cells}
        for position, name in enumerate(order):
            if name in present or name not in locked:
                continue
            cell = self._make_cell(name, locked[name], points.get(name), used_ids)
            index = self._insertion_index(nb, order[:position], present)
            nb.cells.insert(index, cell)
            present.add(name)
            self.log.warning("Restored missing cell '%s' from the gradebook", name)
        return nb, resources

    def _teacher_order(self, assignment_id, notebook_id):
        """Grade ids in the order of the teacher's source notebook, if it can be read."""
        coursedir = CourseDirectory(config=self.config)
        path = os.path.join(
            coursedir.format_path(coursedir.source_directory, ".", assignment_id), notebook_id + ".ipynb"
        )
        try:
            source = nbformat.read(path, as_version=4)
        except (OSError, ValueError) as error:
            self.log.warning("Could not read %s for the cell order (%s); using the gradebook's", path, error)
            return None
        return [name for name in (grade_id(cell) for cell in source.cells) if name]

    @staticmethod
    def _insertion_index(nb, earlier_names, present):
        """Just after the last cell of ``earlier_names`` still in the notebook (or at the top)."""
        wanted = set(earlier_names) & present
        index = 0
        for i, cell in enumerate(nb.cells):
            if grade_id(cell) in wanted:
                index = i + 1
        return index

    def _make_cell(self, name, source_cell, max_score, used_ids):
        grade = max_score is not None
        metadata = {
            "grade": grade,
            "grade_id": name,
            "locked": True,
            "schema_version": 3,
            "solution": False,
            "task": False,
            "checksum": source_cell["checksum"],
        }
        if grade:
            metadata["points"] = max_score
        cell_id = name
        while cell_id in used_ids:
            cell_id = "restored-" + cell_id
        used_ids.add(cell_id)
        cell = {
            "cell_type": source_cell["cell_type"],
            "id": cell_id[:64],
            "metadata": {"deletable": False, "editable": False, "nbgrader": metadata},
            "source": source_cell["source"],
        }
        if source_cell["cell_type"] == "code":
            # A comment on top tells the student (in the feedback) what happened;
            # nbgrader scores test cells by their outputs, not their checksum.
            cell["source"] = f"# {self.note}\n{cell['source']}"
            cell.update(execution_count=None, outputs=[])
        return NotebookNode(cell)
