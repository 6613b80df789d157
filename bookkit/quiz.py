"""Self-check questions ("Check yourself") for the end of a chapter.

A question is data. :class:`Numeric` asks for one number; its key is computed by
``source_lib`` (``key``) and by PyTorch (``reference``), and :func:`verify_keys` refuses
a quiz whose two answers differ. :class:`MultipleChoice` has exactly one correct
:class:`Option`; every option carries its explanation (why a reader might pick it,
and why it is right or wrong), and ``justify`` is a computed check that the
marked option is right where the question is about numbers.

:func:`show` checks a quiz and returns it as self-contained HTML: the questions as
real form controls, with ``quiz.css`` and ``quiz.js`` inlined (this package's
``static/``, which the book also serves as ``_static/quiz.css`` and ``_static/quiz.js``),
so that the same output works in the HTML book and in a notebook whose cell has
run (JupyterLab runs scripts in output it produced itself). The script needs no
kernel and no network::

    from bookkit import quiz
    quiz.show([
        quiz.Numeric("size", "Output height of ...?", key=lambda: ..., reference=lambda: ...,
                     explanation="..."),
        ...
    ])

Prompts, options and explanations are HTML fragments (write ``&lt;`` for ``<``);
no dollar-sign math, so that the text reads the same with and without MathJax.
Each of these texts is rendered in an element marked ``data-i18n``: the book's
language editions (``book/_ext/editions.py``) take them into the chapter's message
catalog and show their translation, as they do with the chapter's prose; run in a
notebook whose ``$BOOK_LANGUAGE`` is another language, :func:`show` writes them (and
the fixed words) in that language (:mod:`bookkit.quiz_language`).
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["MIN_QUESTIONS", "MAX_QUESTIONS", "WORDS", "Numeric", "MultipleChoice", "Option", "QuizKeyError", "verify_keys",
           "display_order", "render", "show"]

MIN_QUESTIONS, MAX_QUESTIONS = 3, 5
#: quiz.css and quiz.js: package data, inlined by :func:`render`; the book serves the same files
#: (``_config.yml`` puts this folder on Sphinx's static path).
STATIC = Path(__file__).resolve().parent / "static"
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")

#: The fixed words of a quiz, in English: its controls' labels and the "See ..." line (rendered
#: here) and the feedback ``_static/quiz.js`` writes, with ``{name}`` fields it fills in. The
#: rendered quiz carries them as ``data-quiz-words`` (a notebook shows these); on a page of the
#: book, quiz.js takes them instead from ``window.BOOK_INTERFACE_WORDS``, in the page's language,
#: and writes them on the controls too (translations: :mod:`bookkit.explorer.languages`).
WORDS = {
    "your_answer": "Your answer",
    "check": "Check",
    "show_answer": "Show answer",
    "see": "See {link}.",
    "empty": "Type a number first, then press Check.",
    "not_a_number": "“{text}” is not a number: type digits only, for example 12.",
    "right_number": "Right: {answer}.",
    "wrong_number": "Not {value}. Try again, or press Show answer.",
    "no_choice": "Choose one of the options first, then press Check.",
    "right": "Right.",
    "wrong": "Not this one.",
    "try_another": "Try another option.",
    "answer_is": "The answer is {answer}.",
}


class QuizKeyError(AssertionError):
    """A question's key is wrong: source_lib and torch disagree, or a computed justification fails."""


@dataclass(frozen=True)
class Numeric:
    """A question answered by one number, checked in the browser.

    ``key`` computes the answer with source_lib, ``reference`` with torch; both are
    called by :func:`verify_keys`, which requires them to agree within ``tolerance``.
    ``hint`` is shown after a wrong answer, ``explanation`` after a right one or
    when the reader asks for the answer. ``see`` is ``(anchor, title)`` of the
    chapter's section that teaches it.
    """

    id: str
    prompt: str
    key: Callable[[], float]
    reference: Callable[[], float]
    explanation: str
    hint: str = ""
    tolerance: float = 0.0
    see: tuple[str, str] | None = None


@dataclass(frozen=True)
class Option:
    """One option of a multiple-choice question and why it is right or wrong."""

    text: str
    why: str
    correct: bool = False


@dataclass(frozen=True)
class MultipleChoice:
    """A question with exactly one correct option.

    ``justify`` is a computed check (source_lib against torch) that returns True
    when the marked option is right; :func:`verify_keys` raises when it does not.
    """

    id: str
    prompt: str
    options: Sequence[Option]
    justify: Callable[[], bool] | None = None
    see: tuple[str, str] | None = None


