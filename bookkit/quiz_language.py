"""A self-check quiz in the reader's language: the one function that translates a rendered quiz.

:func:`bookkit.quiz.render` writes a quiz in English. Its texts (prompts, options,
explanations, hints, the titles of its "See ..." links) are elements marked ``data-i18n``;
a text's message is the element's inner HTML with its white space collapsed
(:func:`html_messages`). Their translations are written once, in the book's page catalogs
(``locale/<language>/LC_MESSAGES/book/**.po``), where Sphinx's gettext build puts them
beside the chapter's prose. Its fixed words (the buttons, the answer label, "See {link}.",
the feedback quiz.js writes) are :data:`bookkit.quiz.WORDS`, translated in the
``interface`` catalog.

:func:`translate_html` is used wherever a quiz is shown in another language:

- the translated edition's pages (``book/_ext/editions.py``, texts only: the page's script
  writes the fixed words from ``window.BOOK_INTERFACE_WORDS``);
- the chapters' notebooks of a translated edition, offered for download and in the course
  bundle (``book/_ext/notebook_translation.py``), texts and fixed words;
- :func:`bookkit.quiz.show` run again in a notebook whose ``$BOOK_LANGUAGE`` is not English
  (:func:`in_language`), with the catalog :func:`quiz_catalog` reads.

An installed library has no page catalogs: the wheel carries the quiz texts' translations as
the catalog of the domain ``quizzes`` (``translations/locale/<language>/LC_MESSAGES/quizzes.po``),
which ``book/_ext/course_bundle.py`` writes from the page catalogs when it builds the wheel
(:func:`quiz_catalog_entries`), so that a translation is written in one place only.
"""

from __future__ import annotations

import json

import translations

__all__ = ["DOMAIN", "TRANSLATABLE", "html_messages", "translate_html", "quiz_catalog", "page_catalogs", "in_language",
           "quiz_messages", "quiz_catalog_entries"]

#: The catalog of the quiz texts in an installed library (generated, see the module's text).
DOMAIN = "quizzes"
#: The elements whose inner HTML is a message.
TRANSLATABLE = "[data-i18n]"


def html_messages(markup):
    """The soup of an HTML output and its translatable elements with their messages.

    A message is the element's inner HTML with its white space collapsed: the gettext
    builder, the translated editions and a notebook compute it the same way.
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    found = []
    for element in soup.select(TRANSLATABLE):
        message = " ".join(element.decode_contents().split())
        if message:
            found.append((element, message))
    return soup, found


def _fixed_words(soup, language):
    """The quiz's fixed words (buttons, answer label, "See {link}.", data-quiz-words) in ``language``."""
    from .explorer.languages import translate_words
    from .quiz import WORDS

    words = translate_words(dict(WORDS), language)
    for quiz in soup.select("div.quiz[data-quiz-words]"):
        quiz["data-quiz-words"] = json.dumps(words)
    for button in soup.select("div.quiz button[type=submit]"):
        button.string = words["check"]
    for button in soup.select("div.quiz button[data-quiz-reveal]"):
        button.string = words["show_answer"]
    for label in soup.select("div.quiz .quiz-answer-row label"):
        label.string = words["your_answer"]
    before, after = words["see"].split("{link}")
    for see in soup.select("div.quiz p.quiz-see"):
        link = see.find("a")
        if link is not None:
            see.clear()
            see.extend([before, link, after] if before or after else [link])


def translate_html(markup, gettext, language=None):
    """``markup`` with its texts marked ``data-i18n`` translated by ``gettext`` (message -> translation).

    A message ``gettext`` returns unchanged keeps its English. With ``language`` (not English)
    the fixed words of a quiz in ``markup`` are written in that language too. Returns
    ``markup`` itself when nothing changed.
    """
    from bs4 import BeautifulSoup

    if "data-i18n" not in markup:
        return markup
    soup, found = html_messages(markup)
    changed = False
    for element, message in found:
        translated = gettext(message)
        if translated != message:
            element.clear()
            element.append(BeautifulSoup(translated, "html.parser"))
            changed = True
    if language not in (None, "en") and soup.select("div.quiz"):
        _fixed_words(soup, language)
        changed = True
    return str(soup) if changed else markup


def quiz_catalog(language):
    """message -> translation of the quiz texts in ``language`` (empty for English).

    The domain catalog ``quizzes`` where there is one (an installed library), else the
    book's page catalogs together (the repository; one English message has one
    translation on every page, ``tests/book/test_zh_markup.py``).
    """
    language = translations.language_code(language)
    if language == "en":
        return {}
    if language in translations.languages(DOMAIN):
        return translations.catalog(DOMAIN, language)
    return page_catalogs(language)


def page_catalogs(language):
    """message -> translation of every page catalog of the book in ``language`` together."""
    folder = translations.LOCALE_DIR / language / "LC_MESSAGES"
    merged = {}
    for path in sorted(folder.glob("book/**/*.po")):
        merged.update(translations.read_catalog(path))
    return merged


def in_language(markup, language=None):
    """A rendered quiz in ``language`` (``$BOOK_LANGUAGE`` by default): its texts and its fixed words.

    A text without a translation keeps its English. Without BeautifulSoup (``pip install
    beautifulsoup4``, which Jupyter's nbconvert installs) the quiz stays English, with a warning.
    """
    language = translations.language_code(language)
    if language == "en":
        return markup
    try:
        import bs4  # noqa: F401
    except ImportError:
        import warnings

        warnings.warn(f"the quiz is shown in English: showing it in {language} needs BeautifulSoup "
                      "(pip install beautifulsoup4)", stacklevel=3)
        return markup
    table = quiz_catalog(language)
    return translate_html(markup, lambda message: table.get(message, message), language)


def quiz_messages(markup):
    """The messages of the quiz texts in an HTML output (none when it is not a quiz)."""
    if 'class="quiz"' not in markup or "data-i18n" not in markup:
        return []
    return [message for _, message in html_messages(markup)[1]]


def quiz_catalog_entries(messages, language, pages=None):
    """[(message, translation)] of ``messages`` from the page catalogs of ``language``, for the ``quizzes`` catalog.

    Raises ``translations.Untranslated`` naming the first messages without a translation.
    """
    table = pages if pages is not None else page_catalogs(language)
    missing = [message for message in messages if not table.get(message)]
    if missing:
        raise translations.Untranslated(
            f"{len(missing)} quiz text(s) without a {language} translation in the page catalogs "
            f"(locale/{language}/LC_MESSAGES/book/): {missing[:3]}; translate them there (make translations)")
    return [(message, table[message]) for message in dict.fromkeys(messages)]

