"""The Chinese edition's terms, and how the tests read English prose for glossary words.

Shared by the tests of the Chinese catalogs (tests/book/test_zh_catalogs.py), of the
browser scripts' words (test_interface_words.py) and of the Chinese exercises
(tests/grading/test_exercises_zh.py). The glossary itself is book/reference/10-glossary.md,
read through book/_ext/editions.py; these are the tests' own rules about it.
"""

from __future__ import annotations

import re

# For each Chinese term of the glossary, the other Chinese words for the same
# thing that the Chinese edition must not use (some are common in other
# textbooks, one is a typo in the lecture notes: 偏执 for 偏置).
RIVAL_FORMS = {
    "转置卷积": ["逆卷积", "反向卷积"],
    "步幅": ["步长", "步距", "跨步", "跨度"],
    "填充": ["补零", "衬垫", "填补"],
    "输出填充": ["输出补零", "额外填充"],
    "卷积核": ["核窗口", "核矩阵", "滤波核"],
    "偏置": ["偏执", "偏移量", "偏差项"],
    "膨胀卷积": ["扩张卷积", "扩展卷积", "带孔卷积"],
    "组卷积": ["分组卷积", "群卷积"],
    "上采样": ["升采样", "增采样"],
    "下采样": ["降采样"],
    "特征图": ["特征映射", "特征图谱"],
    "最近邻插值": ["最邻近插值", "近邻插值"],
    "双线性插值": ["双线性内插"],
    "棋盘格伪影": ["棋盘效应", "棋盘伪影", "棋盘格效应"],
    "全卷积网络": ["全卷积神经网络"],
}

# The book's own names (its parts, chapters, exercises and measures), each written one way in the Chinese
# edition: the form used where it is defined or titled, and the drifting forms a reader met elsewhere.
BOOK_NAMES = {
    "课程讲义": ["讲义部分"],
    "PyTorch 实战案例": ["PyTorch 示例"],
    "收集与分散，以及它们的代价": ["收集与分散及其代价"],
    "输出尺寸的计算": ["输出尺寸计算"],
    "设计转置卷积层": ["设计网络层", "练习 4 · 设计层"],
    "周期分量占比": ["周期占比"],
    "测试单元": ["测试单元格"],
}


# Phrases in which a glossary word has another meaning, so the glossary's Chinese
# term would be wrong there: the Jupyter kernel that runs a notebook is 内核, not a
# convolution kernel (卷积核).
OTHER_SENSES = [
    r"Kernel → Restart Kernel",  # JupyterLab's menu
    r"(?:fresh|running|notebook's) kernels?",
    r"kernels? (?:dies|died|crashes|crashed)",
    r"gathers? them",  # to collect (the page gathers the mistakes), not the gather form (收集)
]


def english_prose(message_id: str) -> str:
    """The English words of a message, without code (Markdown or HTML), math, the targets of roles and OTHER_SENSES."""
    text = re.sub(r"\{[a-z:]+\}`[^`]*`", " ", message_id)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"<(code|var)>.*?</\1>", " ", text)  # code in the quizzes' HTML texts
    text = re.sub(r"\$[^$]*\$", " ", text)
    for phrase in OTHER_SENSES:
        text = re.sub(rf"\b{phrase}\b", " ", text, flags=re.I)
    return text


def mentions(text: str, english: str) -> bool:
    words = r"[\s-]+".join(re.escape(word) for word in english.split())
    return re.search(rf"(?<![\w-]){words}(?:s|es)?(?![\w-])", text, re.I) is not None
