"""The page *Common mistakes*: one section per pitfall, each shown, fixed and explained.

Two kinds of checks:

- on the source ``book/reference/30-common-mistakes.md`` (no build needed): every
  section has a reproduction and a fix as visible code cells, a hidden cell that
  asserts what the text claims, and a ``{doc}`` link; every ``{doc}`` target is an
  existing chapter of the table of contents and every ``{ref}`` target a label of
  the page;
- on the built page (``$BOOK_HTML``, default ``<repo>/_build/html``): the summary
  table links every section, each section shows the output of at least one code
  cell and links a built chapter page, and the messages on the page are the ones
  the installed torch gives now.

The build itself checks the claims through the hidden asserts: a wrong claim fails
``make book``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from support.book_paths import REPO, book_html_dir

pytestmark = [pytest.mark.book]

SOURCE = REPO / "book" / "reference" / "30-common-mistakes.md"
PAGE = Path("book") / "reference" / "30-common-mistakes.html"
CHAPTER_FOLDERS = ("lecture", "beyond")

# The pitfalls the page must cover, by the label of their section.
REQUIRED_LABELS = {
    "mistake-positional",  # output_padding passed by position
    "mistake-weight-layout",  # (C_in, C_out/groups, k, k) against Conv2d's layout
    "mistake-padding",  # padding works backwards
    "mistake-eleven",  # 12 -> 6 -> 11
    "mistake-refusals",  # accepted by the constructor, refused by forward
    "mistake-fcn-border",  # FCN's dark border
    "mistake-tf32",  # a GPU layer in TF32 checked with a float32 tolerance
}

LABEL = re.compile(r"^\((?P<label>[A-Za-z0-9_-]+)\)=\s*$", re.M)
DOC_ROLE = re.compile(r"\{doc\}`(?:[^`<]*<)?(?P<target>[^`>]+)>?`")
REF_ROLE = re.compile(r"\{ref\}`(?:[^`<]*<)?(?P<target>[^`>]+)>?`")
CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(?P<body>.*?)^```\s*$", re.M | re.S)


# ---------------------------------------------------------------- the source


def source_text() -> str:
    if not SOURCE.is_file():
        pytest.fail(f"{SOURCE.relative_to(REPO)} does not exist")
    return SOURCE.read_text(encoding="utf-8")


def source_sections(text: str) -> dict[str, str]:
    """Label -> the text from that label to the next label (the page's sections)."""
    matches = list(LABEL.finditer(text))
    return {match["label"]: text[match.end() : (matches[i + 1].start() if i + 1 < len(matches) else len(text))]
            for i, match in enumerate(matches)}


def is_hidden(cell_body: str) -> bool:
    return bool(re.match(r"\s*:tags:\s*\[[^\]]*remove-cell", cell_body))


def test_source_has_a_section_per_required_mistake():
    labels = set(source_sections(source_text()))
    missing = REQUIRED_LABELS - labels
    assert not missing, f"no section labelled {sorted(missing)} in {SOURCE.name}"


def test_each_source_section_has_reproduction_fix_hidden_check_and_chapter_link():
    problems = []
    for label, body in source_sections(source_text()).items():
        cells = [match["body"] for match in CODE_CELL.finditer(body)]
        visible = [cell for cell in cells if not is_hidden(cell)]
        hidden = [cell for cell in cells if is_hidden(cell)]
        if len(visible) < 2:
            problems.append(f"{label}: {len(visible)} visible code cell(s); a reproduction and a fix are needed")
        if not any(re.search(r"^\s*assert\b", cell, re.M) for cell in hidden):
            problems.append(f"{label}: no hidden (remove-cell) cell with an assert")
        if not DOC_ROLE.search(body):
            problems.append(f"{label}: no {{doc}} link to the chapter that explains it")
    assert not problems, "\n".join(problems)


def test_summary_table_lists_every_source_section():
    text = source_text()
    sections = source_sections(text)
    first = LABEL.search(text)
    table = text[: first.start()] if first else text
    listed = {match["target"] for match in REF_ROLE.finditer(table)}
    assert set(sections) <= listed, f"sections missing from the table at the top: {sorted(set(sections) - listed)}"


def toc_chapters() -> set[Path]:
    """The chapter files the table of contents includes (its globs and files)."""
    chapters = set()
    for line in (REPO / "_toc.yml").read_text(encoding="utf-8").splitlines():
        match = re.match(r"\s*-?\s*(glob|file):\s*(\S+)", line)
        if not match:
            continue
        kind, pattern = match.groups()
        if kind == "glob":
            chapters.update(path.resolve() for path in REPO.glob(pattern + ".md"))
            chapters.update(path.resolve() for path in REPO.glob(pattern) if path.suffix == ".md")
        else:
            chapters.add((REPO / (pattern if pattern.endswith(".md") else pattern + ".md")).resolve())
    return chapters


def test_every_doc_link_resolves_to_a_chapter_in_the_toc():
    text = source_text()
    targets = {match["target"].strip() for match in DOC_ROLE.finditer(text)}
    assert targets, "the page links no chapter"
    in_toc = toc_chapters()
    problems = []
    for target in sorted(targets):
        path = (SOURCE.parent / (target + ".md")).resolve()
        if not path.is_file():
            problems.append(f"{{doc}}`{target}`: no file {path}")
        elif path not in in_toc:
            problems.append(f"{{doc}}`{target}`: {path.relative_to(REPO)} is not in _toc.yml")
    assert not problems, "\n".join(problems)


def test_every_ref_link_names_a_label_of_the_page():
    text = source_text()
    labels = {match["label"] for match in LABEL.finditer(text)}
    unknown = {match["target"].strip() for match in REF_ROLE.finditer(text)} - labels
    assert not unknown, f"{{ref}} targets without a label on the page: {sorted(unknown)}"


# ---------------------------------------------------------------- the built page


@dataclass
class Section:
    ids: list[str]
    level: int
    title: str = ""
    hrefs: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)


