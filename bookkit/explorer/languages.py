"""The words of the book's browser scripts and notebook explorers in other languages than English: one table per language.

The English words are declared once, where they are used: the explorer's
controls, value menus and legend (:mod:`.state`, :mod:`.html`), its
step-through, status line and panel captions (:data:`.state.STEPPER_LABELS`,
:data:`.state.EXPLORER_WORDS`), the refusal sentences
(:data:`bookkit.explain.SENTENCES`), the self-check questions' fixed words
(:data:`bookkit.quiz.WORDS`) and the page scripts' words
(:data:`.interface.PAGE_WORDS`); :func:`.interface.english_words` lists them
all. :data:`LABELS` maps each English word or sentence to its translation, as
a gettext catalog maps a msgid to its msgstr: when an English word changes,
its old translation no longer matches, and :func:`translate_words` (used by the
build) and ``tests/book/test_interface_words.py`` name the word that has none.

Sentences have ``{name}`` fields (numbers, parameter names, other words) that
the scripts fill in; a translation has the same fields and may put them in
another order. The rules that choose a sentence are the same for every
language. The terms are the glossary's (``book/reference/10-glossary.md``).
"""

from __future__ import annotations

import os

__all__ = ["LABELS", "LANGUAGE_VARIABLE", "notebook_language", "translate_words", "translate_labels"]

#: The environment variable that picks the notebook explorers' language when no ``language`` is given.
LANGUAGE_VARIABLE = "BOOK_LANGUAGE"

# Other ways to write a language code, lowercased with "-" for "_": the same language.
_ALIASES = {"english": "en", "zh": "zh_CN", "zh_cn": "zh_CN", "zh_hans": "zh_CN", "zh_hans_cn": "zh_CN",
            "chinese": "zh_CN"}

