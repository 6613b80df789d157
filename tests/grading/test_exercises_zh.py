"""Every exercise can be done in Chinese: instructions, hints, failure messages, stubs and validate's report.

The notebooks are bilingual (one release, one gradebook): each English block of
an instruction cell is followed by its Chinese, headings carry both titles, the
hints of the test cells have their Chinese in ``grading.checks.HINTS_ZH``, and
the fixed words of every message have a Chinese line. The Chinese uses the
glossary's terms (``book/reference/10-glossary.md``) and none of the rival forms
the Chinese edition forbids (``tests/support/zh_terms.py``).
"""

import ast
import inspect
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
from support import zh_terms

from grading import checks
from grading.cells import grade_id, is_answer_cell, is_test_cell

ROOT = Path(__file__).resolve().parents[2]
RELEASED = sorted(ROOT.glob("exercises/*/*.ipynb"))
SOLUTIONS = sorted(ROOT.glob("solutions/*/*.ipynb"))

sys.path.insert(0, str(ROOT / "book" / "_ext"))
from editions import glossary_pairs  # noqa: E402

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# The length a translation needs, at least, per English word of the blocks it translates, counted as its
# Chinese characters plus the Latin words it keeps (notebook, numpy, torch): the exercises' translations
# have 0.8 (a five-word sentence) to over 2; a one-line summary of a paragraph has far less.
CHINESE_PER_ENGLISH_WORD = 0.75
# English words that also name something else than the glossary's term, and the Chinese of that sense:
# "kernel" is also Jupyter's kernel (内核) that runs the notebook.
HOMONYMS = {"kernel": ["内核"]}


def cjk_count(text):
    return len(CJK.findall(text))


def prose(text):
    """English text without code spans, math and code written without backticks (``2*padding``, ``weight[c, o]``,
    argument lists and shapes such as ``(N, channels, H, W)``)."""
    text = zh_terms.english_prose(text)
    while re.search(r"\([^()]*,[^()]*\)", text):
        text = re.sub(r"\([^()]*,[^()]*\)", " ", text)
    return " ".join(word for word in text.split() if not re.search(r"[*=\[\]()/]", word))


def english_words(text):
    """The English words of a markdown block, without code spans and math."""
    return re.findall(r"[A-Za-z]{2,}", zh_terms.english_prose(text))


def blocks(source):
    return [block for block in re.split(r"\n\s*\n", source.strip()) if block.strip()]


def instruction_groups(source):
    """(English blocks, the Chinese blocks after them) of one markdown cell; headings and tables apart.

    Returns the groups and the problems found in headings and tables (which carry
    both languages on each line).
    """
    groups, problems, english, chinese = [], [], [], []
    for block in blocks(source):
        lines = [line for line in block.splitlines() if line.strip()]
        if block.startswith("#") or all(line.lstrip().startswith("|") for line in lines):
            for line in lines:
                if english_words(line) and not cjk_count(line) and not re.fullmatch(r"\|[-|\s:]*\|", line.strip()):
                    problems.append(f"no Chinese on the line {line!r}")
            continue
        if cjk_count(block):
            chinese.append(block)
            continue
        if chinese:
            groups.append((english, chinese))
            english, chinese = [], []
        english.append(block)
    if english or chinese:
        groups.append((english, chinese))
    return groups, problems


def markdown_cells(path):
    return [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "markdown"]


# ---------------------------------------------------------------------------
# 1. Instructions
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", RELEASED, ids=lambda p: p.parent.name)
def test_every_english_paragraph_of_the_instructions_is_followed_by_its_chinese(path):
    problems = []
    for cell in markdown_cells(path):
        groups, heading_problems = instruction_groups(cell.source)
        problems += [f"{cell.id}: {problem}" for problem in heading_problems]
        for english, chinese in groups:
            words = sum(len(english_words(block)) for block in english)
            characters = sum(cjk_count(block) + len(english_words(block)) for block in chinese)
            if words and characters < CHINESE_PER_ENGLISH_WORD * words:
                start = " ".join(" ".join(english).split()[:8])
                problems.append(f"{cell.id}: {words} English words ({start!r} ...) are followed by "
                                f"a translation of length {characters}; put the Chinese paragraph right after them")
    assert not problems, f"{path.relative_to(ROOT)}:\n  " + "\n  ".join(problems)


def rendered_lists(source):
    """The items of every list a Markdown renderer (CommonMark, as JupyterLab's and the book's) makes of ``source``."""
    from markdown_it import MarkdownIt

    lists, open_lists = [], []
    for token in MarkdownIt("commonmark").parse(source):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            open_lists.append([])
        elif token.type == "inline" and open_lists:
            open_lists[-1].append(token.content)
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.append(open_lists.pop())
    return lists


