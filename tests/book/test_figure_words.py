"""The words figures and tables show, from the catalog figures.po (bookkit.figure_words): no built book needed.

The built Chinese pages are checked in test_zh_figures_built.py.
"""

from __future__ import annotations

import base64
import io
import re
import warnings

import pytest
from babel.messages.pofile import read_po
from support.book_paths import REPO
from support.zh_terms import BOOK_NAMES, RIVAL_FORMS

import translations
from bookkit import book_figures, figure_words
from bookkit.tables import markdown_table

CATALOG = REPO / "locale" / "zh_CN" / "LC_MESSAGES" / "figures.po"
FIELD = re.compile(r"\{([A-Za-z_][A-Za-z_0-9]*)\}")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _messages():
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    return [message for message in catalog if message.id]


def test_every_message_has_a_current_translation_with_the_same_fields():
    messages = _messages()
    assert len(messages) > 50, f"{CATALOG} holds only {len(messages)} messages"
    problems = []
    for message in messages:
        if not message.string or message.fuzzy:
            problems.append(f"untranslated or fuzzy: {message.id!r}")
        elif sorted(FIELD.findall(message.id)) != sorted(FIELD.findall(message.string)):
            problems.append(f"fields differ: {message.id!r} -> {message.string!r}")
        elif figure_words.has_words(FIELD.sub("", message.id)) and not CJK.search(message.string) \
                and "code" not in (message.auto_comments + message.user_comments).__str__():
            problems.append(f"no Chinese in the translation of {message.id!r} (a name that stays as it is "
                            f"needs the comment '#. code')")
    assert not problems, f"{CATALOG}:\n  " + "\n  ".join(problems)


def test_translations_use_the_glossary_terms_and_the_book_names():
    problems = []
    for message in _messages():
        for term, rivals in list(RIVAL_FORMS.items()) + list(BOOK_NAMES.items()):
            for rival in rivals:
                if rival in message.string.replace(term, ""):
                    problems.append(f"{message.id!r}: {message.string!r} says {rival}, the book says {term}")
    assert not problems, "\n".join(problems)


def test_a_text_without_words_stays_and_a_message_is_translated():
    table = translations.catalog("figures", "zh_CN")
    assert figure_words.translate_text("k = 3, s = 2", "zh_CN") == "k = 3, s = 2"
    assert figure_words.translate_text("`output_padding`", "zh_CN") == "`output_padding`"
    assert figure_words.translate_text("training step", "zh_CN") == table["training step"]
    assert figure_words.translate_text("training step", "en") == "training step"


def test_a_text_with_numbers_matches_a_message_with_fields():
    template = "overlap counts,\nk = {k}, s = 2"
    table = translations.catalog("figures", "zh_CN")
    assert template in table
    assert figure_words.translate_text("overlap counts,\nk = 5, s = 2", "zh_CN") == table[template].format(k="5")


def test_the_values_of_fields_are_translated_too():
    table = translations.catalog("figures", "zh_CN")
    template = "k = {k}, s = {s}:\ninterior {values} ({verdict})"
    assert template in table and "uneven" in table
    drawn = figure_words.translate_text("k = 3, s = 2:\ninterior [1, 2] (uneven)", "zh_CN")
    assert drawn == table[template].format(k="3", s="2", values="[1, 2]", verdict=table["uneven"])


def test_a_text_with_words_and_no_message_is_refused_by_name(monkeypatch):
    monkeypatch.delenv(figure_words.MISSING_VARIABLE, raising=False)
    with pytest.raises(translations.Untranslated, match="a label nobody wrote down.*figures.po"):
        figure_words.translate_text("a label nobody wrote down", "zh_CN")


def _figure():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4, 3))
    ax = fig.add_subplot()
    ax.plot([0, 1], [1, 0], label="test MSE")
    ax.set_xlabel("training step")
    ax.set_title("k = 4, s = 2")
    ax.set_xticks([0, 1], ["nearest", "bilinear"])
    ax.legend()
    return fig