#: English word or sentence -> its translation, per language (Sphinx's language codes).
LABELS = {
    "zh_CN": {
        # the explorer's controls, value menus and legend
        "input height H": "输入高度 H",
        "input width W": "输入宽度 W",
        "kernel size k": "卷积核大小 k",
        "stride s": "步幅 s",
        "padding p": "填充 p",
        "output_padding": "输出填充 output_padding",
        "dilation d": "膨胀率 d",
        "counting 1…9": "计数 1…9",
        "all ones": "全为 1",
        "input value": "输入值",
        "inserted zero": "插入的零",
        "padding": "填充",
        "kernel": "卷积核",
        "output": "输出",
        "added by output_padding": "由输出填充添加",
        "cropped by padding (greyed)": "被填充裁掉（灰色）",
        # the explorer's form, status line, grids, panel captions and size formula
        "transposed convolution settings": "转置卷积的参数设置",
        "values": "数值",
        "output {height}×{width}": "输出 {height}×{width}",
        "torch refuses this: {message}": "torch 拒绝这组参数：{message}",
        "input": "输入",
        "{title} ({rows}×{cols})": "{title}（{rows}×{cols}）",
        "1. insert s−1 = {count} zero": "1. 插入 s−1 = {count} 个零",
        "1. insert s−1 = {count} zeros": "1. 插入 s−1 = {count} 个零",
        "2. pad d(k−1)−p = {border}": "2. 填充 d(k−1)−p = {border}",
        "2. pad d(k−1)−p = {border}, +{extra} bottom/right": "2. 填充 d(k−1)−p = {border}，下方和右侧 +{extra}",
        "3. flip the kernel": "3. 翻转卷积核",
        "4. convolve, stride 1": "4. 卷积，步幅 1",
        "4. convolve, stride 1, dilation {dilation}": "4. 卷积，步幅 1，膨胀率 {dilation}",
        # a formula: the same in every language
        ("{letter}_out = ({letter} − 1)·s − 2p + d·(k − 1) + output_padding + 1 = "
         "({size} − 1)·{stride} − 2·{padding} + {dilation}·({kernel_size} − 1) + {output_padding} + 1 = {out}"):
        ("{letter}_out = ({letter} − 1)·s − 2p + d·(k − 1) + output_padding + 1 = "
         "({size} − 1)·{stride} − 2·{padding} + {dilation}·({kernel_size} − 1) + {output_padding} + 1 = {out}"),
        # the notebook explorers' own words (bookkit.explorer.widgets, .html)
        "input size": "输入尺寸",
        "sweep": "扫描参数",
        "from, to": "起止值",
        "output size": "输出尺寸",
        "torch refuses": "torch 拒绝",
        "kernel taps reaching each output pixel (uneven rows make checkerboard artifacts)":
        "到达每个输出像素的卷积核抽头数（各行不均匀就会产生棋盘格伪影）",
        "refused: {message}": "被拒绝：{message}",
        # the step-through
        "Step ▶": "下一步 ▶",
        "◀ Back": "◀ 上一步",
        "Play": "播放",
        "Pause": "暂停",
        "Reset": "重置",
        "reset settings": "恢复默认设置",
        "step through the output cells": "逐个查看输出单元格",
        ("Press Step to slide the flipped kernel over the padded grid one output cell at a time, "
         "or Play to watch it move. Click an output cell to see the products it gathers, or an "
         "input pixel to see the stamp it scatters."):
        ("按“下一步”，翻转后的卷积核在填充后的网格上移动一个输出单元格；按“播放”，看它一路移动。"
         "点击一个输出单元格，查看它收集的乘积；点击一个输入像素，查看它分散出去的印记。"),
        "Showing how one output cell is gathered (cell {n} of {count}):":
        "这个输出单元格是怎样收集得到的（第 {n} 个，共 {count} 个）：",
        "The other {zeros} products of the window multiply an inserted zero or padding, so they are 0.":
        "窗口中其余 {zeros} 个乘积乘的是插入的零或填充，所以都是 0。",
        "All {zeros} products of the window multiply an inserted zero or padding, so they are 0.":
        "窗口中全部 {zeros} 个乘积乘的都是插入的零或填充，所以都是 0。",
        ("Showing the stamp that one input pixel scatters: x[{i},{j}] = {value} times the kernel "
         "adds to {count} output cells."):
        "这个输入像素分散出去的印记：x[{i},{j}] = {value} 乘以卷积核，加到 {count} 个输出单元格上。",
        "{cropped} of them are cropped by padding (greyed out).": "其中 {cropped} 个被填充裁掉（灰色显示）。",
        "Stepping is off: torch refuses this combination.": "逐步演示已关闭：torch 拒绝这组参数。",
        "input pixel x[{i},{j}] = {value}; press Enter to see its stamp": "输入像素 x[{i},{j}] = {value}；按 Enter 查看它的印记",
        "output cell out[{i},{j}] = {value}; press Enter to see its sum":
        "输出单元格 out[{i},{j}] = {value}；按 Enter 查看它的求和",
        "Arrow keys move between cells, Enter or Space chooses one.": "方向键在单元格之间移动，Enter 或空格键选中一个。",
        # the refusal sentences (bookkit.explain)
        "{low}": "{low}",
        "{low} or {high}": "{low} 或 {high}",
        "{low} to {high}": "{low} 到 {high}",
        "height": "高度",
        "width": "宽度",
        "input size={value} must be at least 1: use input size 1 or more":
        "输入大小={value} 必须至少为 1：把输入大小设为 1 或更大",
        "{name}={value} must be at least 1: use {name} 1 or more": "{name}={value} 必须至少为 1：把 {name} 设为 1 或更大",
        "{name}={value} must not be negative: use {name} 0 or more": "{name}={value} 不能为负数：把 {name} 设为 0 或更大",
        ("output_padding={output_padding} must be smaller than stride={stride} or "
         "dilation={dilation}: use output_padding {values}"):
        "output_padding={output_padding} 必须小于 stride={stride} 或 dilation={dilation}：把 output_padding 设为 {values}",
        ("output_padding={output_padding} must be smaller than stride={stride} or "
         "dilation={dilation} in {axis}: use output_padding {values}"):
        ("在{axis}方向上，output_padding={output_padding} 必须小于 stride={stride} 或 dilation={dilation}："
         "把 output_padding 设为 {values}"),
        "padding={padding} crops away the whole output (output {axis} would be {size}): use padding {values}":
        "padding={padding} 裁掉了整个输出（输出{axis}将为 {size}）：把 padding 设为 {values}",
        "padding={padding} crops away the whole output (output {axis} would be {size}): use padding {values} in {axis}":
        "padding={padding} 裁掉了整个输出（输出{axis}将为 {size}）：把{axis}方向的 padding 设为 {values}",
        # the self-check questions (bookkit.quiz)
        "Your answer": "你的答案",
        "Check": "检查",
        "Show answer": "显示答案",
        "See {link}.": "参见：{link}。",
        "Type a number first, then press Check.": "请先输入一个数，再按“检查”。",
        "“{text}” is not a number: type digits only, for example 12.": "“{text}”不是数：只输入数字，例如 12。",
        "Right: {answer}.": "正确：{answer}。",
        "Not {value}. Try again, or press Show answer.": "不是 {value}。再试一次，或按“显示答案”。",
        "Choose one of the options first, then press Check.": "请先选择一个选项，再按“检查”。",
        "Right.": "正确。",
        "Not this one.": "不是这一项。",
        "Try another option.": "换一个选项试试。",
        "The answer is {answer}.": "答案是 {answer}。",
        # the page scripts (_static/navigation.js, _static/language-switch.js)
        "Close the chapter menu": "关闭章节菜单",
        "Close the page contents": "关闭本页目录",
        "Chapters": "章节",
        "Contents of this page": "本页目录",
        "Language": "语言",
    },
}


