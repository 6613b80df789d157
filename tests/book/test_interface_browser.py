"""The words the browser scripts write, in headless Chromium: Chinese on Chinese pages, English on English ones.

- The explorer on a page that loads the Chinese spec (``spec_script("zh_CN")``):
  its refusal for every slider position is ``explain_refusal(..., language="zh_CN")``
  character for character (the same rules as the English sentence), and a refused
  setting, the panel captions, the legend and the step-through are in Chinese.
- The built book (``$BOOK_HTML``, default ``_build/html``, with the Chinese
  edition in ``zh/``): the explorer page, a chapter's self-check questions
  answered empty, wrong and right, and the chapter menu, in each edition's language.

Expected words are looked up in the Python declarations and the Chinese table
(``bookkit.explorer.languages``); numbers come from torch. Needs
/usr/bin/chromium: skipped without it, unless the CI variable is set.
"""

from __future__ import annotations

import itertools
import json
import re

import pytest
import torch
from support.book_paths import book_html_dir
from support.browser import serve
from support.explorer_page import STYLE, Page, script_tags, shown_message, torch_output

from bookkit import quiz
from bookkit.explain import explain_refusal
from bookkit.explorer import CONTROLS, DEFAULTS, PANELS, explorer_state, panel_titles, spec_script
from bookkit.explorer.declarations import EXPLORER_WORDS, STEPPER_LABELS
from bookkit.explorer.interface import PAGE_WORDS
from bookkit.explorer.languages import translate_words

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

LANGUAGE = "zh_CN"
CJK = re.compile("[\u3400-\u9fff]")
EXPLORER = "document.querySelector('#explorer').transposedExplorer"
# The book's folder of each edition, and the language code its words are looked up with.
EDITIONS = {"en": ("", None), "zh": ("zh/", LANGUAGE)}


def explorer_words(language):
    return translate_words({**STEPPER_LABELS, **EXPLORER_WORDS}, language)


@pytest.fixture
def chinese_explorer(browser, tmp_path):
    """A page with the explorer and the Chinese edition's spec."""
    spec = tmp_path / "explorer-spec.js"
    spec.write_text(spec_script(LANGUAGE), encoding="ascii")
    html = tmp_path / "explorer.html"
    html.write_text(
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
        f"<link rel='stylesheet' href='{STYLE.as_uri()}'>{script_tags(spec)}"
        "</head><body><div id='explorer' data-transposed-explorer></div></body></html>", encoding="utf-8")
    page = Page(browser)
    page.page.goto(html.as_uri())
    page.page.wait_for_function(f"{EXPLORER} !== undefined")
    yield page.page
    assert page.errors == [] and page.blocked == [], (page.errors, page.blocked)
    page.close()


def test_every_refusal_is_the_chinese_sentence_of_explain_py(chinese_explorer):
    names = [name for name, *_ in CONTROLS]
    rows = [list(values) for values in itertools.product(*[range(low, high + 1) for _, _, low, high in CONTROLS])]
    rows += [[DEFAULTS[name] if name not in change else change[name] for name in names] for change in (
        dict(stride=0), dict(padding=-1), dict(height=0, width=2), dict(kernel_size=0), dict(output_padding=-2))]
    sentences = json.loads(chinese_explorer.evaluate(
        """([names, rows]) => JSON.stringify(JSON.parse(rows).map(row => window.transposedExplorer.explain(
               Object.fromEntries(names.map((name, i) => [name, row[i]])))))""", [names, json.dumps(rows)]))
    mismatches, refused = [], 0
    for row, sentence in zip(rows, sentences):
        h, w, k, s, p, op, d = row
        expected = explain_refusal((h, w), k, s, p, op, d, language=LANGUAGE)
        if sentence != expected:
            mismatches.append((row, sentence, expected))
        refused += sentence is not None
    assert not mismatches, mismatches[:5]
    assert refused > 1000


