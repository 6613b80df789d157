"""README.md and docs/*.md: a guide that fits, and links and commands that lead somewhere.

Every relative link resolves to a file of the repository (and a ``#section`` to a heading of the
Markdown file it names), every ``docs/*.md`` is linked from the README, every ``make TARGET`` the
README shows is a target of the Makefile, ``mk/*.mk`` or the student copy's Makefile, and the README stays under 400 lines: the
histories, benchmarks and designs live in ``docs/``.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
DOCS = sorted((REPO / "docs").glob("*.md"))
MAX_README_LINES = 400

FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.M | re.S)
CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)", re.S)
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)
MAKE = re.compile(r"(?:^|[\s`(;])make\s+((?:[A-Z_]+=\S+\s+)*)([a-z][\w-]*)")
TARGET = re.compile(r"^([A-Za-z][\w.-]*(?:\s+[A-Za-z][\w.-]*)*)\s*::?(?!=)", re.M)


def prose(text: str) -> str:
    """The Markdown without fenced code blocks and code spans (their brackets are code, not links)."""
    return CODE_SPAN.sub(" ", FENCE.sub(" ", text))


def links(text: str) -> list[str]:
    return LINK.findall(prose(text))


def anchor(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, code marks and punctuation dropped, spaces to hyphens."""
    text = heading.strip().lower().replace("`", "")
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    return {anchor(heading) for heading in HEADING.findall(FENCE.sub(" ", path.read_text(encoding="utf-8")))}


def broken_links(path: Path, repo: Path = REPO) -> list[str]:
    """Each relative link of the Markdown file ``path`` that leads to no file (or no heading) of ``repo``."""
    problems = []
    for target in links(path.read_text(encoding="utf-8")):
        parts = urlsplit(target)
        if parts.scheme or target.startswith("//"):
            continue  # an address outside the repository
        file = (path.parent / unquote(parts.path)).resolve() if parts.path else path
        where = f"{path.relative_to(repo).as_posix()}: ({target})"
        if repo.resolve() not in file.parents and file != repo.resolve():
            problems.append(f"{where} leads outside the repository")
        elif not file.exists():
            problems.append(f"{where} names {file.relative_to(repo.resolve()).as_posix()}, which does not exist")
        elif parts.fragment and file.suffix == ".md" and unquote(parts.fragment) not in anchors(file):
            problems.append(f"{where}: {file.name} has no heading whose anchor is #{parts.fragment}")
    return problems


def make_targets(*makefiles: str) -> set[str]:
    return {name for text in makefiles for names in TARGET.findall(text) for name in names.split()}


def course_and_student_targets() -> set[str]:
    """The targets of this repository's Makefile and mk/*.mk, and of the student copy's Makefile (its README part)."""
    from grading import studentcopy

    ours = [path.read_text(encoding="utf-8") for path in [REPO / "Makefile", *sorted((REPO / "mk").glob("*.mk"))]]
    return make_targets(*ours, studentcopy.MAKEFILE)


def shown_make_commands(text: str) -> set[str]:
    """The targets of the ``make TARGET`` commands in the code (blocks and spans) of a Markdown text."""
    code = [block.group(0) for block in FENCE.finditer(text)]
    code += [span.group(0) for span in CODE_SPAN.finditer(FENCE.sub(" ", text))]
    indented = re.findall(r"^(?: {4}|\t).*$", FENCE.sub(" ", text), re.M)
    return {target for snippet in code + indented for _, target in MAKE.findall(snippet)}


def test_the_readme_is_a_guide_under_400_lines():
    lines = len(README.read_text(encoding="utf-8").splitlines())
    assert lines < MAX_README_LINES, (
        f"README.md has {lines} lines; keep it a guide under {MAX_README_LINES}: move histories, benchmarks "
        "and design narratives to docs/ and link them")


@pytest.mark.parametrize("path", [README, *DOCS], ids=lambda path: path.relative_to(REPO).as_posix())
def test_every_relative_link_leads_to_a_file_of_the_repository(path):
    problems = broken_links(path)
    assert not problems, "links that lead nowhere:\n  " + "\n  ".join(problems)


def test_the_readme_links_every_document_of_docs():
    linked = {(README.parent / urlsplit(target).path).resolve() for target in links(README.read_text(encoding="utf-8"))}
    unlinked = [path.relative_to(REPO).as_posix() for path in DOCS if path.resolve() not in linked]
    assert DOCS, "no docs/*.md found"
    assert not unlinked, f"README.md links none of: {unlinked}; add each to its table 'More documentation'"


def test_every_make_command_of_the_readme_is_a_target():
    shown = shown_make_commands(README.read_text(encoding="utf-8"))
    assert {"book", "test", "test-fast"} <= shown, shown
    missing = sorted(shown - course_and_student_targets())
    assert not missing, (f"README.md shows `make` with targets that neither the Makefile and mk/*.mk nor the "
                         f"student copy's Makefile define: {missing}")


def test_the_checks_find_a_broken_link_a_missing_heading_and_a_missing_target(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "guide.md").write_text("# A guide\n\n## The walls\n", encoding="utf-8")
    page = tmp_path / "README.md"
    page.write_text(
        "# Read me\n\nSee [the guide](docs/guide.md), [walls](docs/guide.md#the-walls), [home](https://example.org)\n"
        "and [gone](docs/gone.md), [no such part](docs/guide.md#the-roof), [up](../outside.md).\n\n"
        "```bash\n[not a link](nowhere.md)\nmake book\n```\n\n`make no-such-target`\n", encoding="utf-8")
    problems = broken_links(page, tmp_path)
    assert len(problems) == 3, problems
    assert any("docs/gone.md" in problem for problem in problems)
    assert any("#the-roof" in problem for problem in problems)
    assert any("outside the repository" in problem for problem in problems)
    assert shown_make_commands(page.read_text(encoding="utf-8")) == {"book", "no-such-target"}
    assert make_targets("book: setup\n\tbuild\ntest test-fast: setup\nFAST := x\n") == {"book", "test", "test-fast"}


@pytest.mark.parametrize(("heading", "expected"), [
    ("The Chinese edition's build", "the-chinese-editions-build"),
    ("The library: `source_lib`", "the-library-source_lib"),
    ("Printable edition (PDF)", "printable-edition-pdf"),
])
def test_anchors_are_githubs(heading, expected):
    assert anchor(heading) == expected