def test_a_figure_drawn_in_chinese_shows_only_catalog_words_and_is_english_afterwards():
    fig = _figure()
    fig.savefig(io.BytesIO(), format="png")
    english = figure_words.drawn_texts(fig)
    table = translations.catalog("figures", "zh_CN")
    with figure_words.figure_in(fig, "zh_CN"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "Glyph ... missing from font(s)" fails the test
            fig.savefig(io.BytesIO(), format="png")
        chinese = figure_words.drawn_texts(fig)
    assert set(chinese) >= {table["training step"], table["test MSE"], table["nearest"], table["bilinear"], "k = 4, s = 2"}
    assert not [text for text in chinese if figure_words.has_words(text) and text not in table.values()], chinese
    assert figure_words.drawn_texts(fig) == english


def test_the_book_png_holds_the_figure_in_every_language(monkeypatch):
    monkeypatch.delenv("BOOK_LANGUAGE", raising=False)
    data, metadata = book_figures._book_png(_figure(), dpi=72, css_dpi=96)
    edition = metadata["editions"]["zh_CN"]
    assert base64.b64decode(edition["data"]) != base64.b64decode(data)
    assert "training step" in metadata["texts"]
    assert translations.translate("training step", "zh_CN", "figures") in edition["texts"]


def test_a_table_holds_its_words_in_every_language(monkeypatch):
    monkeypatch.delenv("BOOK_LANGUAGE", raising=False)
    table = markdown_table(["method", "$k$"], [("nearest", 3)])
    chinese = translations.catalog("figures", "zh_CN")
    assert table.data.splitlines()[0] == "| method | $k$ |"
    assert table.metadata["editions"]["zh_CN"].splitlines() == [
        f"| {chinese['method']} | $k$ |", "|---|---|", f"| {chinese['nearest']} | 3 |"]
    monkeypatch.setenv("BOOK_LANGUAGE", "zh_CN")
    assert markdown_table(["method"], [("nearest",)]).metadata["editions"]["en"].startswith("| method |")


def _edition_outputs():
    import sys

    sys.path.insert(0, str(REPO / "book" / "_ext"))
    import edition_outputs

    return edition_outputs


def test_the_chinese_build_renders_the_chinese_png_and_table_in_place_of_the_english(monkeypatch):
    from myst_nb.core.render import MimeData

    monkeypatch.delenv("BOOK_LANGUAGE", raising=False)
    in_language = _edition_outputs().in_language
    data, metadata = book_figures._book_png(_figure(), dpi=72, css_dpi=96)
    figure = MimeData("image/png", data, output_metadata={"image/png": metadata})
    shown, problem = in_language(figure, "zh_CN")
    edition = metadata["editions"]["zh_CN"]
    assert problem is None and shown.content == edition["data"]
    assert shown.output_metadata["image/png"]["width"] == edition["width"]
    assert "editions" not in shown.output_metadata["image/png"]

    table = markdown_table(["method"], [("nearest",)])
    shown, problem = in_language(MimeData("text/markdown", table.data, output_metadata={"text/markdown": table.metadata}),
                                 "zh_CN")
    assert problem is None and shown.content == table.metadata["editions"]["zh_CN"]


def test_a_figure_without_a_chinese_drawing_is_a_problem_that_names_its_text(monkeypatch):
    from matplotlib.figure import Figure
    from myst_nb.core.render import MimeData

    monkeypatch.delenv("BOOK_LANGUAGE", raising=False)
    monkeypatch.delenv(figure_words.MISSING_VARIABLE, raising=False)
    in_language = _edition_outputs().in_language
    fig = Figure()
    fig.add_subplot().set_title("a title nobody translated")
    data, metadata = book_figures._book_png(fig, dpi=72, css_dpi=96)  # shown in English, not refused
    shown, problem = in_language(MimeData("image/png", data, output_metadata={"image/png": metadata}), "zh_CN")
    assert shown.content == data and "a title nobody translated" in problem
    old_cache = MimeData("image/png", data, output_metadata={"image/png": {"width": 10, "height": 10}})
    assert "make clean-book" in in_language(old_cache, "zh_CN")[1]
