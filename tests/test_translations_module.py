"""The catalog reader of :mod:`translations`, against babel's reading of the same files."""

from __future__ import annotations

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

import translations


def _babel_table(path):
    with open(path, "rb") as handle:
        catalog = read_po(handle)
    return {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}

@pytest.mark.parametrize("path", sorted(translations.LOCALE_DIR.glob("*/LC_MESSAGES/*.po")), ids=lambda p: p.name)
def test_every_catalog_reads_as_babel_reads_it(path):
    """Each domain catalog gives the same messages through the stdlib reader as through babel."""
    table = translations.catalog(path.stem, path.parent.parent.name)
    assert table == _babel_table(path)
    assert table, f"{path} holds no translated message"

def test_quoting_wrapping_and_fuzzy(tmp_path, monkeypatch):
    catalog = Catalog(locale="zh_CN", domain="sample")
    catalog.add("a {name} with \"quotes\"\nand a newline", "带 {name} 的“引号”\n和换行")
    catalog.add("long " * 40, "长" * 90)
    catalog.add("guessed", "猜的", flags=["fuzzy"])
    catalog.add("empty", "")
    folder = tmp_path / "zh_CN" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with open(folder / "sample.po", "wb") as handle:
        write_po(handle, catalog, width=30)  # force babel to wrap the long strings over several lines
    monkeypatch.setattr(translations, "LOCALE_DIR", tmp_path)
    assert translations.catalog("sample", "zh") == _babel_table(folder / "sample.po")
    assert translations.translate("a {name} with \"quotes\"\nand a newline", "zh", "sample", name="x") == "带 x 的“引号”\n和换行"
    assert translations.translate("long " * 40, "zh_CN", "sample") == "长" * 90
    for untranslated in ("guessed", "empty", "never added"):
        with pytest.raises(translations.Untranslated, match="sample.po"):
            translations.translate(untranslated, "zh", "sample")
    assert translations.translate("guessed", "en", "sample") == "guessed"
    with pytest.raises(translations.Untranslated, match="2 message"):
        translations.translate_all({"a": "guessed", "b": "empty"}, "zh", "sample")

def test_unknown_language_and_bad_file(tmp_path, monkeypatch):
    with pytest.raises(ValueError, match="fr.*use one of"):
        translations.language_code("fr")
    folder = tmp_path / "zh_CN" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "bad.po").write_text('msgctxt "c"\nmsgid "a"\nmsgstr "b"\n', encoding="utf-8")
    monkeypatch.setattr(translations, "LOCALE_DIR", tmp_path)
    with pytest.raises(ValueError, match="bad.po:1.*msgctxt"):
        translations.catalog("bad", "zh_CN")
