"""The words the browser scripts write: each has a current Chinese translation, with the glossary's terms.

Every English word or sentence of the explorer, the refusal sentences, the
self-check questions and the page scripts is declared once in Python
(``bookkit.explorer.interface.english_words`` lists them); the Chinese
catalog (``locale/zh_CN/LC_MESSAGES/interface.po``, read through ``translations``)
maps each English text (a msgid) to its translation (the msgstr). No browser
is needed here; ``test_interface_browser.py`` checks the pages.
"""

from __future__ import annotations

import itertools
import re
import string

import pytest
from support.zh_terms import RIVAL_FORMS, mentions

import translations
from bookkit import quiz
from bookkit.explain import SENTENCES, explain_refusal
from bookkit.explorer import browser, declarations, interface, languages, state

LANGUAGE = "zh_CN"
TABLE = translations.catalog(languages.DOMAIN, LANGUAGE)
CJK = "\u3400-\u9fff"


def _english():
    return [(f"{group}.{key}", text) for group, words in interface.english_words().items() for key, text in words.items()]


def _fields(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_interface_word_has_a_current_chinese_translation():
    missing = [f"{where}: {text!r}" for where, text in _english() if not TABLE.get(text, "").strip()]
    assert not missing, (f"words of the browser scripts without a {LANGUAGE} translation (add them to "
                         f"locale/{LANGUAGE}/LC_MESSAGES/interface.po):\n  " + "\n  ".join(missing))


def test_the_table_translates_no_english_word_that_is_gone():
    used = {text for _, text in _english()}
    stale = sorted(text for text in TABLE if text not in used)
    assert not stale, ("translations of English words no script writes any more (the English changed or went; "
                       "translate the new text and remove these):\n  " + "\n  ".join(map(repr, stale)))


def test_the_explorer_reads_its_step_through_words_and_other_words_as_one_table():
    assert not set(declarations.STEPPER_LABELS) & set(declarations.EXPLORER_WORDS)


def test_a_translation_fills_in_the_same_fields():
    wrong = [f"{text!r}: {sorted(_fields(text))} but {TABLE[text]!r}: {sorted(_fields(TABLE[text]))}"
             for _, text in _english() if text in TABLE and _fields(text) != _fields(TABLE[text])]
    assert not wrong, "translations whose {fields} differ from the English:\n  " + "\n  ".join(wrong)


# What a field holds when a script fills it in: numbers, parameter names, or Chinese words.
SAMPLE = {"axis": "高度", "title": "输入", "link": "转置卷积", "text": "二十", "message": "torch 拒绝这组参数", "name": "stride"}


def _filled(text):
    return text.format(**{name: SAMPLE.get(name, "7") for name in _fields(text)})


def test_chinese_words_have_full_width_punctuation_and_a_space_before_and_after_latin_and_digits():
    problems = []
    for _, text in _english():
        chinese = _filled(TABLE.get(text, ""))
        for match in itertools.chain(re.finditer(rf"[{CJK}][A-Za-z0-9]|[A-Za-z0-9][{CJK}]", chinese),
                                     re.finditer(rf"[{CJK}][,.:;!?()]|[,.:;!?()][{CJK}]", chinese)):
            problems.append(f"{match.group()!r} in {chinese!r}")
    assert not problems, "Chinese next to Latin or digits without a space, or half-width punctuation:\n  " + "\n  ".join(
        problems)


def test_chinese_words_use_the_glossary_terms():
    import sys

    sys.path.insert(0, str(languages.__file__).rsplit("/bookkit/", 1)[0] + "/book/_ext")
    from editions import glossary_pairs

    pairs = glossary_pairs()
    chinese_terms = sorted({term for chinese, _ in pairs for term in chinese}, key=len, reverse=True)
    refusals = set(SENTENCES.values())
    problems = []
    for where, text in _english():
        translated = TABLE.get(text, "")
        # The refusal sentences name torch's parameters (stride=2, use padding 0): code in every language.
        prose = "" if text in refusals else re.sub(r"\w*_\w*|\{\w+\}", " ", text)
        for chinese, english in pairs:
            if any(mentions(prose, term) for term in english) and not any(term in translated for term in chinese):
                problems.append(f"{where}: {english[0]!r} is not translated as {' or '.join(chinese)}: {translated!r}")
        rest = translated
        for term in chinese_terms:
            rest = rest.replace(term, "\0")
        problems += [f"{where}: {rival!r} instead of the glossary's {term!r}: {translated!r}"
                     for term, rivals in RIVAL_FORMS.items() for rival in rivals if rival in rest]
    assert not problems, "\n  ".join(problems)


def test_a_missing_translation_stops_the_build_naming_the_word(monkeypatch):
    word = quiz.WORDS["check"]
    monkeypatch.delitem(TABLE, word)
    with pytest.raises(ValueError, match=re.escape(repr(word))):
        interface.interface_script(LANGUAGE)
    word = declarations.EXPLORER_WORDS["refusal"]
    monkeypatch.delitem(TABLE, word)
    with pytest.raises(ValueError, match=re.escape(repr(word))):
        browser.spec_script(LANGUAGE)


def test_the_generated_scripts_carry_the_chinese_words():
    spec = browser.spec(LANGUAGE)
    assert spec["refusals"] == {key: TABLE[text] for key, text in SENTENCES.items()}
    labels = {**declarations.STEPPER_LABELS, **declarations.EXPLORER_WORDS}
    assert spec["labels"] == {key: TABLE[text] for key, text in labels.items()}
    assert [row[2] for row in spec["stepper_roles"]] == [TABLE[words] for _, _, words in declarations.STEPPER_ROLES]
    words = interface.interface_words(LANGUAGE)
    assert words["quiz"] == {key: TABLE[text] for key, text in quiz.WORDS.items()}
    assert words["page"] == {key: TABLE[text] for key, text in interface.PAGE_WORDS.items()}
    # English pages get the English words, from the same declarations.
    assert browser.spec()["refusals"] == SENTENCES and interface.interface_words()["quiz"] == quiz.WORDS


SQUARE = [(size, k, s, p, op, d) for size, k, s, p, op, d in
          itertools.product((0, 1, 3), (0, 1, 3), (0, 1, 2), (-1, 0, 1, 3), (-1, 0, 1, 2, 4), (0, 1, 2))]
PAIRS = [((4, 1), 2, 1, 1, 0, 1), (3, (3, 2), (2, 1), 0, (0, 1), 1), (3, 3, 1, (3, 0), 0, 1), ((0, 2), 3, 1, 0, 0, 1)]


def test_the_same_rules_refuse_in_both_languages_with_the_same_numbers():
    refused = 0
    for config in SQUARE + PAIRS:
        english = explain_refusal(*config)
        chinese = explain_refusal(*config, language=LANGUAGE)
        assert (english is None) == (chinese is None), (english, chinese)
        if english is None:
            continue
        refused += 1
        assert re.findall(r"-?\d+", english) == re.findall(r"-?\d+", chinese), (english, chinese)
        assert re.search(f"[{CJK}]", chinese) and not re.search(r"\b(must|use|crops|would)\b", chinese), chinese
        # the same parameters named, with the same values
        named = r"[A-Za-z_]+=(?:-?\d+|\([^)]*\))"
        assert re.findall(named, english.replace("input size=", "")) == re.findall(named, chinese), (english, chinese)
    assert refused > 1000, refused


def test_the_panel_captions_and_formula_follow_the_same_rules_in_both_languages():
    for config in ({}, {"stride": 1, "output_padding": 0}, {"stride": 3, "output_padding": 2, "dilation": 2}):
        cfg = state.normalise_config(config)
        english, chinese = state.panel_titles(cfg), state.panel_titles(cfg, LANGUAGE)
        assert [re.findall(r"\d+", t) for t in english] == [re.findall(r"\d+", t) for t in chinese], (english, chinese)
        assert all(re.search(f"[{CJK}]", t) for t in chinese), chinese
        assert state.size_formula(cfg, "width", LANGUAGE) == state.size_formula(cfg, "width")
