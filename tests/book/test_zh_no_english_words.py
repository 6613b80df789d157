"""A Chinese page of the built book shows no English word outside code, math, names and references.

Every page of ``_build/html/zh/`` with main content (``article.bd-article``) is read as the reader
sees it before any script runs. Left out, because they legitimately stay as written:

- code (inline and blocks, ``<var>``, ``<kbd>``), math, and the English original a glossary term
  gives in full-width parentheses right after the Chinese term (半填充（half padding）), the way
  the book introduces a term (or at the end of the parenthesis, after a comma: （“绑定”，tie）), a shape
  written as a tuple of axis names, (out, in, kH, kW), a JupyterLab menu path in its English words
  (Kernel → Restart Kernel and Run All Cells), a program's message quoted as it prints it, and the
  English half of a title the English source writes in both languages (常见错误 · Common mistakes);
- citations and the bibliography's entries (authors and titles), links to outside references whose
  text has no Chinese, and the English column of the glossary (its term pairs);
- the index page (``genindex.html``), which lists every term under its English name too.

What is left is split into words (two Latin letters or more). A word may stay when it is a name
in code's shape (a digit or ``_`` inside, ``nn.Conv2d``, ``float32``; an inner capital, ``cuDNN``,
``PyTorch``; followed by ``=``, ``(`` or ``/``, an argument, a call or a formula), an author's surname from
``book/references.bib``, or one of :data:`ALLOWED`. Anything else is an English word a Chinese
reader meets: translate it in the page's catalog (``locale/zh_CN/LC_MESSAGES/book/``), in
``figures.po`` (a figure's, a table's or an output's words) or ``interface.po`` (a script's words).
"""

from __future__ import annotations

import collections
import re

import pytest
from bs4 import BeautifulSoup
from support.book_paths import REPO, book_html_dir

pytestmark = pytest.mark.book

#: Words that stay English on a Chinese page, and why (kept short: a new entry needs a reason).
ALLOWED = {
    # software, libraries, formats and services, named as their makers write them
    "Python", "numpy", "torch", "nbgrader", "Jupyter", "Colab", "pip", "git", "zip", "wheel", "README", "MathJax",
    "GitHub", "Chromium", "Bilibili", "Moodle", "Canvas", "Intel", "NVIDIA", "Ampere", "JSON", "PNG", "GIF", "APNG",
    # Jupyter's word for its documents, which Chinese Jupyter documentation keeps
    "notebook", "notebooks",
    # abbreviations Chinese technical writing keeps: hardware, measures, networks, identifiers
    "CPU", "GPU", "GEMM", "FFT", "MSE", "CNN", "FCN", "DCGAN", "GAN", "ICNR", "VGG", "LMS", "PDF", "HTML", "API", "ID",
    "U-Net", "im2col", "col2im",
    # API names the text uses as names: PyTorch's arguments and values (nn.ConvTranspose2d, torch.allclose,
    # the padding modes), torch.dtype, F.fold; nbgrader's folders; the key Tab
    "stride", "padding", "dilation", "groups", "bias", "True", "False", "same", "valid", "rtol", "dtype", "fold",
    "interpolate",
    "source", "release", "Tab",
    # symbols written as text: H·W and C·x beside H′W′ and Cᵀ; "mod" in a = (i + 2p − k) mod s; ∂conv/∂x
    "HW", "Cx", "mod", "conv",
    # nbgrader's toolbar button, named as it reads
    "Create", "Assignment",
}