def test_a_refused_setting_the_captions_the_legend_and_the_stepper_are_chinese(chinese_explorer):
    page, words = chinese_explorer, explorer_words(LANGUAGE)
    assert page.text_content("#explorer .tce-steps") == words["idle"]
    state = explorer_state({})
    assert shown_message(page) == words["output_size"].format(height=state["output_size"][0], width=state["output_size"][1])
    captions = page.eval_on_selector_all("#explorer figcaption", "nodes => nodes.map(n => n.textContent)")
    assert captions == [words["panel_caption"].format(title=title, rows=state[key].shape[0], cols=state[key].shape[1])
                        for title, key in zip(panel_titles(state["config"], LANGUAGE), PANELS)]
    assert all(CJK.search(caption) for caption in captions), captions
    buttons = page.eval_on_selector_all("#explorer .tce-step-button", "nodes => nodes.map(n => n.textContent)")
    assert buttons == [words[name] for name in ("back", "step", "play", "reset")]
    assert page.get_attribute("#explorer table[data-panel=output]", "aria-label") == words["grid_output"]
    assert page.get_attribute("#explorer form", "aria-label") == words["settings"]
    legend = page.eval_on_selector_all("#explorer .tce-legend span", "nodes => nodes.map(n => n.textContent)")
    assert legend and all(CJK.search(text) for text in legend), legend

    page.click("#explorer button[data-action=step]")
    count = state["output_size"][0] * state["output_size"][1]
    assert page.text_content("#explorer .tce-step-mode") == words["gather"].format(n=1, count=count)

    page.get_by_label(translate_words({"op": "output_padding"}, LANGUAGE)["op"]).focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # output_padding 2 with stride 2
    config = dict(DEFAULTS, output_padding=2)
    assert torch_output(config) is None  # torch refuses it too
    sentence = explain_refusal((2, 2), 3, 2, 1, 2, 1, language=LANGUAGE)
    assert shown_message(page) == words["refusal"].format(message=sentence)
    assert shown_message(page).startswith("torch 拒绝这组参数：output_padding=2 ")
    assert page.text_content("#explorer .tce-steps") == words["refused"]


# ---------------------------------------------------------------- the built book, both editions


@pytest.fixture(scope="module")
def site():
    folder = book_html_dir()
    if not (folder / "zh" / "index.html").is_file():
        pytest.fail(f"no Chinese edition in {folder / 'zh'}: run `make book`")
    with serve(folder) as url:
        yield url


@pytest.fixture
def tab(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside, errors = [], []
    context.route(re.compile(r"^(?!http://127\.0\.0\.1:)"), lambda route: (outside.append(route.request.url), route.abort()))
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(error.message))
    yield page
    context.close()
    assert not outside, f"requests outside the book: {outside}"
    assert not errors, errors


@pytest.mark.book
@pytest.mark.parametrize("edition", EDITIONS)
def test_the_books_explorer_speaks_the_editions_language(site, tab, edition):
    folder, language = EDITIONS[edition]
    words = explorer_words(language)
    tab.goto(f"{site}{folder}book/reference/40-explorer.html")
    tab.wait_for_function("document.querySelector('[data-transposed-explorer]').transposedExplorer !== undefined")
    root = "document.querySelector('[data-transposed-explorer]').transposedExplorer"
    tab.evaluate(f"{root}.set({{output_padding: 2, stride: 2, dilation: 1}})")
    config = tab.evaluate(f"{root}.config()")
    assert torch_output(config) is None
    sentence = explain_refusal((config["height"], config["width"]), config["kernel_size"], config["stride"],
                               config["padding"], config["output_padding"], config["dilation"], language=language)
    assert tab.text_content("[data-transposed-explorer] .tce-message") == words["refusal"].format(message=sentence)
    tab.evaluate(f"{root}.set({{output_padding: 0}})")
    assert tab.text_content("[data-transposed-explorer] .tce-steps") == words["idle"]
    assert bool(CJK.search(words["idle"])) == (language is not None)