@pytest.mark.parametrize("path", RELEASED + SOLUTIONS, ids=lambda p: f"{p.parts[-3]}/{p.parent.name}")
def test_each_list_of_the_instructions_is_in_one_language(path):
    """An English list and its Chinese translation right after it stay two lists when rendered, not one."""
    mixed = []
    for cell in markdown_cells(path):
        for items in rendered_lists(cell.source):
            if len({bool(CJK.search(item)) for item in items}) > 1:
                mixed.append(f"{cell.id}: " + " / ".join(item[:30] for item in items))
    assert not mixed, "lists mixing English and Chinese items (separate them, e.g. with <!-- 中文 -->):\n" + "\n".join(mixed)


@pytest.mark.parametrize("path", RELEASED, ids=lambda p: p.parent.name)
def test_the_parts_keep_their_english_and_points_for_the_books_table(path):
    """Headings stay "English · 中文 (N points)": the book's page *Exercises* lists parts ending in "points)"."""
    headings = [line for cell in markdown_cells(path) for line in cell.source.splitlines() if line.startswith("#")]
    title = headings[0]
    assert title.startswith("# Exercise ") and " · " in title and cjk_count(title), title
    parts = [line for line in headings if line.startswith("## ") and line.endswith("points)")]
    tests = [cell for cell in nbformat.read(path, as_version=4).cells if is_test_cell(cell)]
    assert sum(int(part.rsplit("(", 1)[1].split()[0]) for part in parts) == sum(
        cell.metadata.nbgrader.points for cell in tests)
    assert all(cjk_count(part) and " · " in part for part in parts), parts


# ---------------------------------------------------------------------------
# 2. Hints
# ---------------------------------------------------------------------------