def _number(value, what):
    """A plain float from an int, a numpy scalar or a one-element tensor."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise QuizKeyError(f"{what} must be a finite number, got {value!r}")
    return float(value)


def _check_layout(questions):
    if not isinstance(questions, (list, tuple)):
        raise TypeError(f"a quiz is a list of questions, got {type(questions).__name__}")
    if not MIN_QUESTIONS <= len(questions) <= MAX_QUESTIONS:
        raise ValueError(f"a chapter's quiz has {MIN_QUESTIONS} to {MAX_QUESTIONS} questions, got {len(questions)}; "
                         "add or remove questions")
    seen = set()
    for question in questions:
        if not isinstance(question, (Numeric, MultipleChoice)):
            raise TypeError(f"a question is a quiz.Numeric or a quiz.MultipleChoice, got {type(question).__name__}")
        if not _ID.match(question.id):
            raise ValueError(f"question id {question.id!r} must be lower-case letters, digits and '-' "
                             "(it becomes an HTML id)")
        if question.id in seen:
            raise ValueError(f"two questions have the id {question.id!r}; give each question its own id")
        seen.add(question.id)
        if isinstance(question, MultipleChoice):
            correct = [option for option in question.options if option.correct]
            if len(question.options) < 2 or len(correct) != 1:
                raise ValueError(f"question {question.id!r} needs at least two options and exactly one marked "
                                 f"correct=True, but has {len(question.options)} options and {len(correct)} correct")
            empty = [option.text for option in question.options if not option.why.strip()]
            if empty:
                raise ValueError(f"question {question.id!r}: every option needs its explanation ('why'); "
                                 f"missing for {empty}")


def verify_keys(questions):
    """Check every key; return the numeric keys by question id.

    Raises :class:`QuizKeyError` when a numeric key computed by source_lib differs
    from torch's, or a multiple-choice question's ``justify`` does not return True.
    """
    _check_layout(questions)
    keys = {}
    for question in questions:
        if isinstance(question, Numeric):
            key = _number(question.key(), f"the key of question {question.id!r} (source_lib)")
            reference = _number(question.reference(), f"the reference of question {question.id!r} (torch)")
            if abs(key - reference) > question.tolerance:
                raise QuizKeyError(f"question {question.id!r}: source_lib's key {key:g} differs from torch's "
                                   f"{reference:g} (tolerance {question.tolerance:g}); fix the question or the library")
            keys[question.id] = key
        elif question.justify is not None:
            verdict = question.justify()
            if verdict is not True:
                raise QuizKeyError(f"question {question.id!r}: the computed check of the correct option returned "
                                   f"{verdict!r}, not True; the marked option is wrong or the check is")
    return keys


def _see(question):
    if question.see is None:
        return ""
    anchor, title = question.see
    before, after = WORDS["see"].split("{link}")
    return f'<p class="quiz-see">{before}<a href="#{html.escape(anchor)}" data-i18n>{title}</a>{after}</p>'


def _format(value):
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _numeric_html(question, number, key, prefix):
    qid = f"{prefix}-{question.id}"
    return f"""<form class="quiz-question" id="{qid}" data-quiz-kind="numeric" data-answer="{_format(key)}" \
data-tolerance="{question.tolerance!r}" novalidate>
<fieldset><legend><span class="quiz-number">{number}.</span> <span data-i18n>{question.prompt}</span></legend>
<div class="quiz-answer-row"><label for="{qid}-input">{WORDS["your_answer"]}</label>
<input id="{qid}-input" name="answer" type="text" inputmode="decimal" autocomplete="off" spellcheck="false">
<button type="submit">{WORDS["check"]}</button> \
<button type="button" data-quiz-reveal>{WORDS["show_answer"]}</button></div>
<div class="quiz-feedback" role="status" aria-live="polite"></div>
<div class="quiz-hint" hidden data-i18n>{question.hint}</div>
<div class="quiz-explanation" hidden data-i18n>{question.explanation}</div>
{_see(question)}</fieldset></form>"""


def display_order(question):
    """The options of a multiple-choice question in the order a reader sees them.

    The author writes the right option where it reads best; shown in that order,
    its place would give it away (authors favour the second). The right option
    goes to a place drawn from the question's id (a hash, so every build and both
    editions show the same order); the others keep their written order around it.
    """
    right = next(option for option in question.options if option.correct)
    others = [option for option in question.options if not option.correct]
    digest = hashlib.sha256(f"option-order:{question.id}".encode()).digest()
    place = int.from_bytes(digest[:4], "big") % len(question.options)
    return others[:place] + [right] + others[place:]


def _choice_html(question, number, prefix):
    qid = f"{prefix}-{question.id}"
    options = []
    for index, option in enumerate(display_order(question)):
        oid = f"{qid}-{index}"
        correct = ' data-correct="true"' if option.correct else ""
        options.append(f"""<div class="quiz-option"><input type="radio" id="{oid}" name="{qid}" value="{index}"{correct}>
<label for="{oid}" data-i18n>{option.text}</label><div class="quiz-why" hidden data-i18n>{option.why}</div></div>""")
    return f"""<form class="quiz-question" id="{qid}" data-quiz-kind="choice" novalidate>
<fieldset><legend><span class="quiz-number">{number}.</span> <span data-i18n>{question.prompt}</span></legend>
{"".join(options)}
<div class="quiz-answer-row"><button type="submit">{WORDS["check"]}</button></div>
<div class="quiz-feedback" role="status" aria-live="polite"></div>
{_see(question)}</fieldset></form>"""


def render(questions, keys, prefix="quiz"):
    """The quiz as HTML with its stylesheet and script inlined (no file, no network needed)."""
    parts = []
    for number, question in enumerate(questions, start=1):
        if isinstance(question, Numeric):
            parts.append(_numeric_html(question, number, keys[question.id], prefix))
        else:
            parts.append(_choice_html(question, number, prefix))
    css = (STATIC / "quiz.css").read_text(encoding="utf-8")
    js = (STATIC / "quiz.js").read_text(encoding="utf-8")
    meta = json.dumps({"questions": len(questions)})
    words = html.escape(json.dumps(WORDS))
    return (f'<div class="quiz" data-quiz=\'{meta}\' data-quiz-words="{words}">\n<style>{css}</style>\n'
            + "\n".join(parts)
            + f"\n<script>{js}</script>\n</div>")


def show(questions, prefix="quiz", language=None):
    """Check the keys (raising :class:`QuizKeyError` on a wrong one) and return the quiz for display.

    In ``language`` (default ``$BOOK_LANGUAGE``, else English): a notebook of a translated edition
    sets ``BOOK_LANGUAGE`` in its first cells, and its quiz is then written in that language, from
    the catalogs the library carries (:mod:`bookkit.quiz_language`).
    """
    from IPython.display import HTML

    from .quiz_language import in_language

    keys = verify_keys(questions)
    return HTML(in_language(render(questions, keys, prefix), language))
