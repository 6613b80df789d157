"""The explorer's words in other languages than English: one table per language.

The explorers name their controls, value menus and legend in English
(:mod:`.state`, :mod:`.html`). An edition of the book in another language gets
the same spec with each of these words looked up in :data:`LABELS`; the
settings, defaults and colours stay the same. A label missing from a table is a
mistake that :func:`translate_labels` reports, so adding a control means adding
its words here too.
"""

from __future__ import annotations

__all__ = ["LABELS", "translate_labels"]

#: English label -> label, per language (Sphinx's language codes). The terms are the glossary's.
LABELS = {
    "zh_CN": {
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
    },
}


def translate_labels(spec, language):
    """The explorer spec (:func:`.browser.spec`) with its labels in ``language``.

    Raises
    ------
    ValueError
        For a language without a table, or a label the table lacks (named, so it can be added).
    """
    if language in (None, "en"):
        return spec
    if language not in LABELS:
        raise ValueError(f"no explorer labels for language {language!r}: add a table to LABELS in {__name__} "
                         f"(languages with one: {sorted(LABELS)})")
    table = LABELS[language]
    missing = []

    def word(text):
        if text not in table:
            missing.append(text)
        return table.get(text, text)

    translated = dict(spec)
    translated["controls"] = [[name, word(label), *rest] for name, label, *rest in spec["controls"]]
    translated["values"] = [[mode, word(label)] for mode, label in spec["values"]]
    translated["legend"] = [[role, word(label)] for role, label in spec["legend"]]
    if missing:
        raise ValueError(f"explorer labels without a {language} translation: {missing}; add them to LABELS[{language!r}] "
                         f"in {__name__}")
    translated["language"] = language
    return translated