def hints_of(cell):
    """The hint= values of a test cell, as written (strings, or (english, chinese) pairs)."""
    tree = ast.parse(cell.source)
    assigned = {target.id: node.value for node in ast.walk(tree) if isinstance(node, ast.Assign)
                for target in node.targets if isinstance(target, ast.Name)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "hint":
            value = assigned.get(node.value.id, node.value) if isinstance(node.value, ast.Name) else node.value
            found.append(ast.literal_eval(value))
    return found


def all_hints():
    return [(path.parent.name, grade_id(cell), hint) for path in SOLUTIONS
            for cell in nbformat.read(path, as_version=4).cells if is_test_cell(cell) for hint in hints_of(cell)]


def test_every_hint_of_the_test_cells_is_shown_in_chinese_too():
    hints = all_hints()
    assert len(hints) >= 25, hints  # the test cells' hints were found
    missing = []
    for assignment, cell, hint in hints:
        shown = checks.hint_text(hint)
        english = hint[0] if isinstance(hint, (tuple, list)) else hint
        chinese = next((line for line in shown.splitlines() if line.startswith("提示：")), "")
        if f"Hint: {english}" not in shown or cjk_count(chinese) < 2:
            missing.append(f"{assignment} {cell}: {english!r}")
    assert not missing, ("hints without Chinese; add them to grading.checks.HINTS_ZH (or pass hint=(english, "
                         "chinese)):\n  " + "\n  ".join(missing))

    # the code in a hint (names, indexing, calls) is the same in both languages
    def code(text):
        return sorted(re.findall(r"`[^`]*`|\w+\[[^\]]*\]|\w+\([^()]*\)", text))

    different = [(english, chinese) for english, chinese in checks.HINTS_ZH.items() if code(english) != code(chinese)]
    assert not different, different


# ---------------------------------------------------------------------------
# 3. Terms
# ---------------------------------------------------------------------------


def chinese_texts():
    """(where, English, Chinese) of every translated block and hint."""
    texts = []
    for path in RELEASED:
        for cell in markdown_cells(path):
            groups, _ = instruction_groups(cell.source)
            for english, chinese in groups:
                texts.append((f"{path.parent.name}/{cell.id}", "\n\n".join(english), "\n\n".join(chinese)))
            for block in blocks(cell.source):
                if block.startswith("#") or block.startswith("|"):
                    for line in block.splitlines():
                        # "English · 中文 (N points)", table cells "English · 中文"
                        for piece in line.split("|"):
                            if " · " in piece and cjk_count(piece):
                                english, _, chinese = piece.rpartition(" · ")
                                texts.append((f"{path.parent.name}/{cell.id}", english, chinese))
    for path in RELEASED:
        for cell in nbformat.read(path, as_version=4).cells:
            if is_answer_cell(cell):
                english, _, chinese = docstring(cell.source).partition("\n\n")
                texts.append((f"{path.parent.name}/{cell.id} (docstring)", english, chinese))
    hints = getattr(checks, "HINTS_ZH", {})
    texts += [("grading.checks.HINTS_ZH", english, chinese) for english, chinese in hints.items()]
    return texts


def test_the_chinese_uses_the_glossary_terms():
    pairs = glossary_pairs()
    problems = []
    for where, english, chinese in chinese_texts():
        words = prose(english)
        for chinese_terms, english_terms in pairs:
            if not any(zh_terms.mentions(words, term) for term in english_terms):
                continue
            accepted = chinese_terms + [word for term in english_terms for word in HOMONYMS.get(term, [])]
            if not any(term in chinese for term in accepted):
                problems.append(f"{where}: {english_terms[0]!r} is not translated as {' or '.join(chinese_terms)}: "
                                f"{chinese[:40]!r}")
    assert not problems, "\n  ".join(problems)


def test_no_rival_form_of_a_glossary_term_anywhere_a_student_reads():
    glossary = sorted({term for chinese, _ in glossary_pairs() for term in chinese}, key=len, reverse=True)
    texts = [(where, chinese) for where, _, chinese in chinese_texts()]
    texts += [(f"{path.parent.name}/{cell.id}", cell.source) for path in RELEASED for cell in markdown_cells(path)]
    helpers = [*sorted((ROOT / "grading" / "checks").glob("*.py")), ROOT / "grading" / "stubs.py",
               ROOT / "grading" / "validate.py"]
    texts += [(str(path.relative_to(ROOT / "grading")), path.read_text(encoding="utf-8")) for path in helpers]
    problems = []
    for where, text in texts:
        for term in glossary:
            text = text.replace(term, "\0")  # a rival inside a longer glossary term is that term
        problems += [f"{where}: {rival!r} instead of {term!r}" for term, rivals in zh_terms.RIVAL_FORMS.items()
                     for rival in rivals if rival in text]
    assert not problems, "\n  ".join(sorted(set(problems)))


def test_chinese_text_is_spaced_and_punctuated_the_chinese_way():
    """Full-width punctuation after Chinese, and a space between Chinese and Latin letters or digits."""
    texts = [text for text in chinese_texts() if cjk_count(text[2])]
    assert len(texts) >= 60, texts  # the translated blocks, headings and hints are there
    problems = []
    for where, _, chinese in texts:
        prose = re.sub(r"`[^`]*`", "`code`", chinese)
        problems += [f"{where}: {match.group()!r}" for match in re.finditer(
            rf"{CJK.pattern}[A-Za-z0-9`]|[A-Za-z0-9`]{CJK.pattern}|{CJK.pattern}[,;:?!]|{CJK.pattern}\((?!\d)", prose)]
    assert not problems, "\n  ".join(problems)


# ---------------------------------------------------------------------------
# 4. Messages
# ---------------------------------------------------------------------------

X = np.array([[1.0, 2.0], [3.0, 4.0]])


def spread(x, stride):
    """insert_zeros with one zero too many between the pixels."""
    out = np.zeros(((x.shape[0] - 1) * (stride + 1) + 1, (x.shape[1] - 1) * (stride + 1) + 1))
    out[:: stride + 1, :: stride + 1] = x
    return out


def failure(function, *args, **kwargs):
    with pytest.raises(AssertionError) as raised:
        function(*args, **kwargs)
    return str(raised.value)


def torch_zeros_inserted(x, stride):
    return checks.torch_conv_transpose2d(x[None, None], np.ones((1, 1, 1, 1)), stride=stride)[0, 0]


def test_a_failing_check_says_expected_received_and_the_hint_in_chinese_too():
    expected = torch_zeros_inserted(X, 2)
    hint = "rows and columns can differ in number"
    message = failure(checks.check, spread, (X, 2), expected, hint=hint)
    lines = message.splitlines()
    assert lines[0].startswith(f"spread(<array (2, 2)>, 2): expected an array of shape {expected.shape}"), lines
    assert lines[1] == f"应当返回形状为 {expected.shape} 的数组（与 torch 相同），实际形状是 {spread(X, 2).shape}", lines
    assert lines[-2:] == [f"Hint: {hint}", f"提示：{checks.HINTS_ZH[hint]}"], lines

    wrong = expected + 1.0
    message = failure(checks.check, lambda x, stride: wrong, (X, 2), expected)
    assert f"数值不对：下标 (0, 0) 处应为 {expected[0, 0]:.6g}（torch 的结果），实际是 {wrong[0, 0]:.6g}" in message
    assert "expected (期望):" in message and "received (实际):" in message

    message = failure(checks.check, lambda x, stride: wrong.tolist(), (X, 2), expected)
    assert "应当返回 numpy 数组，实际得到列表" in message
    message = failure(checks.expect_equal, 5, 6, "f(3)", source="torch", hint=("count again", "再数一遍"))
    assert message.splitlines()[1:] == ["应为 6（torch 的结果），实际得到 5", "Hint: count again", "提示：再数一遍"]


def test_an_error_raised_by_the_students_function_is_explained_in_chinese():
    def conv_matrix(size):
        return [0][size]

    message = failure(checks.call, conv_matrix, 3)
    assert "conv_matrix(3) raised IndexError" in message and "你的函数抛出了 IndexError" in message

    def unfinished(size):
        raise NotImplementedError()

    message = failure(checks.call, unfinished, 3)
    assert "这个函数还没有写（或者它调用的函数还没有写）" in message

    message = failure(checks.expect_raises, ValueError, lambda size: size, 13, refused_by="forward(output_size=...)")
    assert "应当抛出 ValueError（forward(output_size=...) 会拒绝这种配置），但函数返回了 13" in message


def test_using_torch_where_own_code_is_asked_is_refused_in_chinese_too():
    import torch

    def with_torch(x, stride):
        return torch.nn.functional.conv_transpose2d(torch.tensor(x)[None, None], torch.ones(1, 1, 1, 1),
                                                    stride=stride)[0, 0].numpy()

    message = failure(checks.check, with_torch, (X, 2), torch_zeros_inserted(X, 2))
    assert "earns no points because it" in message
    assert "不得分，因为它调用了 torch 的卷积例程" in message or "不得分，因为它使用了 torch" in message, message


def defined_function(source):
    return next(node.name for node in ast.parse(source).body if isinstance(node, ast.FunctionDef))


def docstring(source):
    """The docstring of the function an answer cell defines."""
    tree = ast.parse(source)
    return ast.get_docstring(next(node for node in tree.body if isinstance(node, ast.FunctionDef))) or ""


@pytest.mark.parametrize("path", RELEASED, ids=lambda p: p.parent.name)
def test_every_unsolved_stub_says_in_chinese_which_function_to_write(path):
    for cell in nbformat.read(path, as_version=4).cells:
        if not is_answer_cell(cell):
            continue
        assert "# YOUR CODE HERE · 在这里写你的代码" in cell.source, cell.source
        english, _, chinese = docstring(cell.source).partition("\n\n")
        assert english_words(english) and cjk_count(chinese) >= 5, f"{cell.id}: the docstring needs its Chinese"
        namespace = {"np": np}
        exec(compile(cell.source, "<answer cell>", "exec"), namespace)
        function = namespace[defined_function(cell.source)]
        required = [p for p in inspect.signature(function).parameters.values() if p.default is inspect.Parameter.empty]
        with pytest.raises(NotImplementedError) as raised:
            function(*[None] * len(required))
        english, chinese = str(raised.value).split("\n")
        name = function.__name__
        assert english.startswith(f"{name} is not written yet"), english
        assert chinese == f"{name} 还没有写：请把 `raise NotImplementedError(...)` 换成你的代码", chinese


@pytest.mark.kernel
def test_validate_reports_in_chinese_too():
    """`make validate` on an unsolved exercise: each line of the report and its summary have their Chinese."""
    path = ROOT / "exercises" / "01-output-size" / "output_size.ipynb"
    result = subprocess.run([sys.executable, "-m", "grading", "validate", str(path)], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    tests = [cell for cell in nbformat.read(path, as_version=4).cells if is_test_cell(cell)]
    total = sum(cell.metadata.nbgrader.points for cell in tests)
    assert "正在验证：像评分时一样，在一个新内核中运行全部单元格" in out, out
    for cell in tests:
        points = cell.metadata.nbgrader.points
        assert re.search(rf"^FAILED {grade_id(cell)} \(in “[^”]* · [^”]*”\), {points} points? · 未通过，{points} 分:$",
                         out, re.M), out
    assert f"验证未通过：{len(tests)} 个测试单元中有 {len(tests)} 个失败" in out, out
    assert f"总分 {total} 分中有 {total} 分可能拿不到" in out, out
    assert "还没有写：请把 `raise NotImplementedError(...)` 换成你的代码" in out, out


# ---------------------------------------------------------------------------
# Conditions of the test cells
# ---------------------------------------------------------------------------


def graded_cells(path):
    return [cell for cell in nbformat.read(path, as_version=4).cells if is_test_cell(cell)]


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.parent.name)
def test_no_test_cell_fails_with_an_english_only_assert(path):
    """A test cell states its conditions through the bilingual ``expect*`` helpers, never a bare ``assert``."""
    bare = []
    for cell in graded_cells(path):
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Assert) or (
                isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
                and getattr(node.exc.func, "id", "") == "AssertionError"
            ):
                bare.append(f"{grade_id(cell)} line {node.lineno}: {ast.unparse(node)[:80]}")
    assert not bare, "English-only failures (use grading.checks.expect / expect_kind):\n" + "\n".join(bare)


