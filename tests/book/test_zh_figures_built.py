"""The figures and computed tables of the built Chinese edition are drawn in Chinese, from the catalog figures.po.

Reads the book that `make book` built (_build/html or $BOOK_HTML, the Chinese edition in its zh/)
and the chapters' executed notebooks in the execution cache beside it (_build/.jupyter_cache),
whose figure outputs record the texts each drawing shows (bookkit.plotting.use_book_figures).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import sys

import pytest
from bs4 import BeautifulSoup
from support.book_paths import REPO, book_html_dir, translated_page_files

import translations
from bookkit import figure_words

sys.path.insert(0, str(REPO / "book" / "_ext"))
from editions import EDITIONS  # noqa: E402

pytestmark = [pytest.mark.book]

LANGUAGE = "zh_CN"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _pages():
    """(docname, English page, Chinese page, both parsed) for every translated page."""
    for page, *paths in translated_page_files(LANGUAGE):
        yield page, *paths, *(BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser") for path in paths)


def _output_images(path, soup):
    return [(path.parent / img["src"]).resolve() for img in soup.select("article div.cell_output img")]


def test_no_figure_on_a_chinese_page_is_the_english_image_at_its_place():
    compared, problems = 0, []
    for page, english_path, chinese_path, english, chinese in _pages():
        english_images, chinese_images = _output_images(english_path, english), _output_images(chinese_path, chinese)
        if len(english_images) != len(chinese_images):
            problems.append(f"{page}: {len(english_images)} figures in English, {len(chinese_images)} in Chinese")
            continue
        for number, (en, zh) in enumerate(zip(english_images, chinese_images), 1):
            compared += 1
            if en.read_bytes() == zh.read_bytes():
                problems.append(f"{page}: figure {number} ({zh.name}) is the English image")
    assert not problems, "figures not drawn in Chinese:\n  " + "\n  ".join(problems)
    assert compared >= 30, f"only {compared} figures compared: are the chapters' figures in the pages?"


def _msgstr_patterns():
    """Every translation of figures.po as a pattern: its {fields} stand for texts without words or other translations."""
    table = translations.catalog("figures", LANGUAGE)
    patterns = []
    for msgstr in table.values():
        parts, last = [], 0
        for match in re.finditer(r"\{[A-Za-z_][A-Za-z_0-9]*\}", msgstr):
            parts.append(re.escape(msgstr[last:match.start()]) + "(.+?)")
            last = match.end()
        patterns.append(re.compile("".join(parts) + re.escape(msgstr[last:]), re.DOTALL))
    return set(table.values()), patterns


def _without_code(text):
    """A text as a table cell shows it once its inline code and formulas are taken out."""
    return re.sub(r"`[^`]*`|\$[^$]*\$", "", text).strip()


def _from_catalog(text, exact, patterns):
    """Whether a drawn text is a catalog translation, or one with its fields filled by texts that are."""
    if not figure_words.has_words(text) or text in exact:
        return True
    for pattern in patterns:
        match = pattern.fullmatch(text)
        if match and all(_from_catalog(value, exact, patterns) for value in match.groups()):
            return True
    return False


def _figure_outputs():
    """(chapter, output metadata of image/png) of every figure the chapters drew, from the execution cache."""
    from jupyter_cache import get_cache

    folder = book_html_dir().parent / ".jupyter_cache"  # beside the HTML (_build/.jupyter_cache)
    if not folder.is_dir():
        pytest.fail(f"no execution cache in {folder}: run `make book`")
    cache = get_cache(folder)
    latest = {}
    for record in cache.list_cache_records():  # the newest execution of each chapter
        if record.uri not in latest or record.created > latest[record.uri].created:
            latest[record.uri] = record
    for uri, record in sorted(latest.items()):
        for cell in cache.get_cache_bundle(record.pk).nb.cells:
            for output in cell.get("outputs", []):
                if "image/png" in output.get("data", {}):
                    yield uri.split("/book/", 1)[-1], output.get("metadata", {}).get("image/png", {})


def test_every_text_a_chinese_figure_draws_comes_from_the_chinese_catalog():
    exact, patterns = _msgstr_patterns()
    images = {path.name for path in (book_html_dir() / EDITIONS[LANGUAGE]["folder"] / "_images").glob("*.png")}
    figures, problems = 0, []
    for notebook, metadata in _figure_outputs():
        figures += 1
        edition = metadata.get("editions", {}).get(LANGUAGE)
        if edition is None:
            problems.append(f"{notebook}: a figure without a {LANGUAGE} drawing")
            continue
        name = hashlib.sha256(base64.b64decode(edition["data"])).hexdigest() + ".png"
        if name not in images:
            problems.append(f"{notebook}: its {LANGUAGE} figure {name} is not among the Chinese edition's images")
        strays = [text for text in edition["texts"] if not _from_catalog(text, exact, patterns)]
        if strays:
            problems.append(f"{notebook}: drawn but not from figures.po: {strays}")
    assert not problems, "\n  ".join(["Chinese figures:", *problems])
    assert figures >= 30, f"only {figures} figures in the executed chapters"


def _words(cell):
    """The text of a table cell without its code and formulas."""
    for element in cell.select("code, .math, mjx-container, script"):
        element.decompose()
    return cell.get_text(" ", strip=True)


def test_every_computed_table_of_the_chapters_reads_in_chinese():
    """The tables the chapters compute (bookkit's markdown_table): header and cells with words read in Chinese.

    And the reference page's table of the exercises, whose titles are the notebooks' Chinese headings.
    """
    exact, patterns = _msgstr_patterns()
    exact |= {_without_code(text) for text in exact}
    tables, problems = 0, []
    for page, _, _, _, chinese in _pages():
        if not page.startswith(("book/lecture/", "book/beyond/", "book/reference/50-exercises")):
            continue
        for table in chinese.select("article div.cell_output table"):
            tables += 1
            for cell in table.select("th, td"):
                text = _words(cell)
                if figure_words.has_words(text) and not CJK.search(text) and not _from_catalog(text, exact, patterns):
                    problems.append(f"{page}: table cell {text!r}")
    assert not problems, "English words in the computed tables of Chinese pages:\n  " + "\n  ".join(problems)
    assert tables >= 10, f"only {tables} computed tables on the Chinese pages"


def test_the_code_shown_is_the_same_in_both_editions():
    problems = []
    for page, _, _, english, chinese in _pages():
        code = [[block.get_text() for block in soup.select("article div.cell_input pre")] for soup in (english, chinese)]
        if code[0] != code[1]:
            problems.append(page)
    assert not problems, f"code cells that differ between the editions: {problems}"


@pytest.mark.pdf
def test_the_chinese_printed_edition_prints_the_chinese_figures():
    """The page the Chinese PDF is printed from (make pdf) holds no English figure at the place of one."""
    pages = [REPO / "_build" / "singlehtml" / "print-edition.html",
             REPO / "_build" / "zh_CN" / "singlehtml" / "print-edition.html"]
    missing = [str(path) for path in pages if not path.is_file()]
    if missing:
        pytest.fail(f"no printable edition {missing}: run `make pdf`")
    english, chinese = (_output_images(path, BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser"))
                        for path in pages)
    assert len(english) == len(chinese) >= 30, (len(english), len(chinese))
    same = [zh.name for en, zh in zip(english, chinese) if en.read_bytes() == zh.read_bytes()]
    assert not same, f"English figures in the Chinese printed edition: {same}"


def test_each_editions_downloadable_chapters_hold_its_own_figures_only():
    """_sources/<page>.ipynb (the page's download menu): the figures of the page, no drawing in another language."""
    folder = book_html_dir()
    problems, compared = [], 0
    for page, english_path, chinese_path, english, chinese in _pages():
        for root, path, soup in ((folder, english_path, english), (folder / EDITIONS[LANGUAGE]["folder"], chinese_path, chinese)):
            notebook = root / "_sources" / f"{page}.ipynb"
            if not notebook.is_file():
                continue
            on_page = {image.name for image in _output_images(path, soup)}
            for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
                for output in cell.get("outputs", []):
                    if "image/png" not in output.get("data", {}):
                        continue
                    compared += 1
                    name = hashlib.sha256(base64.b64decode(output["data"]["image/png"])).hexdigest() + ".png"
                    if name not in on_page or "editions" in output.get("metadata", {}).get("image/png", {}):
                        problems.append(f"{notebook.relative_to(folder)}: a figure not on its page, or with other drawings")
    assert not problems, "\n".join(problems)
    assert compared >= 60, f"only {compared} figures in the downloadable chapters of both editions"
