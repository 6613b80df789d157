"""The class report's parts that need no grading run: what failed, the settings, the hints, the words.

Failure messages here are made by the real checks of ``grading.checks`` (against torch),
not written by hand, so a change in the checks' wording shows up here first.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from support.zh_terms import RIVAL_FORMS, english_prose, mentions

from grading.checks import CheckFailed, check, expect_raises, torch_conv_transpose2d
from grading.classreport.collect import AssignmentData, Submission
from grading.classreport.collect import TestCell as Cell
from grading.classreport.failures import group_failures, what_failed
from grading.classreport.parameters import features, parse_case
from grading.classreport.words import message_ids

CJK = "\u3400-\u9fff"


def failure(function, *args, **kwargs):
    """The message of the check ``check(function, args, torch's answer, kwargs=kwargs)`` (it must fail)."""
    x, w = args[0], args[1]
    with pytest.raises(CheckFailed) as raised:
        check(function, args, torch_conv_transpose2d(*args, **kwargs), kwargs=kwargs, own_code=False,
              hint="stride spaces the stamps apart; padding crops that many rows/columns from every border")
    return {"error": type(raised.value).__name__, "message": str(raised.value), "x": x, "w": w}


def conv_transpose2d(x, w, b=None, **settings):
    return torch_conv_transpose2d(x, w, b, **settings)


def ignores_dilation(x, w, b=None, dilation=1, **settings):
    return torch_conv_transpose2d(x, w, b, **settings)


def wrong_shape(x, w, b=None, **settings):
    return torch_conv_transpose2d(x, w, b, **settings)[..., :-1]


def raises(x, w, b=None, **settings):
    raise ValueError("not written")


def off_by_one(x, w, b=None, **settings):
    return torch_conv_transpose2d(x, w, b, **settings) + 1


def as_list(x, w, b=None, **settings):
    return torch_conv_transpose2d(x, w, b, **settings).tolist()


RNG = np.random.default_rng(0)
X4, X3, W = RNG.standard_normal((1, 2, 3, 3)), RNG.standard_normal((2, 3, 3)), RNG.standard_normal((2, 2, 3, 3))


@pytest.mark.parametrize(("function", "settings", "kind"), [
    (ignores_dilation, dict(dilation=2), ("wrong output shape", {})),
    (wrong_shape, dict(stride=2), ("wrong output shape", {})),
    (off_by_one, dict(padding=1), ("wrong values", {})),
    (raises, dict(stride=2, output_padding=1), ("your function raised {error}", {"error": "ValueError"})),
    (as_list, dict(groups=2), ("did not return a numpy array", {})),
])
def test_the_kind_of_failure_is_read_from_the_checks_own_words(function, settings, kind):
    entry = failure(function, X4, W, **settings)
    assert what_failed(entry) == kind


def test_a_wrong_value_and_a_missing_error_are_named():
    from grading.checks import torch_transpose_output_size

    def size(size, kernel_size, stride=1):
        return size * stride

    with pytest.raises(CheckFailed) as wrong:
        check(size, (), torch_transpose_output_size(3, 3, 2), kwargs=dict(size=3, kernel_size=3, stride=2))
    assert what_failed({"error": "CheckFailed", "message": str(wrong.value)}) == ("wrong value", {})
    with pytest.raises(CheckFailed) as quiet:
        expect_raises(ValueError, size, 3, 3, stride=2)
    assert what_failed({"error": "CheckFailed", "message": str(quiet.value)}) == ("did not raise {error}",
                                                                                 {"error": "ValueError"})


@pytest.mark.parametrize("settings", [
    dict(), dict(stride=2), dict(stride=(1, 2), padding=1), dict(output_padding=1, stride=2),
    dict(dilation=2, groups=2), dict(stride=2, padding=(0, 1), dilation=(2, 1), groups=2),
])
@pytest.mark.parametrize("x", [X4, X3], ids=["batched", "unbatched"])
def test_the_settings_of_a_failing_call_are_those_it_was_called_with(settings, x):
    entry = failure(raises, x, W, **settings)
    name, call = parse_case(entry["message"])
    assert name == "raises"

    def above(value, bound):
        return any(v > bound for v in (value if isinstance(value, tuple) else (value,)))

    expected = {key for key, bound in (("stride", 1), ("padding", 0), ("output_padding", 0), ("dilation", 1),
                                       ("groups", 1)) if above(settings.get(key, bound), bound)}
    expected |= {"uneven"} if any(isinstance(v, tuple) and v[0] != v[1] for v in settings.values()) else set()
    expected |= {"batched" if x.ndim == 4 else "unbatched"}
    assert set(features(call)) == expected


def test_what_the_student_returned_or_raised_is_never_read_as_a_setting():
    message = "raises(<array (1, 2, 3, 3)>, <array (2, 2, 3, 3)>) raised ValueError: stride=9, dilation=(4, 4)"
    assert set(features(parse_case(message)[1])) == {"batched"}
    assert parse_case("garbage: (((") is None
    assert parse_case("f(__import__('os').system('x'))") is None  # literals only


def test_a_hint_counts_only_when_the_teachers_cell_gives_it():
    cell = Cell("nb", "test-a", 2, False, 'check(f, (), 1, hint="the teacher\'s " "own hint")')
    spoofed = "f(): expected 1 (torch), received 2\nHint: <b>a student's own group</b>"
    honest = "f(): expected 1 (torch), received 2\nHint: the teacher's own hint"
    data = AssignmentData("a", 2, [cell], [
        Submission("s1", "graded", tests=[{"notebook": "nb", "cell": "test-a", "part": "visible", "message": spoofed}]),
        Submission("s2", "graded", tests=[{"notebook": "nb", "cell": "test-a", "part": "visible", "message": honest}]),
        Submission("s3", "graded", tests=[{"notebook": "nb", "cell": "test-b", "part": "visible", "message": honest}]),
    ])
    groups, configurations = group_failures(data)
    assert sorted(g.hint for g in groups) == ["", "the teacher's own hint"]
    assert sum(g.count for g in groups) == 2  # test-b is not one of the assignment's test cells
    assert len(configurations) == 2


# -- the words ------------------------------------------------------------------------------------

def _catalog():
    from translations import catalog

    return catalog("report", "zh_CN")


def test_every_word_of_the_report_has_a_chinese_translation_and_no_other():
    ids = message_ids()
    assert len(ids) > 60 and "Commonest failures" in ids and "dilation > 1" in ids
    table = _catalog()
    assert [text for text in ids if text not in table] == []
    assert [text for text in table if text not in ids] == []


def test_the_chinese_words_fill_the_same_fields_with_full_width_punctuation_and_spaces():
    import string

    problems = []
    for english, chinese in _catalog().items():
        def fields(text):
            return {name for _, name, _, _ in string.Formatter().parse(text) if name}

        if fields(english) != fields(chinese):
            problems.append(f"fields differ: {english!r} -> {chinese!r}")
        filled = chinese.format(**{name: "7" for name in fields(chinese)})
        problems += [f"{m.group()!r} in {chinese!r}" for m in re.finditer(
            rf"[{CJK}][A-Za-z0-9]|[A-Za-z0-9][{CJK}]|[{CJK}][,.:;!?]|[,.:;!?][{CJK}]", filled)]
    assert not problems, "\n".join(problems)


def test_the_chinese_words_use_the_glossary_terms():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "book" / "_ext"))
    from editions import glossary_pairs

    pairs = glossary_pairs()
    problems = []
    for english, chinese in _catalog().items():
        prose = re.sub(r"\w*_\w*|\{\w+\}", " ", english_prose(english))
        for terms_zh, terms_en in pairs:
            if any(mentions(prose, term) for term in terms_en) and not any(term in chinese for term in terms_zh):
                problems.append(f"{terms_en[0]!r} is not {' or '.join(terms_zh)} in {chinese!r}")
        problems += [f"{rival!r} instead of {term!r}: {chinese!r}" for term, rivals in RIVAL_FORMS.items()
                     for rival in rivals if rival in chinese]
    assert not problems, "\n".join(problems)
