"""Translations keep what is not words: markup of the page and the quizzes' texts.

A Chinese message may reorder a sentence freely, but the code it quotes, its
formulas, the targets of its cross-references and the HTML tags of a quiz text
are the English message's. The quizzes' texts (``bookkit.quiz``, elements
marked ``data-i18n`` in a cell's output) are messages of their chapter: these
tests check that the templates hold them and that the Chinese pages show them
translated. They read the catalogs and the built book; they need no browser.
"""

from __future__ import annotations

import re
import sys
from collections import Counter

import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup
from support.book_paths import REPO, book_html_dir

sys.path.insert(0, str(REPO / "book" / "_ext"))
from editions import EDITIONS, glossary_pairs, html_messages, translated_pages  # noqa: E402

pytestmark = [pytest.mark.book]

LANGUAGE = "zh_CN"
CATALOGS = REPO / "locale" / LANGUAGE / "LC_MESSAGES"
TEMPLATES = REPO / "_build" / "gettext"
_LETTERS = re.compile(r"[A-Za-z]{2,}")


def _read(path):
    with path.open("rb") as handle:
        return read_po(handle)


def _roles(text):
    """The targets of MyST roles: {doc}`a` -> a, {numref}`Figure %s <fig-x>` -> fig-x."""
    targets = []
    for role, body in re.findall(r"\{([a-z:]+)\}`([^`]*)`", text):
        match = re.search(r"<([^<>]+)>\s*$", body)
        targets.append((role, match.group(1) if match else body))
    return Counter(targets)


def _code(text):
    text = re.sub(r"\{[a-z:]+\}`[^`]*`", " ", text)
    return Counter(re.findall(r"`[^`]+`", text))


def _math(text):
    return Counter(" ".join(span.split()) for span in re.findall(r"\$\$?[^$]+\$\$?", text))


def _tags(text):
    return Counter(re.findall(r"</?([a-zA-Z][a-zA-Z0-9]*)", re.sub(r"`[^`]*`", " ", text)))


def _link_targets(text):
    return Counter(re.findall(r"\]\(([^)\s]+)\)", text))


CHECKS = {
    "cross-reference targets": _roles,
    "inline code": _code,
    "formulas": _math,
    "HTML tags": _tags,
    "link targets": _link_targets,
}


@pytest.mark.parametrize("page", translated_pages(LANGUAGE))
def test_a_translation_keeps_the_code_formulas_and_references_of_its_message(page):
    problems = []
    for message in _read(CATALOGS / f"{page}.po"):
        if not message.id or not message.string:
            continue
        for what, extract in CHECKS.items():
            # A translation may add a symbol that makes a sentence clearer; it may not lose or alter one.
            lost = extract(message.id) - extract(message.string)
            if lost:
                problems.append(f"{what} missing or changed ({sorted(lost)}) in: {' '.join(message.id.split()[:8])!r}")
    assert not problems, f"locale/{LANGUAGE}/LC_MESSAGES/{page}.po:\n  " + "\n  ".join(problems)


def _quiz_messages(html_file):
    soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
    messages = []
    for quiz in soup.select(".cell_output .quiz"):
        messages += [message for _, message in html_messages(str(quiz))[1]]
    return messages


def test_every_quiz_text_is_a_message_of_its_chapter():
    html = book_html_dir()
    pages = [path for path in sorted(html.rglob("*.html"))
             if path.relative_to(html).parts[0] not in {EDITIONS[LANGUAGE]["folder"], "_static", "_sources"}]
    checked = 0
    missing = []
    for path in pages:
        messages = _quiz_messages(path)
        if not messages:
            continue
        page = path.relative_to(html).with_suffix("")
        template = TEMPLATES / f"{page}.pot"
        if not template.is_file():
            pytest.fail(f"{template.relative_to(REPO)} is missing: run `make book` (or `make gettext`) first")
        ids = {message.id for message in _read(template)}
        missing += [f"{page}: {message[:60]!r}" for message in messages if message not in ids]
        checked += len(messages)
    assert checked > 100, f"only {checked} quiz texts found in the English book; the quizzes mark them data-i18n"
    assert not missing, "quiz texts that `make gettext` did not extract:\n  " + "\n  ".join(missing)


@pytest.mark.parametrize("page", translated_pages(LANGUAGE))
def test_the_quizzes_of_a_translated_page_are_in_chinese(page):
    english = book_html_dir() / f"{page}.html"
    chinese = book_html_dir() / EDITIONS[LANGUAGE]["folder"] / f"{page}.html"
    if not chinese.is_file():
        pytest.fail(f"{chinese} is missing: run `make book` (it builds the Chinese edition too)")
    english_texts, chinese_texts = _quiz_messages(english), _quiz_messages(chinese)
    assert len(english_texts) == len(chinese_texts), "the Chinese page has another number of quiz texts"
    untranslated = [text for text, shown in zip(english_texts, chinese_texts)
                    if _LETTERS.search(re.sub(r"<[^>]+>", " ", re.sub(r"<(var|code)>.*?</\1>", " ", text)))
                    and not re.search(r"[\u3400-\u9fff]", shown)]
    assert not untranslated, f"{page}: quiz texts shown in English on the Chinese page:\n  " + "\n  ".join(
        text[:70] for text in untranslated)


def test_the_same_message_is_translated_the_same_way_on_every_page():
    """A heading such as "In this chapter you will learn" reads the same in every chapter.

    (The glossary's own entries keep their English terms: they are the English column.)
    """
    terms = {term for chinese, english in glossary_pairs() for term in chinese + english}
    seen = {}
    for page in translated_pages(LANGUAGE):
        for message in _read(CATALOGS / f"{page}.po"):
            if message.id and message.string and not message.fuzzy and message.id not in terms:
                seen.setdefault(message.id, {}).setdefault(message.string, []).append(page)
    differing = {msgid: forms for msgid, forms in seen.items() if len(forms) > 1}
    assert not differing, "messages translated differently on different pages:\n  " + "\n  ".join(
        f"{msgid[:50]!r}: " + "; ".join(f"{string[:30]!r} ({', '.join(pages)})" for string, pages in forms.items())
        for msgid, forms in differing.items())
