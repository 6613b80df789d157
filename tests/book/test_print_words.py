"""The words of the book's extensions live in the catalogs, and the printed explorer strip is PyTorch's.

- No Python file under book/_ext holds a Chinese character: the printed books' and the
  editions' words are English message ids, translated in locale/zh_CN/LC_MESSAGES/print.po
  and edition.po (read through the module translations).
- Every such message has its Chinese translation, with the same ``{fields}``.
- The strip that stands for the explorer in print (book/_ext/print_explorer.py) shows, step
  by step, what torch computes for the explorer's opening setting.

Pure Python: no built book needed.
"""

from __future__ import annotations

import re
import string
import sys

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from support.book_paths import REPO

sys.path.insert(0, str(REPO / "book" / "_ext"))
import editions  # noqa: E402
import print_edition  # noqa: E402
import print_explorer  # noqa: E402
import print_pdf  # noqa: E402

from translations import catalog, translate  # noqa: E402

EXTENSIONS = REPO / "book" / "_ext"
# CJK punctuation, ideographs (with extension A) and fullwidth forms
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def test_no_python_file_of_the_book_extensions_holds_chinese():
    files = sorted(EXTENSIONS.glob("**/*.py"))
    assert len(files) >= 8, files
    found = [f"{path.relative_to(REPO)}:{number}: {line.strip()[:60]}"
             for path in files for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if CJK.search(line)]
    assert not found, "Chinese text in the extensions' Python (move it to a catalog under locale/):\n" + "\n".join(found)


def _fields(text):
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name)


MESSAGES = {
    "print": [*print_pdf.TEXTS.values(), *print_edition.NOTE_WORDS.values(), *print_explorer.WORDS.values()],
    "edition": [*editions.SEARCH_SYNONYM_TERMS, *(f"other words for {term}" for term in editions.SEARCH_SYNONYM_TERMS),
                "Chinese", "Note", editions.UNTRANSLATED_NOTICE,
                *(text for words in __import__("build_edition").LANGUAGE_OVERRIDES.values() for text in words.values())],
}


@pytest.mark.parametrize("domain", sorted(MESSAGES))
def test_every_message_has_a_chinese_translation_with_the_same_fields(domain):
    table = catalog(domain, "zh_CN")
    problems = []
    for message in MESSAGES[domain]:
        if message not in table:
            problems.append(f"no translation of {message!r}")
        elif _fields(table[message]) != _fields(message):
            problems.append(f"{message!r}: fields {_fields(table[message])} instead of {_fields(message)}")
        elif not CJK.search(table[message]) and message not in (".",):
            problems.append(f"{message!r} is translated without Chinese: {table[message]!r}")
    assert not problems, f"locale/zh_CN/LC_MESSAGES/{domain}.po: " + "; ".join(problems)


def test_the_search_synonyms_come_from_the_edition_catalog():
    synonyms = editions.search_synonyms("zh_CN")
    assert len(synonyms) == len(editions.SEARCH_SYNONYM_TERMS), synonyms
    stride = translate("stride", "zh_CN", "edition")
    assert stride in {term for chinese, _ in editions.glossary_pairs() for term in chinese}, stride
    assert synonyms[stride], f"no other words for {stride}"


def test_the_printed_strip_shows_pytorchs_four_steps():
    settings, steps = print_explorer.strip_steps()
    s, p, o, d = (settings[key] for key in ("stride", "padding", "output_padding", "dilation"))
    k = settings["kernel_size"]
    x = torch.tensor(np.asarray(steps["input"]))[None, None]
    kernel = torch.tensor(np.flip(np.asarray(steps["flipped_kernel"])).copy())[None, None]
    # step 1: the zeros a stride-s transposed convolution with a single 1 inserts
    zeros = F.conv_transpose2d(x, torch.ones(1, 1, 1, 1, dtype=x.dtype), stride=s)
    np.testing.assert_array_equal(steps["zeros_inserted"], zeros[0, 0].numpy())
    # step 2: d(k-1)-p zeros on every side, output_padding more at the bottom and right
    q = d * (k - 1) - p
    assert q >= 0, "the explorer opens with a setting that crops in step 2; the strip's check assumes padding"
    np.testing.assert_array_equal(steps["padded"], F.pad(zeros, (q, q + o, q, q + o))[0, 0].numpy())
    # step 3: the kernel turned upside down and left to right
    np.testing.assert_array_equal(steps["flipped_kernel"], torch.flip(kernel, (2, 3))[0, 0].numpy())
    # step 4: the output is torch's transposed convolution
    expected = F.conv_transpose2d(x, kernel, stride=s, padding=p, output_padding=o, dilation=d)
    np.testing.assert_allclose(steps["output"], expected[0, 0].numpy())
