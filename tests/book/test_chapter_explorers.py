"""The notebook explorers' cells in the chapters: where they stand, and that they run.

Those cells are ``skip-execution`` (the HTML book has no kernel to run a
widget), so the book build never runs them; here each one runs headless, as a
reader's kernel would, and must end in an explorer.
"""

from __future__ import annotations

import re

import jupytext
import pytest
from support.book_paths import REPO

from bookkit.explorer import FourStepsExplorer, SweepExplorer

CHAPTERS = sorted((REPO / "book").glob("**/*.md"))


def explorer_cells():
    for path in CHAPTERS:
        notebook = jupytext.read(path)
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type == "code" and "bookkit.explorer" in cell.source:
                yield pytest.param(cell, id=f"{path.relative_to(REPO)}#{index}")


@pytest.mark.parametrize("cell", list(explorer_cells()))
def test_every_notebook_explorer_cell_of_a_chapter_runs_and_shows_an_explorer(cell):
    assert "skip-execution" in cell.metadata.get("tags", []), "the HTML build cannot run a widget"
    *body, last = [line for line in cell.source.splitlines() if line.strip() and not line.startswith("#")]
    namespace = {}
    exec("\n".join(body), namespace)  # noqa: S102 - the chapter's own code
    shown = eval(last, namespace)  # noqa: S307
    assert isinstance(shown, (FourStepsExplorer, SweepExplorer)), last


def test_the_parameters_chapter_offers_the_sweep_where_it_sweeps_the_stride():
    text = (REPO / "book" / "lecture" / "03-parameters.md").read_text(encoding="utf-8")
    section = re.search(r"^## `stride`\n(.*?)^## ", text, re.S | re.M).group(1)
    notebook = jupytext.reads(section, fmt="md:myst")
    sweeps = [cell for cell in notebook.cells if cell.cell_type == "code" and "sweep_explorer(" in cell.source]
    assert sweeps, "no sweep_explorer cell in the section on the stride"
    assert 'sweep_explorer("stride"' in sweeps[0].source