class SectionParser(HTMLParser):
    """Splits a Sphinx page into its <section> elements: ids, heading, links, cell outputs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sections: list[Section] = []
        self.open: list[Section] = []
        self.in_heading = False
        self.div_depth = 0
        self.output_depth: int | None = None  # div depth of the cell output being read

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        current = self.open[-1] if self.open else None
        if tag == "section":
            section = Section(ids=[attributes.get("id", "")], level=len(self.open) + 1)
            self.sections.append(section)
            self.open.append(section)
        elif tag == "span" and current and not current.title and attributes.get("id"):
            current.ids.append(attributes["id"])  # a label right before the heading
        elif re.fullmatch(r"h[1-6]", tag) and current and not current.title:
            self.in_heading = True
        elif tag == "a" and current and attributes.get("href") and "headerlink" not in (attributes.get("class") or ""):
            current.hrefs.append(attributes["href"])
        elif tag == "div":
            self.div_depth += 1
            if self.output_depth is None and "cell_output" in (attributes.get("class") or "").split():
                self.output_depth = self.div_depth
                current.outputs.append("")

    def handle_endtag(self, tag):
        if tag == "section" and self.open:
            self.open.pop()
        elif re.fullmatch(r"h[1-6]", tag):
            self.in_heading = False
        elif tag == "div":
            if self.output_depth == self.div_depth:
                self.output_depth = None
            self.div_depth -= 1

    def handle_data(self, data):
        if not self.open:
            return
        if self.in_heading:
            self.open[-1].title += data
        if self.output_depth is not None:
            self.open[-1].outputs[-1] += data


@pytest.fixture(scope="module")
def built_page():
    folder = book_html_dir()
    path = folder / PAGE
    if not path.is_file():
        pytest.fail(f"{PAGE} is not in the built book {folder}: is the page in the table of contents?")
    parser = SectionParser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return folder, path, parser


def mistake_sections(parser: SectionParser) -> list[Section]:
    return [section for section in parser.sections if section.level == 2 and "check-yourself" not in section.ids]


def normalise(text: str) -> str:
    return " ".join(text.split())


def test_built_page_has_a_section_per_required_mistake(built_page):
    _, _, parser = built_page
    ids = {identifier for section in mistake_sections(parser) for identifier in section.ids}
    missing = REQUIRED_LABELS - ids
    assert not missing, f"no section with the id {sorted(missing)} on the built page"


def test_each_built_section_shows_output_and_links_a_chapter(built_page):
    folder, path, parser = built_page
    sections = mistake_sections(parser)
    assert len(sections) >= len(REQUIRED_LABELS)
    problems = []
    for section in sections:
        name = f"section {section.title.strip()!r}"
        if not any(output.strip() for output in section.outputs):
            problems.append(f"{name}: no code cell output")
        chapters = []
        for href in section.hrefs:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            target = (path.parent / unquote(parts.path)).resolve()
            if not target.is_relative_to(folder.resolve()):
                continue
            relative = target.relative_to(folder.resolve()).parts
            if target.is_file() and len(relative) > 2 and relative[0] == "book" and relative[1] in CHAPTER_FOLDERS:
                chapters.append(target)
        if not chapters:
            problems.append(f"{name}: no link to a built chapter page under book/{{{','.join(CHAPTER_FOLDERS)}}}/")
    assert not problems, "\n".join(problems)


def test_built_table_links_every_section(built_page):
    _, _, parser = built_page
    top = parser.sections[0]
    fragments = {unquote(urlsplit(href).fragment) for href in top.hrefs if href.startswith("#")}
    unlisted = [section.title.strip() for section in mistake_sections(parser) if not set(section.ids) & fragments]
    assert not unlisted, f"sections the table at the top does not link: {unlisted}"


def torch_message(action) -> str:
    try:
        action()
    except Exception as error:  # the message torch gives is what the page must show
        return f"{type(error).__name__}: {error}"
    raise AssertionError("torch accepted a configuration the page says it refuses")


def test_built_page_shows_what_torch_says_now(built_page):
    torch = pytest.importorskip("torch")
    nn = torch.nn
    _, _, parser = built_page
    outputs = normalise(" ".join(output for section in parser.sections for output in section.outputs))
    expected = {
        "positional output_padding": repr(nn.ConvTranspose2d(16, 16, 3, 2, 1, 1)),
        "output_padding refused at forward": torch_message(
            lambda: nn.ConvTranspose2d(1, 1, 3, stride=2, output_padding=2)(torch.zeros(1, 1, 3, 3))),
        "output_size out of range": torch_message(
            lambda: nn.ConvTranspose2d(1, 1, 3, stride=2, padding=1)(torch.zeros(1, 1, 6, 6), output_size=[14, 14])),
        "weight layout": torch_message(
            lambda: nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1).load_state_dict(
                nn.Conv2d(4, 6, 3, stride=2, padding=1).state_dict())),
        "groups as a switch": torch_message(lambda: nn.ConvTranspose2d(4, 4, 3, groups=True)(torch.zeros(1, 4, 5, 5))),
        "11 instead of 12": str(tuple(nn.ConvTranspose2d(16, 16, 3, stride=2, padding=1)(
            nn.Conv2d(16, 16, 3, stride=2, padding=1)(torch.zeros(1, 16, 12, 12))).shape)),
    }
    missing = {name: text for name, text in expected.items() if normalise(text) not in outputs}
    assert not missing, f"not among the page's cell outputs (rebuild the book?): {missing}"
