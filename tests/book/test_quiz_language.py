"""bookkit.quiz.show in the notebook's language, from the book's page catalogs (bookkit.quiz_language). No build."""

from __future__ import annotations

import json

from bs4 import BeautifulSoup

import translations
from bookkit import quiz
from bookkit.quiz_language import page_catalogs, quiz_catalog

# texts of chapter 1's first question, as the chapter writes them
PROMPT = ("A 224×224 image goes through five stages, each a 3×3 convolution with padding 1 followed by a "
          "2×2 max-pooling. How many pixels high is the final feature map?")
HINT = "The convolution keeps the size; each pooling halves it."


def _question(prompt=PROMPT):
    return [quiz.Numeric("encoder-height", prompt, key=lambda: 7, reference=lambda: 7, hint=HINT,
                         explanation="not a message of any catalog", see=("feature-maps-shrink", "Feature maps shrink")),
            quiz.MultipleChoice("c", "Pick one.", [quiz.Option("A", "why A", correct=True), quiz.Option("B", "why B")]),
            quiz.MultipleChoice("d", "Pick one.", [quiz.Option("A", "why A", correct=True), quiz.Option("B", "why B")])]


def test_english_by_default_is_the_rendered_quiz(monkeypatch):
    monkeypatch.delenv("BOOK_LANGUAGE", raising=False)
    questions = _question()
    assert quiz.show(questions).data == quiz.render(questions, quiz.verify_keys(questions))


def test_in_a_chinese_notebook_the_texts_and_fixed_words_are_chinese(monkeypatch):
    monkeypatch.setenv("BOOK_LANGUAGE", "zh_CN")
    table = page_catalogs("zh_CN")
    soup = BeautifulSoup(quiz.show(_question()).data, "html.parser")
    texts = [" ".join(element.decode_contents().split()) for element in soup.select("[data-i18n]")]
    assert table[PROMPT] in texts and table[HINT] in texts  # the numeric prompt is a message too
    assert "not a message of any catalog" in texts  # a text without a translation keeps its English
    check = translations.translate("Check", "zh_CN", "interface")
    assert soup.select_one("button[type=submit]").get_text() == check != "Check"
    assert json.loads(soup.select_one("div.quiz")["data-quiz-words"])["check"] == check
    assert "See" not in soup.select_one("p.quiz-see").get_text()


def test_the_repository_reads_the_page_catalogs_when_there_is_no_quizzes_catalog():
    assert "quizzes" not in [path.stem for path in translations.LOCALE_DIR.glob("*/LC_MESSAGES/*.po")]
    assert quiz_catalog("zh_CN") == page_catalogs("zh_CN") and quiz_catalog("en") == {}