def checkers(path, grade, **names):
    """The ``check_*`` functions a test cell defines, bound to ``names`` (the student's functions, torch…)."""
    cell = next(cell for cell in graded_cells(path) if grade_id(cell) == grade)
    tree = ast.parse(cell.source)
    tree.body = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef))]
    namespace = dict(names)
    exec(compile(tree, grade, "exec"), namespace)
    return namespace


def test_exercise_4s_failures_are_explained_in_chinese_too():
    import torch
    from torch import nn

    path = next(p for p in SOLUTIONS if p.parent.name == "04-designing-layers")

    def chinese_line(function, *args):
        message = failure(function, *args)
        lines = message.splitlines()
        assert len(lines) >= 2 and cjk_count(lines[1]) >= 2, message
        return lines[1]

    design = checkers(path, "test-design", design_layer=lambda i, o, k: [2, 1, 1])["check_design"]
    assert "应返回 dict(stride=..., padding=..., output_padding=...)" in chinese_line(design, 6, 12, 3)
    design = checkers(path, "test-design",
                      design_layer=lambda i, o, k: dict(stride=2.0, padding=1, output_padding=1))["check_design"]
    assert "每个值都必须是整数（int）" in chinese_line(design, 6, 12, 3)
    design = checkers(path, "test-design",
                      design_layer=lambda i, o, k: dict(stride=9, padding=1, output_padding=1))["check_design"]
    assert "需要满足 1 <= stride <= kernel_size" in chinese_line(design, 6, 12, 3)

    upsampler = checkers(path, "test-upsampler", nn=nn, torch=torch,
                         upsampler=lambda c, f: nn.Conv2d(c, c, 1))["check_upsampler"]
    assert chinese_line(upsampler, 1, 2) == "应为 nn.ConvTranspose2d，实际得到 torch.nn.modules.conv.Conv2d"
    upsampler = checkers(path, "test-upsampler", nn=nn, torch=torch,
                         upsampler=lambda c, f: nn.ConvTranspose2d(c, c, (2, 4), stride=2))["check_upsampler"]
    assert "请用正方形的层" in chinese_line(upsampler, 1, 2)

    partner = checkers(path, "test-partner", nn=nn, torch=torch, transposed_partner=lambda conv: None)
    assert chinese_line(partner["check_partner"], nn.Conv2d(1, 1, 3), torch.zeros(1, 1, 5, 5)) == \
        "应为 nn.ConvTranspose2d，实际得到 None"


