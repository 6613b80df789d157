"""The notebook explorers in both languages, and a refused setting greyed out, headless (no browser).

Every word the ipywidgets explorers show comes from the declared words
(``bookkit.explorer.interface.english_words``) in the explorer's language:
built with ``language="zh_CN"`` (or ``$BOOK_LANGUAGE``), no English word of that
list is left, except the names that are code in every language (torch's
argument names, the sweep's parameter names, the formula's symbols). Whether a
setting is refused is asked of torch itself.
"""

from __future__ import annotations

import inspect
import re
from html.parser import HTMLParser

import pytest
import torch

from bookkit.explain import explain_refusal
from bookkit.explorer import STYLE, SWEEP_PARAMETERS, four_steps_explorer, interface, languages, sweep_explorer
from bookkit.explorer.declarations import DEFAULTS
from translations import catalog

ZH = "zh_CN"
TABLE = catalog(languages.DOMAIN, ZH)
TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _english_tokens():
    words = interface.english_words()
    texts = [*words["explorer"].values(), *words["refusals"].values()]
    return {token for text in texts for token in TOKEN.findall(re.sub(r"\{\w+\}", " ", text))}


# Code in every language: the names a reader types (torch's arguments, the sweep's parameters) and the
# formula's symbols (one letter: H, s, p, k, d; and H_out, W_out).
CODE = ({name for name in inspect.signature(torch.nn.ConvTranspose2d.__init__).parameters if name != "self"}
        | set(SWEEP_PARAMETERS) | {"torch", "nn", "ConvTranspose2d", "False", "H_out", "W_out"}
        | {chr(c) for c in range(ord("A"), ord("z") + 1) if chr(c).isalpha()})


class _Text(HTMLParser):
    """The text a reader sees in HTML, and its titles (tooltips); style sheets left out."""

    def __init__(self):
        super().__init__()
        self.parts, self._style = [], False

    def handle_starttag(self, tag, attrs):
        self._style = tag == "style"
        self.parts += [value for name, value in attrs if name in ("title", "aria-label") and value]

    def handle_endtag(self, tag):
        self._style = False

    def handle_data(self, data):
        if not self._style:
            self.parts.append(data)


def _html_text(value):
    parser = _Text()
    parser.feed(value)
    return " ".join(parser.parts)


def shown_texts(widget):
    """Every text a widget tree shows: descriptions, tooltips, menu options and HTML contents."""
    import ipywidgets

    texts = []
    for name in ("description", "tooltip", "placeholder"):
        if getattr(widget, name, None):
            texts.append(getattr(widget, name))
    if isinstance(widget, (ipywidgets.Dropdown, ipywidgets.Select)):
        texts += list(widget._options_labels)
    if isinstance(widget, ipywidgets.HTML):
        texts.append(_html_text(widget.value))
    for child in getattr(widget, "children", ()):
        texts += shown_texts(child)
    return texts


def plot_texts(explorer):
    ax = explorer.plot.ax
    legend = ax.get_legend()
    return [ax.get_xlabel(), ax.get_ylabel(), *([t.get_text() for t in legend.get_texts()] if legend else [])]


def english_left(texts):
    english = _english_tokens() - CODE
    return sorted({token for text in texts for token in TOKEN.findall(text) if token in english})


def _every_state_of_the_four_steps(language):
    explorer = four_steps_explorer(language=language)
    texts = shown_texts(explorer.widget)
    for settings in ({"values": "ones", "dilation": 2, "output_padding": 1},  # every caption variant
                     {"stride": 1, "output_padding": 2},  # refused: output_padding
                     {"stride": 2, "output_padding": 0, "dilation": 1, "padding": 6},  # refused: padding
                     {"padding": 0, "stride": 4}):
        explorer.set(**settings)
        texts += shown_texts(explorer.widget)
    return explorer, texts


def _every_state_of_the_sweep(language):
    explorer = sweep_explorer("output_padding", values=range(0, 4), language=language)
    texts = shown_texts(explorer.widget) + plot_texts(explorer)
    for parameter in SWEEP_PARAMETERS:
        explorer.parameter.value = parameter
        texts += shown_texts(explorer.widget) + plot_texts(explorer)
    return explorer, texts


def test_the_chinese_four_steps_explorer_shows_no_english_word():
    explorer, texts = _every_state_of_the_four_steps("zh")
    assert explorer.language == ZH
    left = english_left(texts)
    assert not left, f"English words in the Chinese notebook explorer: {left}\n" + "\n".join(texts)
    # and its words are the table's
    joined = "\n".join(texts)
    for english in ("stride s", "all ones", "input value", "3. flip the kernel", "values"):
        assert TABLE[english] in joined, english


