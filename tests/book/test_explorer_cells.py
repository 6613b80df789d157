"""The explorers' looks are declared once (``CELL_PIXELS``, ``LOOKS``, ...) and every explorer's style takes them from there.

The notebook explorer's stylesheet (``STYLE``) is made from the declarations,
the browser explorer reads them from the spec the book build writes
(``_static/explorer-spec.js``: a generated stylesheet with the cells' sizes and the
shared values as custom properties), and the browser's static stylesheet and scripts
hold no second copy. ``test_explorer_looks_browser.py`` measures the drawn cells and
changes every shared value to see both explorers follow.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from bookkit.explorer import CELL_PIXELS, LOOKS, STYLE, cell_rules, grid_size_class, spec, spec_script
from bookkit.explorer.declarations import SMALL_CELLS_ABOVE, TINY_CELLS_ABOVE

ROOT = Path(__file__).resolve().parents[2]
CSS = ROOT / "_static" / "transposed-explorer.css"
SCRIPTS = [ROOT / "_static" / "transposed-explorer.js", ROOT / "bookkit" / "explorer" / "transposed-explorer-core.js"]
PREFIX = "window.TRANSPOSED_EXPLORER_SPEC = "

RULE = re.compile(r"([^{}]+)\{([^}]*)\}")


def declarations(text):
    """(selector, {property: value}) per rule of a stylesheet, comments left out."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return [(selector.strip(), dict((part.split(":", 1)[0].strip(), part.split(":", 1)[1].strip())
                                    for part in body.split(";") if ":" in part))
            for selector, body in RULE.findall(text)]


def sizes_in(text):
    """The cell and font sizes a stylesheet gives each size class's grid cells, as CELL_PIXELS writes them."""
    found = {}
    for selector, props in declarations(text):
        for one in selector.split(","):
            match = re.fullmatch(r"table\.tce-grid(?:\.(tce-\w+))?\s+td", one.strip())
            if match and {"width", "height", "font-size"} <= set(props):
                assert props["width"] == props["height"] == props.get("min-width", props["width"]), props
                found[match.group(1) or ""] = {"cell": int(props["width"].removesuffix("px")),
                                               "font": int(props["font-size"].removesuffix("px"))}
    return found


def test_every_size_class_has_its_cells_declared():
    classes = {grid_size_class([[0] * n]) for n in (1, SMALL_CELLS_ABOVE + 1, TINY_CELLS_ABOVE + 1)}
    assert classes == set(CELL_PIXELS)
    # larger grids never get larger cells, and no text is smaller than 10 px
    cells = [CELL_PIXELS[name]["cell"] for name in ("", "tce-small", "tce-tiny")]
    assert cells == sorted(cells, reverse=True)
    assert min(size["font"] for size in CELL_PIXELS.values()) >= 10


def test_the_notebook_style_has_the_declared_cell_sizes():
    assert sizes_in(STYLE.removeprefix("<style>").removesuffix("</style>")) == CELL_PIXELS
    assert sizes_in(cell_rules()) == CELL_PIXELS


@pytest.mark.parametrize("language", [None, "zh_CN"])
def test_the_browser_spec_carries_the_declared_cell_sizes(language):
    assert spec(language)["cells"]["pixels"] == CELL_PIXELS
    line = spec_script(language).splitlines()[-1]
    assert json.loads(line[len(PREFIX):-1])["cells"]["pixels"] == CELL_PIXELS
    assert sizes_in(spec(language)["style"]) == CELL_PIXELS  # the rules the browser adds


def test_the_browser_spec_sets_every_shared_look_on_the_explorer():
    (selector, props), *_ = declarations(spec()["style"])
    assert selector == ".tce-explorer"
    assert props == {f"--tce-{name.replace('_', '-')}": value for name, value in LOOKS.items()}


# Where the static stylesheet writes a value that happens to equal a look's, and means something else.
COINCIDENCES = {
    (".tce-step-button, .tce-reset", "border-radius"),  # "3px": rounded corners, not the caption's gap
    (".tce-legend span", "margin"),  # "3px" under a swatch when the legend wraps
    (".tce-legend", "margin"),  # "6px 0": the browser's legend's room (the notebook's is 4px)
}


def test_the_browser_stylesheet_reads_every_shared_look_and_copies_none():
    css = CSS.read_text(encoding="utf-8")
    read = set(re.findall(r"var\(--tce-([\w-]+)\)", css))
    assert read == {name.replace("_", "-") for name in LOOKS}, (
        "_static/transposed-explorer.css should read each of LOOKS (bookkit/explorer/declarations.py) "
        "with var(--tce-...) and no other custom property")
    copies = []
    for selector, props in declarations(css):
        selector = " ".join(selector.split())
        for name, value in props.items():
            for look, literal in LOOKS.items():
                if re.search(rf"(?<![\w#.-]){re.escape(literal)}(?![\w-])", value) and (selector, name) not in COINCIDENCES:
                    copies.append(f"{selector} {{{name}: {value}}} writes LOOKS[{look!r}] = {literal!r}")
    assert not copies, "write var(--tce-...) instead:\n  " + "\n  ".join(copies)


def test_the_browser_scripts_write_no_size_or_colour():
    for script in SCRIPTS:
        code = re.sub(r"/\*.*?\*/|//[^\n]*", "", script.read_text(encoding="utf-8"), flags=re.S)
        found = re.findall(r"\d+px|\bpx\b|#[0-9a-fA-F]{3,6}\b", code)
        assert not found, f"{script.name} writes {found}: declare it in bookkit/explorer/declarations.py"


# What the static stylesheet may say about a grid cell: everything but its size.
CELL_PROPERTIES_ALLOWED = {"padding", "text-align", "vertical-align", "border", "border-style", "border-color",
                           "font-family", "line-height", "color", "cursor", "outline", "outline-offset",
                           "transition", "box-shadow"}


def test_the_browser_stylesheet_holds_no_second_copy_of_the_cell_sizes():
    problems = []
    for selector, props in declarations(CSS.read_text(encoding="utf-8")):
        if "tce-grid" in selector and re.search(r"\btd\b", selector):
            problems += [f"{selector} {{{name}: {value}}}" for name, value in props.items()
                         if name not in CELL_PROPERTIES_ALLOWED]
    assert not problems, ("_static/transposed-explorer.css sets what CELL_PIXELS of bookkit/explorer/html.py "
                          "declares (or a property not allowed for a cell; the cells' sizes come from the spec):\n  "
                          + "\n  ".join(problems))


@pytest.mark.book
def test_the_built_book_spec_has_the_declared_cell_sizes():
    book = Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html"))
    scripts = [book / "_static" / "explorer-spec.js", book / "zh" / "_static" / "explorer-spec.js"]
    if not scripts[0].exists():
        message = f"{scripts[0]} is missing: build the book first (make book)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    for script in (path for path in scripts if path.exists()):
        line = script.read_text(encoding="ascii").splitlines()[-1]
        assert json.loads(line[len(PREFIX):-1])["cells"]["pixels"] == CELL_PIXELS, (
            f"{script} is older than bookkit/explorer/html.py: rebuild the book (make book)")
