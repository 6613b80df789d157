"""The Chinese catalogs: complete and current for the pages declared translated, free of computed output,
and written with the glossary's terms.

`make book` writes the message templates of the English source to _build/gettext
(book/_ext/build_edition.py gettext) and `make translations` merges them into
locale/zh_CN/LC_MESSAGES/**/*.po. These tests read both; they need no browser.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup
from support.book_paths import REPO, book_html_dir
from support.zh_terms import RIVAL_FORMS, english_prose, mentions

sys.path.insert(0, str(REPO / "book" / "_ext"))
from editions import glossary_pairs, translated_pages  # noqa: E402

pytestmark = [pytest.mark.book]

LANGUAGE = "zh_CN"
CATALOGS = REPO / "locale" / LANGUAGE / "LC_MESSAGES"
TEMPLATES = REPO / "_build" / "gettext"

def _catalog(path: Path):
    if not path.is_file():
        pytest.fail(f"{path.relative_to(REPO)} is missing: run `make translations` and translate it")
    with path.open("rb") as handle:
        return read_po(handle)


def _first_words(text: str, count: int = 8) -> str:
    words = text.split()
    return " ".join(words[:count]) + (" …" if len(words) > count else "")


def _pages():
    return translated_pages(LANGUAGE)


def test_the_declared_pages_exist():
    missing = [page for page in _pages() if not (REPO / f"{page}.md").is_file()]
    assert not missing, f"locale/translated-pages.toml lists pages that do not exist: {missing}"


@pytest.mark.parametrize("page", _pages())
def test_every_message_of_a_translated_page_has_a_current_translation(page):
    template_path = TEMPLATES / f"{page}.pot"
    if not template_path.is_file():
        pytest.fail(f"{template_path.relative_to(REPO)} is missing: run `make book` (or `make gettext`) first")
    template = _catalog(template_path)
    catalog = _catalog(CATALOGS / f"{page}.po")
    problems = []
    for message in template:
        if not message.id:
            continue
        entry = catalog.get(message.id)
        if entry is None:
            problems.append(f"not in the catalog (run `make translations`): {_first_words(message.id)!r}")
        elif not entry.string:
            problems.append(f"untranslated: {_first_words(message.id)!r}")
        elif entry.fuzzy:
            problems.append(f"fuzzy (the English changed; check and remove the fuzzy flag): {_first_words(message.id)!r}")
    assert not problems, f"locale/{LANGUAGE}/LC_MESSAGES/{page}.po:\n  " + "\n  ".join(problems)


def _output_texts(html_file: Path) -> set[str]:
    """The text of every table cell, paragraph and line a code cell of the English page computed."""
    soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
    texts = set()
    for output in soup.select(".cell_output"):
        # Captions and the texts of quizzes (marked data-i18n) are written by the authors: messages by design.
        for authored in output.select("figcaption, [data-i18n]"):
            authored.decompose()
        for element in output.select("td, th, p, li, pre"):
            text = " ".join(element.get_text(" ").split())
            if re.search(r"\d", text):
                texts.add(text)
    return texts


def _quiz_texts(html_file: Path) -> set[str]:
    soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
    return {" ".join(element.get_text(" ").split()) for element in soup.select(".cell_output [data-i18n]")}


def test_computed_output_is_not_a_message_to_translate():
    html = book_html_dir()
    templates = sorted(TEMPLATES.rglob("*.pot"))
    if not templates:
        pytest.fail("no message templates in _build/gettext: run `make book` (or `make gettext`) first")
    checked = 0
    leaks = []
    for template_path in templates:
        page = template_path.relative_to(TEMPLATES).with_suffix("")
        html_file = html / f"{page}.html"
        if not html_file.is_file():
            continue
        outputs = _output_texts(html_file)
        # A quiz's option may read like a printed value ("(4, 3, 3, 3)"): it is authored text all the same.
        outputs -= _quiz_texts(html_file)
        checked += len(outputs)
        for message in _catalog(template_path):
            if message.id and " ".join(message.id.split()) in outputs:
                leaks.append(f"{page}: {_first_words(message.id)!r}")
    assert checked, "no computed output found in the English pages; the test reads .cell_output elements"
    assert not leaks, "computed output was extracted as text to translate:\n  " + "\n  ".join(leaks)


@pytest.mark.parametrize(
    ("sentence", "mentions_the_kernel"),
    [
        ("*Kernel → Restart Kernel and Run All Cells*, then, in a terminal,", False),
        ("which runs every cell in a fresh kernel, prints each test cell", False),
        ("In a notebook with a running kernel, the explorer is a widget.", False),
        ("A submission whose kernel dies keeps the points it earned before.", False),
        ("Flip the kernel up-down and left-right.", True),
        ("The kernel slides over the image; restart the kernel of a fresh notebook.", True),
    ],
)
def test_the_jupyter_kernel_needs_no_glossary_term(sentence, mentions_the_kernel):
    assert mentions(english_prose(sentence), "kernel") is mentions_the_kernel


def test_the_glossary_lists_a_rival_form_only_for_its_own_terms():
    chinese = {term for forms, _ in glossary_pairs() for term in forms}
    unknown = sorted(set(RIVAL_FORMS) - chinese)
    assert not unknown, f"RIVAL_FORMS names terms that are not in the glossary: {unknown}"
    clashes = sorted(rival for rivals in RIVAL_FORMS.values() for rival in rivals if rival in chinese)
    assert not clashes, f"RIVAL_FORMS lists glossary terms as rivals: {clashes}"


@pytest.mark.parametrize("page", _pages())
def test_chinese_pages_use_the_glossary_terms(page):
    pairs = glossary_pairs()
    glossary_terms = {term.lower() for chinese, english in pairs for term in chinese + english}
    chinese_terms = sorted({term for chinese, _ in pairs for term in chinese}, key=len, reverse=True)
    problems = []
    for message in _catalog(CATALOGS / f"{page}.po"):
        if not message.id or not message.string or message.id.strip().lower() in glossary_terms:
            continue
        prose = english_prose(message.id)
        for chinese, english in pairs:
            if any(mentions(prose, term) for term in english) and not any(term in message.string for term in chinese):
                wanted = " or ".join(chinese)
                problems.append(f"{english[0]!r} is not translated as {wanted}: {_first_words(message.string, 3)!r}")
        # A rival may be part of a longer glossary term (近邻插值 in 最近邻插值): that use is right.
        text = message.string
        for term in chinese_terms:
            text = text.replace(term, "\0")
        for term, rivals in RIVAL_FORMS.items():
            for rival in rivals:
                if rival in text:
                    problems.append(f"{rival!r} is used instead of the glossary's {term!r}: {_first_words(message.string, 3)!r}")
    assert not problems, f"locale/{LANGUAGE}/LC_MESSAGES/{page}.po:\n  " + "\n  ".join(problems)


def _button_name(label):
    """A button's label as the text names it: without its arrow (“Step ▶” is **Step**)."""
    return label.replace("▶", "").replace("◀", "").strip()