def test_the_chinese_sweep_explorer_shows_no_english_word():
    explorer, texts = _every_state_of_the_sweep(ZH)
    left = english_left(texts)
    assert not left, f"English words in the Chinese sweep explorer: {left}\n" + "\n".join(texts)
    joined = "\n".join(texts)
    for english in ("input size", "output size", "torch refuses", "sweep"):
        assert TABLE[english] in joined, english


def test_the_english_explorers_are_unchanged_in_english():
    explorer, texts = _every_state_of_the_four_steps("en")
    joined = "\n".join(texts)
    assert "stride s" in joined and "input value" in joined and "torch refuses this: " in joined
    assert not re.search("[\u3400-\u9fff]", joined)
    explorer, texts = _every_state_of_the_sweep(None)
    assert not re.search("[\u3400-\u9fff]", "\n".join(texts))


def test_the_language_comes_from_book_language_when_not_given(monkeypatch):
    monkeypatch.setenv(languages.LANGUAGE_VARIABLE, "zh-CN")
    assert four_steps_explorer().controls["stride"].description == TABLE["stride s"]
    assert sweep_explorer().parameter.description == TABLE["sweep"]
    # an explicit language wins
    assert four_steps_explorer(language="en").controls["stride"].description == "stride s"
    monkeypatch.delenv(languages.LANGUAGE_VARIABLE)
    assert four_steps_explorer().controls["stride"].description == "stride s"


def test_an_unknown_language_is_refused_saying_which_ones_exist(monkeypatch):
    with pytest.raises(ValueError, match=r"language is 'fr'.*use one of \['en', 'zh_CN'\]"):
        four_steps_explorer(language="fr")
    monkeypatch.setenv(languages.LANGUAGE_VARIABLE, "klingon")
    with pytest.raises(ValueError, match="the environment variable BOOK_LANGUAGE is 'klingon'"):
        sweep_explorer()


# ------------------------------------------------------------ a refused setting greys the formula and the call


def torch_refuses(config):
    cfg = {**DEFAULTS, **config}
    try:
        torch.nn.functional.conv_transpose2d(
            torch.ones(1, 1, cfg["height"], cfg["width"]), torch.ones(1, 1, cfg["kernel_size"], cfg["kernel_size"]),
            stride=cfg["stride"], padding=cfg["padding"], output_padding=cfg["output_padding"],
            dilation=cfg["dilation"])
    except RuntimeError:
        return True
    return False


SETTINGS = [
    {"output_padding": 2},  # >= stride 2 and >= dilation 1
    {"output_padding": 2, "dilation": 3},
    {"output_padding": 1},
    {"stride": 1, "output_padding": 1},
    {"padding": 6},
    {"padding": 2},
    {},
]


def _greyed(value):
    """Whether the HTML is wrapped in the refused look: greyed and struck through (tce-off), disabled."""
    match = re.match(r'<div class="([^"]*)" aria-disabled="true"[^>]*>', value)
    return bool(match) and "tce-off" in match.group(1).split()


@pytest.mark.parametrize("language", ["en", ZH])
@pytest.mark.parametrize("config", SETTINGS, ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()) or "default")
def test_a_setting_torch_refuses_greys_the_formula_and_the_call(config, language):
    refused = torch_refuses(config)
    explorer = four_steps_explorer(config, language=language)
    assert _greyed(explorer.formula.value) == refused, explorer.formula.value
    assert _greyed(explorer.call.value) == refused, explorer.call.value
    assert ("tce-refused" in explorer.message.value) == refused
    if refused:
        cfg = explorer.state["config"]
        sentence = explain_refusal((cfg["height"], cfg["width"]), cfg["kernel_size"], cfg["stride"], cfg["padding"],
                                   cfg["output_padding"], cfg["dilation"], language=language)
        assert sentence in _html_text(explorer.message.value)
        # the greyed panels say why (their tooltip), and still show what was asked for
        assert sentence in _html_text(explorer.formula.value) and sentence in _html_text(explorer.call.value)
        assert "nn.ConvTranspose2d(" in explorer.call.value
        assert explorer.grids.value == ""
    # moving back to a setting torch accepts takes the grey away
    explorer.set(**{k: DEFAULTS[k] for k in config})
    assert not _greyed(explorer.formula.value) and not _greyed(explorer.call.value)


def test_the_notebook_style_greys_and_strikes_through_what_is_off():
    rule = re.search(r"\.tce-off[^{]*\{([^}]*)\}", STYLE)
    assert rule and "line-through" in rule.group(1) and "color:" in rule.group(1)
