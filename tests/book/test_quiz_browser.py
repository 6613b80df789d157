"""The self-check questions in a real browser: right and wrong answers, explanations, keyboard, phone width.

Headless Chromium (Debian's ``/usr/bin/chromium``) opens the built chapter on the
parameters (``$BOOK_HTML``, default ``_build/html``) from disk, with every request
that leaves the machine blocked. The right answers are computed here with torch.
Without ``/usr/bin/chromium`` the tests are skipped, except when ``$CI`` is set.
"""

from __future__ import annotations

import pytest
import torch
from support.book_paths import book_html_dir

pytestmark = [pytest.mark.browser, pytest.mark.book]

CHAPTER = "book/lecture/03-parameters.html"


class Tab:
    """One page with the network cut off; it records blocked requests and the quiz script's errors."""

    def __init__(self, browser, url, width=1280):
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.blocked, self.errors = [], []
        self.page.route("**/*", self._route)
        self.page.on("pageerror", lambda error: self.errors.append(f"{error.message} @ {error.stack}"))
        self.page.goto(url, wait_until="domcontentloaded", timeout=60_000)
        self.page.wait_for_function("window.transposedQuizBound === true")

    def _route(self, route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def feedback(self, qid):
        return self.page.inner_text(f"#{qid} .quiz-feedback")

    def hidden_text(self, selector):
        return self.page.eval_on_selector(selector, "element => element.textContent").strip()

    def close(self):
        self.context.close()


@pytest.fixture
def chapter(browser):
    tab = Tab(browser, (book_html_dir() / CHAPTER).as_uri())
    yield tab
    assert [error for error in tab.errors if "quiz" in error] == [], tab.errors
    assert tab.blocked == [], f"the page asked the network for {tab.blocked}"
    tab.close()


def torch_output_height():
    """The answer to the question "size-13", computed by torch."""
    layer = torch.nn.ConvTranspose2d(1, 1, kernel_size=4, stride=2, padding=1)
    with torch.no_grad():
        return layer(torch.zeros(1, 1, 13, 13)).shape[-2]


def test_numeric_question_wrong_then_right(chapter):
    page, qid = chapter.page, "quiz-size-13"
    right = torch_output_height()
    box = page.get_by_label("Your answer").first
    assert box.get_attribute("id") == f"{qid}-input"
    assert page.get_attribute(f"#{qid} .quiz-feedback", "aria-live") == "polite"

    box.fill(str(right + 1))
    box.press("Enter")  # the keyboard submits the form
    assert chapter.feedback(qid).startswith(f"Not {right + 1}.")
    assert chapter.hidden_text(f"#{qid} .quiz-hint") in chapter.feedback(qid)
    assert "quiz-wrong" in page.get_attribute(f"#{qid}", "class")
    assert box.get_attribute("aria-invalid") == "true"

    full_width = "".join(chr(ord(digit) + 0xFEE0) for digit in str(right))  # ２６, as a Chinese input method types it
    box.fill(f"\u3000{full_width} ")
    page.click(f"#{qid} button[type=submit]")
    explanation = chapter.hidden_text(f"#{qid} .quiz-explanation")
    assert chapter.feedback(qid).startswith(f"Right: {right}.")
    assert explanation and explanation in chapter.feedback(qid)
    assert "quiz-right" in page.get_attribute(f"#{qid}", "class")
    assert box.get_attribute("aria-invalid") == "false"


def test_numeric_question_says_what_is_wrong_with_input_and_shows_the_answer(chapter):
    page, qid = chapter.page, "quiz-size-13"
    page.click(f"#{qid} button[type=submit]")
    assert chapter.feedback(qid) == "Type a number first, then press Check."
    page.fill(f"#{qid}-input", "twenty")
    page.press(f"#{qid}-input", "Enter")
    assert "“twenty” is not a number" in chapter.feedback(qid)
    page.click(f"#{qid} [data-quiz-reveal]")
    assert chapter.feedback(qid).startswith(f"The answer is {torch_output_height()}.")


def test_multiple_choice_wrong_then_right_with_each_explanation(chapter):
    page, qid = chapter.page, "quiz-groups-weight"
    right = str(tuple(torch.nn.ConvTranspose2d(6, 4, kernel_size=3, groups=2).weight.shape))
    conv_layout = str(tuple(torch.nn.Conv2d(6, 4, kernel_size=3, groups=2).weight.shape))
    labels = {page.inner_text(f"label[for='{qid}-{i}']").strip(): i for i in range(page.locator(f"#{qid} .quiz-option").count())}
    assert right in labels and conv_layout in labels

    page.click(f"#{qid} button[type=submit]")
    assert chapter.feedback(qid) == "Choose one of the options first, then press Check."

    wrong = labels[conv_layout]
    page.get_by_label(conv_layout, exact=True).check()
    page.click(f"#{qid} button[type=submit]")
    why_wrong = chapter.hidden_text(f"#{qid}-{wrong} ~ .quiz-why")
    assert chapter.feedback(qid).startswith("Not this one.")
    assert why_wrong and why_wrong in chapter.feedback(qid)
    assert "quiz-wrong" in page.get_attribute(f"#{qid}", "class")

    # Keyboard only: arrow keys move the radio selection, Enter submits.
    page.focus(f"#{qid}-{wrong}")
    for _ in range((labels[right] - wrong) % len(labels)):
        page.keyboard.press("ArrowDown")
    assert page.is_checked(f"#{qid}-{labels[right]}")
    page.keyboard.press("Enter")
    why_right = chapter.hidden_text(f"#{qid}-{labels[right]} ~ .quiz-why")
    assert chapter.feedback(qid).startswith("Right.")
    assert why_right and why_right in chapter.feedback(qid)


def test_readable_at_phone_width(browser):
    tab = Tab(browser, (book_html_dir() / CHAPTER).as_uri(), width=390)
    try:
        boxes = tab.page.eval_on_selector_all(
            ".quiz-question, .quiz-question input, .quiz-question button, .quiz-question label",
            "elements => elements.map(e => { const r = e.getBoundingClientRect();"
            " return {left: r.left, right: r.right, font: parseFloat(getComputedStyle(e).fontSize)}; })")
        assert boxes
        assert all(box["left"] >= 0 and box["right"] <= 390 for box in boxes), boxes
        assert min(box["font"] for box in boxes) >= 10
    finally:
        tab.close()


def test_the_output_alone_works_as_in_a_notebook(browser, tmp_path):
    """The quiz's own output, without the book's files, works: what a notebook shows after the cell runs."""
    built = (book_html_dir() / CHAPTER).read_text(encoding="utf-8")
    start = built.index('<div class="quiz"')
    end = built.index("</script>\n</div>", start) + len("</script>\n</div>")
    page = tmp_path / "output.html"
    page.write_text("<!doctype html><meta charset='utf-8'><body>" + built[start:end], encoding="utf-8")
    tab = Tab(browser, page.as_uri())
    try:
        right = torch_output_height()
        tab.page.fill("#quiz-size-13-input", str(right))
        tab.page.press("#quiz-size-13-input", "Enter")
        assert tab.feedback("quiz-size-13").startswith(f"Right: {right}.")
        assert tab.errors == [] and tab.blocked == []
    finally:
        tab.close()