def test_the_text_names_each_button_by_the_word_the_button_shows():
    """Instructions say “press **Check**”: in each edition, the bold name is the button's own label."""
    from bookkit.explorer.interface import english_words
    from translations import catalog

    table = catalog("interface", LANGUAGE)
    words = {word for group in english_words().values() for word in group.values() if isinstance(word, str)}
    buttons = {_button_name(word): _button_name(table[word])
               for word in words if word in table and len(word.split()) <= 2
               and _button_name(word)[:1].isupper()}
    assert {"Check", "Step", "Back", "Play", "Pause", "Reset"} <= set(buttons), sorted(buttons)
    problems, named = [], 0
    for path in sorted(CATALOGS.rglob("*.po")):
        for message in _catalog(path):
            for english in re.findall(r"\*\*([^*]+)\*\*", message.id or ""):
                if english not in buttons or not message.string:
                    continue
                named += 1
                if f"**{buttons[english]}**" not in message.string:
                    problems.append(f"{path.relative_to(CATALOGS)}: **{english}** is **{buttons[english]}** on the "
                                    f"button, but the translation says: {_first_words(message.string, 12)!r}")
    assert named >= 12, named  # the quiz instructions of every chapter, and the explorer page
    assert not problems, "\n".join(problems)


def test_the_books_own_names_are_written_one_way():
    """Parts, chapters, exercises and measures keep the Chinese name they have where they are defined."""
    from support.zh_terms import BOOK_NAMES

    places = sorted(CATALOGS.rglob("*.po")) + sorted((REPO / "exercises").glob("*/*.ipynb"))
    problems = []
    for path in places:
        texts = ([message.string for message in _catalog(path)] if path.suffix == ".po"
                 else [path.read_text(encoding="utf-8")])
        for text in texts:
            for name, drifts in BOOK_NAMES.items():
                problems += [f"{path.relative_to(REPO)}: {drift!r} instead of {name!r}" for drift in drifts
                             if drift in text.replace(name, "\0")]
    assert not problems, "\n".join(sorted(set(problems)))


def test_tap_is_explained_where_the_chinese_reader_first_meets_it():
    """抽头 (a kernel's single weight) is the book's own word: its first use, in reading order, says what it is."""
    order = [CATALOGS / "book" / "index.po"] + [
        path for part in ("lecture", "beyond", "reference") for path in sorted((CATALOGS / "book" / part).glob("*.po"))]
    first = next((message.string for path in order for message in _catalog(path)
                  if message.string and "抽头" in message.string), None)
    assert first is not None
    assert re.search(r"抽头（tap[，,]", first), f"the first 抽头 is not explained: {_first_words(first, 30)!r}"