CHAPTER = "book/lecture/03-parameters.html"


def torch_output_height():
    """The answer to the question "size-13", computed by torch."""
    layer = torch.nn.ConvTranspose2d(1, 1, kernel_size=4, stride=2, padding=1)
    with torch.no_grad():
        return layer(torch.zeros(1, 1, 13, 13)).shape[-2]


@pytest.mark.book
@pytest.mark.parametrize("edition", EDITIONS)
def test_the_quiz_answers_in_the_editions_language(site, tab, edition):
    folder, language = EDITIONS[edition]
    words = translate_words(quiz.WORDS, language)
    tab.goto(f"{site}{folder}{CHAPTER}")
    tab.wait_for_function("window.transposedQuizBound === true && document.readyState !== 'loading'")
    qid, right = "quiz-size-13", torch_output_height()
    feedback = f"#{qid} .quiz-feedback"
    assert tab.text_content(f"#{qid} button[type=submit]") == words["check"]
    assert tab.text_content(f"#{qid} [data-quiz-reveal]") == words["show_answer"]
    assert tab.text_content(f"label[for={qid}-input]") == words["your_answer"]

    tab.click(f"#{qid} button[type=submit]")
    assert tab.inner_text(feedback) == words["empty"]
    tab.fill(f"#{qid}-input", str(right + 1))
    tab.press(f"#{qid}-input", "Enter")
    assert tab.inner_text(feedback).startswith(words["wrong_number"].format(value=right + 1))
    tab.fill(f"#{qid}-input", str(right))
    tab.press(f"#{qid}-input", "Enter")
    assert tab.inner_text(feedback).startswith(words["right_number"].format(answer=right))
    tab.click(f"#{qid} [data-quiz-reveal]")
    assert tab.inner_text(feedback).startswith(words["answer_is"].format(answer=right))

    choice = "quiz-groups-weight"
    tab.click(f"#{choice} button[type=submit]")
    assert tab.inner_text(f"#{choice} .quiz-feedback") == words["no_choice"]
    correct = tab.get_attribute(f"#{choice} input[data-correct=true]", "id")
    wrong = tab.eval_on_selector(f"#{choice} input:not([data-correct])", "node => node.id")
    tab.check(f"#{wrong}")
    tab.click(f"#{choice} button[type=submit]")
    assert tab.inner_text(f"#{choice} .quiz-feedback").startswith(words["wrong"])
    assert tab.inner_text(f"#{choice} .quiz-feedback").endswith(words["try_another"])
    tab.check(f"#{correct}")
    tab.click(f"#{choice} button[type=submit]")
    assert tab.inner_text(f"#{choice} .quiz-feedback").startswith(words["right"])
    see = tab.inner_text(f"#{qid} .quiz-see")
    link = tab.inner_text(f"#{qid} .quiz-see a")
    assert see == words["see"].format(link=link)


@pytest.mark.book
@pytest.mark.parametrize("edition", EDITIONS)
def test_the_chapter_menu_and_the_language_switch_are_named_in_the_editions_language(site, browser, edition):
    folder, language = EDITIONS[edition]
    words = translate_words(PAGE_WORDS, language)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.route(re.compile(r"^(?!http://127\.0\.0\.1:)"), lambda route: route.abort())
        # The glossary is translated, so both editions show the switch.
        page.goto(f"{site}{folder}book/reference/10-glossary.html")
        assert page.get_attribute(".language-switch", "aria-label") == words["language"]
        page.click(".bd-header-article button.primary-toggle")
        page.wait_for_selector("dialog#pst-primary-sidebar-modal[open]")
        assert page.get_attribute("dialog#pst-primary-sidebar-modal", "aria-label") == words["chapters"]
        assert page.get_attribute("dialog#pst-primary-sidebar-modal .nav-drawer-close", "aria-label") == words[
            "close_chapters"]
    finally:
        context.close()