def notebook_language(language=None, environ=None):
    """The language of a notebook explorer: ``language``, else ``$BOOK_LANGUAGE``, else English.

    Languages are named as the book's editions name them (Sphinx's codes:
    ``"en"``, ``"zh_CN"``); ``"zh"``, ``"zh-CN"`` and ``"zh-Hans"`` (any case)
    also mean ``"zh_CN"``.

    Parameters
    ----------
    language : str, optional
    environ : mapping, optional
        Where to look for :data:`LANGUAGE_VARIABLE` (``os.environ`` by default).

    Returns
    -------
    str
        ``"en"`` or a key of :data:`LABELS`.

    Raises
    ------
    ValueError
        For a language without a table, saying which ones there are (and, for
        the environment variable, that it was the variable).

    Examples
    --------
    >>> notebook_language("zh"), notebook_language(environ={}), notebook_language(environ={"BOOK_LANGUAGE": "zh-CN"})
    ('zh_CN', 'en', 'zh_CN')
    """
    environ = os.environ if environ is None else environ
    given, where = language, "language"
    if given is None:
        given, where = environ.get(LANGUAGE_VARIABLE) or "en", f"the environment variable {LANGUAGE_VARIABLE}"
    key = str(given).strip().replace("-", "_")
    if key in LABELS or key == "en":
        return key
    key = _ALIASES.get(key.lower(), key.lower())
    if key in LABELS or key == "en":
        return key
    raise ValueError(f"{where} is {given!r}, a language the explorers have no words for: use one of "
                     f"{['en', *sorted(LABELS)]} (\"zh\" also means \"zh_CN\")")


def _table(language):
    if language not in LABELS:
        raise ValueError(f"no explorer labels for language {language!r}: add a table to LABELS in {__name__} "
                         f"(languages with one: {sorted(LABELS)})")
    return LABELS[language]


def translate_words(words, language):
    """``words`` (key -> English word or sentence) with each value in ``language``.

    English (``None`` or ``"en"``) returns ``words`` unchanged.

    Raises
    ------
    ValueError
        For a language without a table, or words the table lacks (named, so they can be added).

    Examples
    --------
    >>> translate_words({"check": "Check"}, "zh_CN")
    {'check': '检查'}
    """
    if language in (None, "en"):
        return dict(words)
    table = _table(language)
    missing = [text for text in words.values() if text not in table]
    if missing:
        raise ValueError(f"words without a {language} translation: {missing}; add them to LABELS[{language!r}] "
                         f"in {__name__}")
    return {key: table[text] for key, text in words.items()}


def translate_labels(spec, language):
    """The explorer spec (:func:`.browser.spec`) with its words in ``language``.

    Translates the controls, value menus and legend, the step-through's roles
    and words (``labels``) and the refusal sentences (``refusals``).

    Raises
    ------
    ValueError
        For a language without a table, or a word the table lacks (named, so it can be added).
    """
    if language in (None, "en"):
        return spec
    table = _table(language)
    missing = []

    def word(text):
        if text not in table:
            missing.append(text)
        return table.get(text, text)

    translated = dict(spec)
    translated["controls"] = [[name, word(label), *rest] for name, label, *rest in spec["controls"]]
    translated["values"] = [[mode, word(label)] for mode, label in spec["values"]]
    translated["legend"] = [[role, word(label)] for role, label in spec["legend"]]
    translated["stepper_roles"] = [[role, colour, word(label)] for role, colour, label in spec["stepper_roles"]]
    for key in ("labels", "refusals"):
        translated[key] = {name: word(text) for name, text in spec[key].items()}
    if missing:
        raise ValueError(f"explorer labels without a {language} translation: {missing}; add them to LABELS[{language!r}] "
                         f"in {__name__}")
    translated["language"] = language
    return translated
