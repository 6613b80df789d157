"""Every chapter ends with its self-check questions, and every key is computed, not typed.

- In the built book, each page of the table of contents (except the bibliography,
  the exercises, the explorer and the animations gallery) ends with a "Check yourself" section of 3 to 5
  questions whose "See ..." links point at sections of the same page.
- Each chapter's quiz cell (tagged ``quiz``) runs on its own, its keys agree with
  torch, and any of its numeric keys made wrong makes the check raise, which is what
  fails the book build.
"""

from __future__ import annotations

import collections
import dataclasses
import glob

import jupytext
import pytest
import yaml
from bs4 import BeautifulSoup
from support.book_paths import REPO, book_html_dir

from bookkit import quiz

WITHOUT_QUIZ = {"book/index.md", "book/reference/40-explorer.md", "book/reference/45-animations.md",
                "book/reference/50-exercises.md", "book/reference/90-bibliography.md"}


def toc_chapters():
    """The chapters of _toc.yml in reading order, as paths relative to the repository."""
    toc = yaml.safe_load((REPO / "_toc.yml").read_text(encoding="utf-8"))
    found = [toc["root"] + ".md"]
    for part in toc["parts"]:
        for entry in part["chapters"]:
            if "glob" in entry:
                found += sorted(glob.glob(entry["glob"] + ".md", root_dir=REPO))
            else:
                found.append(entry["file"] + ".md")
    return found


CHAPTERS = [path for path in toc_chapters() if path not in WITHOUT_QUIZ]


def test_the_table_of_contents_has_the_chapters_the_quiz_covers():
    names = set(CHAPTERS)
    assert {"book/lecture/01-concept.md", "book/beyond/04-segmentation-networks.md",
            "book/reference/10-glossary.md", "book/reference/20-cheat-sheet.md"} <= names
    assert len(CHAPTERS) >= 10


@pytest.mark.book
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_chapter_ends_with_three_to_five_questions(chapter):
    page = book_html_dir() / chapter.replace(".md", ".html")
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    top = soup.select_one("article.bd-article > section")
    sections = top.find_all("section", recursive=False)
    assert sections, f"{chapter}: no sections"
    last = sections[-1]
    heading = last.find(["h2"]).get_text(" ", strip=True)
    assert "Check yourself (自测)" in heading, f"{chapter}: the last section is {heading!r}, not 'Check yourself (自测)'"
    questions = last.select("form.quiz-question")
    assert 3 <= len(questions) <= 5, f"{chapter}: {len(questions)} questions in 'Check yourself'"
    assert len(soup.select("form.quiz-question")) == len(questions), f"{chapter}: questions outside the last section"
    ids = {element["id"] for element in soup.select("[id]")}
    for link in last.select(".quiz-see a"):
        assert link["href"].startswith("#") and link["href"][1:] in ids, f"{chapter}: broken link {link['href']}"


def quiz_questions(chapter, monkeypatch):
    """Run the chapter's quiz cell on its own and return the questions it shows."""
    notebook = jupytext.read(REPO / chapter)
    cells = [cell for cell in notebook.cells if "quiz" in cell.metadata.get("tags", [])]
    assert len(cells) == 1, f"{chapter}: expected one code cell tagged quiz, found {len(cells)}"
    assert notebook.cells[-1] is cells[0], f"{chapter}: the quiz cell is not the chapter's last cell"
    assert "remove-input" in cells[0].metadata["tags"]
    # Its source holds the answers: JupyterLab shows it collapsed (tests/book/test_quiz_jupyterlab.py).
    assert cells[0].metadata.get("jupyter", {}).get("source_hidden") is True, f"{chapter}: the quiz cell's source shows"
    shown = []
    real_show = quiz.show
    monkeypatch.setattr(quiz, "show", lambda questions, *a, **k: shown.append(questions) or real_show(questions, *a, **k))
    exec(compile(cells[0].source, f"{chapter}:quiz", "exec"), {"__name__": "__quiz__"})
    assert len(shown) == 1
    return shown[0]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_a_wrong_key_in_any_chapter_question_raises(chapter, monkeypatch):
    questions = quiz_questions(chapter, monkeypatch)
    keys = quiz.verify_keys(questions)
    numeric = [i for i, question in enumerate(questions) if isinstance(question, quiz.Numeric)]
    choices = [i for i, question in enumerate(questions) if isinstance(question, quiz.MultipleChoice)]
    assert all(questions[i].justify is not None for i in choices), f"{chapter}: a choice without a computed check"
    for i in numeric:
        question = questions[i]
        wrong = dataclasses.replace(question, key=lambda key=keys[question.id]: key + 1)
        with pytest.raises(quiz.QuizKeyError, match=question.id):
            quiz.verify_keys(questions[:i] + [wrong] + questions[i + 1:])
    for i in choices:
        wrong = dataclasses.replace(questions[i], justify=lambda: False)
        with pytest.raises(quiz.QuizKeyError, match=questions[i].id):
            quiz.verify_keys(questions[:i] + [wrong] + questions[i + 1:])


def test_the_right_options_place_gives_nothing_away(monkeypatch):
    """Across the book the right option of a multiple-choice question is shown in every place, none favoured."""
    places = collections.Counter()
    for chapter in CHAPTERS:
        for question in quiz_questions(chapter, monkeypatch):
            if not isinstance(question, quiz.MultipleChoice):
                continue
            shown = quiz.display_order(question)
            assert sorted(map(id, shown)) == sorted(map(id, question.options)), question.id
            places[[option.correct for option in shown].index(True)] += 1
    total = sum(places.values())
    assert total >= 20
    most = max(len(question.options) for chapter in CHAPTERS for question in quiz_questions(chapter, monkeypatch)
               if isinstance(question, quiz.MultipleChoice))
    assert set(places) == set(range(most)), f"the right option is never shown in some place: {dict(places)}"
    assert max(places.values()) <= 0.4 * total, f"one place holds the right option too often: {dict(places)}"