def chapter_titles_zh():
    """English chapter title -> its Chinese title, from the first heading's message of each chapter's catalog."""
    from babel.messages.pofile import read_po

    titles = {}
    for chapter in sorted((ROOT / "book").rglob("*.md")):
        heading = next((line[2:].strip() for line in chapter.read_text(encoding="utf-8").splitlines()
                        if line.startswith("# ")), None)
        catalog = ROOT / "locale" / "zh_CN" / "LC_MESSAGES" / chapter.relative_to(ROOT).with_suffix(".po")
        if heading and catalog.exists():
            with open(catalog, "rb") as handle:
                message = read_po(handle).get(heading)
            if message is not None and message.string:
                titles[heading] = message.string
    return titles


@pytest.mark.parametrize("path", RELEASED, ids=lambda p: p.parent.name)
def test_the_chapters_an_exercise_names_have_their_chinese_titles(path):
    """“*The PyTorch example*（…）”: the Chinese in brackets is the chapter's title in the Chinese edition."""
    titles = chapter_titles_zh()
    assert len(titles) >= 10, titles
    titles = {title.replace("`", ""): chinese for title, chinese in titles.items()}
    named, wrong = 0, []
    for cell in markdown_cells(path):
        for english, chinese in re.findall(r"\*([^*]+)\*（([^）]+)）", cell.source):
            english = english.replace("`", "")
            match = titles.get(english)
            if match is None:
                continue
            named += 1
            if chinese.replace("`", "") != match.replace("`", ""):
                wrong.append(f"*{english}*（{chinese}）: the chapter's Chinese title is {match!r}")
    assert not wrong, "\n".join(wrong)