NAME_SHAPES = (
    re.compile(r"[0-9_.]"),  # float32, conv_transpose2d, nn.Conv2d, TF32
    re.compile(r"[a-z][A-Z]"),  # PyTorch, cuDNN, kH, JupyterLab, PixelShuffle
)
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:[-.'’][A-Za-z0-9_]+)*")
CJK = re.compile(r"[\u3400-\u9fff]")
# the English original of a term, right after the term, in full-width parentheses: 半填充（half padding）
TERM_GLOSS = re.compile(r"（[A-Za-z][^（）\u3400-\u9fff]*")
# ... or at the end of a parenthesis, after a comma: （“绑定”，tie）, （全卷积网络，FCN）
GLOSS_AT_END = re.compile(r"[，、][A-Za-z][^（），、\u3400-\u9fff]*(?=）)")
# a shape written as a tuple of axis names: (out, in, kH, kW), (in, out/groups, kH, kW)
AXIS_NAMES = re.compile(r"\((?:\s*[A-Za-z_][\w′'/]*\s*,)+\s*[A-Za-z_][\w′'/]*\s*\)")
# a menu path of JupyterLab, in its English words: Kernel → Restart Kernel and Run All Cells
MENU_PATH = re.compile(r"[A-Za-z][A-Za-z ]*(?: → [A-Za-z][A-Za-z ]*)+")
# the English half of a title the English source writes in both languages: 常见错误 · Common mistakes
BILINGUAL_TITLE = re.compile(r"(?<=[\u3400-\u9fff]) · [A-Za-z][A-Za-z ]*")
# a program's own message, quoted as it prints it: “expected scalar type Double but found Float”
QUOTED_MESSAGE = re.compile(r"“[A-Za-z][^“”\u3400-\u9fff]*”")
LEFT_OUT = ", ".join([
    "code", "pre", "kbd", "samp", "var", ".math", "mjx-container", "script", "style", ".highlight",
    ".headerlink", "span.bibtex-citation", "div.citation", ".citation-list", "dl.glossary > dt",
])


def _surnames():
    """Every author's surname of the bibliography (names stay as written)."""
    text = (REPO / "book" / "references.bib").read_text(encoding="utf-8")
    names = set()
    for authors in re.findall(r"author\s*=\s*[{\"](.*?)[}\"]\s*,?\s*\n", text, flags=re.I):
        names |= set(re.findall(r"[A-Za-z][a-z]+", authors)) - {"and", "others"}
    return names


def _pages():
    root = book_html_dir() / "zh"
    if not root.is_dir():
        pytest.fail(f"no Chinese edition in {root}: run `make book`")
    pages = []
    for path in sorted(root.glob("**/*.html")):
        relative = path.relative_to(root).as_posix()
        if relative.startswith(("_", "downloads/")) or relative == "genindex.html":
            continue
        article = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").select_one("article.bd-article")
        if article is not None:
            pages.append((relative, article))
    return pages


def _reader_text(article):
    """The article's text as one string per block (paragraph, item, cell, heading) without what stays as written."""
    for element in article.select(LEFT_OUT):
        element.decompose()
    for link in article.select("a.reference.external"):
        if not CJK.search(link.get_text()):
            link.decompose()
    blocks = article.select("p, li, dd, th, td, h1, h2, h3, h4, h5, h6, caption, figcaption, legend, label, "
                            "button, .quiz-explanation, .quiz-hint, .quiz-why")
    texts = []
    for block in blocks:
        if block.find_parent(["p", "th", "td", "legend", "label", "button"]) is not None:
            continue  # inside another block read whole
        own = block.get_text("")
        for pattern, by in ((QUOTED_MESSAGE, " "), (MENU_PATH, " "), (BILINGUAL_TITLE, " "), (TERM_GLOSS, "（"),
                            (GLOSS_AT_END, ""), (AXIS_NAMES, " ")):
            own = pattern.sub(by, own)
        texts.append(own)
    return texts


def _stays(word, after):
    return (word in ALLOWED or any(shape.search(word) for shape in NAME_SHAPES)
            or after.lstrip().startswith(("=", "(", "/")))


def english_words(article, surnames):
    """{word: [the text it stands in]} of the English words a reader of ``article`` meets."""
    found = collections.defaultdict(list)
    for text in _reader_text(article):
        for match in WORD.finditer(text):
            word = match.group(0)
            if len(re.findall(r"[A-Za-z]", word)) < 2 or word in surnames or _stays(word, text[match.end():]):
                continue
            found[word].append(" ".join(text.split())[:90])
    return found


def test_no_english_word_on_a_chinese_page_outside_code_math_names_and_references():
    surnames = _surnames()
    pages = _pages()
    assert len(pages) >= 17, f"only {len(pages)} Chinese pages with content: {[page for page, _ in pages]}"
    problems = []
    for page, article in pages:
        for word, texts in sorted(english_words(article, surnames).items()):
            problems.append(f"{page}: {word!r} ×{len(texts)} in {texts[0]!r}")
    assert not problems, f"{len(problems)} English words on Chinese pages:\n  " + "\n  ".join(problems)


def test_the_scan_finds_an_english_word_and_lets_code_names_and_glosses_stay():
    html = ("<article class='bd-article'><p>转置卷积（transposed convolution）用 <code>stride</code> 和 "
            "PyTorch 的 float32，见 <span class='bibtex-citation'>[Long et al.]</span>；Press Check.</p></article>")
    article = BeautifulSoup(html, "html.parser").select_one("article")
    assert sorted(english_words(article, {"Long"})) == ["Check", "Press"]
