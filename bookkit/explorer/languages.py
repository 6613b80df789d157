"""The words of the book's browser scripts and notebook explorers in other languages than English.

The English words are declared once, where they are used: the explorer's
controls, value menus, legend, step-through, status line and panel captions
(:mod:`.declarations`: :data:`.declarations.STEPPER_LABELS`,
:data:`.declarations.EXPLORER_WORDS` …), the refusal sentences
(:data:`bookkit.explain.SENTENCES`), the self-check questions' fixed words
(:data:`bookkit.quiz.WORDS`) and the page scripts' words
(:data:`.interface.PAGE_WORDS`); :func:`.interface.english_words` lists them
all. Their translations are the gettext catalog of the ``interface`` domain,
``locale/<language>/LC_MESSAGES/interface.po``, read through :mod:`translations`:
each English word or sentence is a msgid, its translation the msgstr. When an
English word changes, its old translation no longer matches, and
:func:`translate_words` (used by the build) and
``tests/book/test_interface_words.py`` name the word that has none.

Sentences have ``{name}`` fields (numbers, parameter names, other words) that
the scripts fill in; a translation has the same fields and may put them in
another order. The rules that choose a sentence are the same for every
language. The terms are the glossary's (``book/reference/10-glossary.md``).
"""

from __future__ import annotations

from translations import LANGUAGE_VARIABLE, Untranslated, catalog, language_code, translate_all

__all__ = ["DOMAIN", "LANGUAGE_VARIABLE", "notebook_language", "translate_words", "translate_labels"]

#: The catalog of these words: ``locale/<language>/LC_MESSAGES/interface.po``.
DOMAIN = "interface"


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
        ``"en"`` or a language with an ``interface`` catalog (``locale/<language>/LC_MESSAGES/interface.po``).

    Raises
    ------
    ValueError
        For a language without a catalog, saying which ones there are (and, for
        the environment variable, that it was the variable).

    Examples
    --------
    >>> notebook_language("zh"), notebook_language(environ={}), notebook_language(environ={"BOOK_LANGUAGE": "zh-CN"})
    ('zh_CN', 'en', 'zh_CN')
    """
    return language_code(language, environ, DOMAIN)


def translate_words(words, language):
    """``words`` (key -> English word or sentence) with each value in ``language``.

    English (``None`` or ``"en"``) returns ``words`` unchanged.

    Raises
    ------
    ValueError
        For a language without a catalog, or words the catalog lacks (named, so they can be added).

    Examples
    --------
    >>> translate_words({"check": "Check"}, "zh_CN") == {"check": catalog(DOMAIN, "zh_CN")["Check"]}
    True
    """
    if language in (None, "en"):
        return dict(words)
    try:
        return translate_all(words, language, DOMAIN)
    except Untranslated as missing:
        raise ValueError(f"{missing}; add them with a PO editor (docs/translations.md)") from None


def translate_labels(spec, language):
    """The explorer spec (:func:`.browser.spec`) with its words in ``language``.

    Translates the controls, value menus and legend, the step-through's roles
    and words (``labels``) and the refusal sentences (``refusals``).

    Raises
    ------
    ValueError
        For a language without a catalog, or a word the catalog lacks (named, so it can be added).
    """
    if language in (None, "en"):
        return spec
    table = catalog(DOMAIN, language)
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
        raise ValueError(f"explorer labels without a {language} translation in "
                         f"locale/{language}/LC_MESSAGES/{DOMAIN}.po: {missing}; add them with a PO editor "
                         f"(docs/translations.md)")
    translated["language"] = language
    return translated
