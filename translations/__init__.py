"""The project's translated words outside the book's pages: gettext catalogs read by one small module.

The pages of the book are translated by Sphinx from ``locale/<lang>/LC_MESSAGES/book/``.
Every other word a reader, a student or a teacher reads in another language than English
(the browser's and the notebooks' interface words, the grading messages and hints, the
notes of the PDFs and editions, the words figures and tables draw) lives in one catalog per
*domain* beside them::

    locale/<lang>/LC_MESSAGES/<domain>.po

Python files hold the English message ids only and look their translation up here with
:func:`translate`. A catalog is a plain gettext ``.po`` file (edit it with any PO editor
or ``make translations``); this module reads it directly, with the standard library only,
so it works inside the grading sandbox and in the course bundle where nothing is compiled.
A message marked ``fuzzy`` or left empty counts as untranslated.

This module imports nothing from the project: everything may import it.
"""

from __future__ import annotations

import ast
import functools
import os
from pathlib import Path

__all__ = ["LOCALE_DIR", "LANGUAGE_VARIABLE", "Untranslated", "catalog", "language_code", "languages",
           "read_catalog", "translate", "translate_all"]


def _locale_dir(environ=os.environ, package=None):
    """``$BOOK_LOCALE_DIR``, else ``locale/`` inside this package (an installed wheel carries the catalogs there;
    in the repository it is a link to the top ``locale/``), else ``locale/`` beside this package (a course copy).

    >>> _locale_dir({"BOOK_LOCALE_DIR": "/x"}) == Path("/x")
    True
    >>> (_locale_dir({}) / "zh_CN" / "LC_MESSAGES" / "interface.po").is_file()
    True
    """
    if environ.get("BOOK_LOCALE_DIR"):
        return Path(environ["BOOK_LOCALE_DIR"])
    package = package or Path(__file__).resolve().parent
    inside = package / "locale"
    return inside if inside.is_dir() else package.parent / "locale"


#: Where the catalogs are: see :func:`_locale_dir`.
LOCALE_DIR = _locale_dir()

#: The environment variable that picks the notebooks' language when none is given.
LANGUAGE_VARIABLE = "BOOK_LANGUAGE"

# Other ways to write a language code, lowercased with "-" for "_": the same language.
_ALIASES = {"english": "en", "zh": "zh_CN", "zh_cn": "zh_CN", "zh_hans": "zh_CN", "zh_hans_cn": "zh_CN",
            "chinese": "zh_CN"}


class Untranslated(LookupError):
    """A message id without a translation in a language's catalog (the message names both)."""


def languages(domain):
    """The languages with a catalog for ``domain`` (besides English, the language of the message ids).

    >>> "zh_CN" in languages("interface")
    True
    """
    return sorted(path.parent.parent.name for path in LOCALE_DIR.glob(f"*/LC_MESSAGES/{domain}.po"))


def language_code(language=None, environ=None, domain="interface"):
    """``language`` (or ``$BOOK_LANGUAGE``, else English) as the editions name it: ``"en"`` or ``"zh_CN"``.

    ``"zh"``, ``"zh-CN"``, ``"zh-Hans"`` and ``"Chinese"`` (any case) also mean ``"zh_CN"``.

    >>> language_code("zh"), language_code(environ={}), language_code(environ={"BOOK_LANGUAGE": "zh-CN"})
    ('zh_CN', 'en', 'zh_CN')
    """
    environ = os.environ if environ is None else environ
    given, where = language, "language"
    if given is None:
        given, where = environ.get(LANGUAGE_VARIABLE) or "en", f"the environment variable {LANGUAGE_VARIABLE}"
    known = ["en", *languages(domain)]
    key = str(given).strip().replace("-", "_")
    key = key if key in known else _ALIASES.get(key.lower(), key.lower())
    if key in known:
        return key
    raise ValueError(f"{where} is {given!r}, a language without words here: use one of {known} "
                     f"(\"zh\" also means \"zh_CN\")")


def _unquote(text, path, number):
    try:
        return ast.literal_eval(text)
    except (SyntaxError, ValueError):
        raise ValueError(f"{path}:{number}: not a quoted PO string: {text!r}") from None


def _read_po(path):
    """msgid -> msgstr of one ``.po`` file, without the header, fuzzy and empty messages."""
    return {msgid: msgstr for msgid, msgstr, fuzzy in _messages(path) if msgstr and not fuzzy}


def _messages(path):
    """(msgid, msgstr, fuzzy) of every message of one ``.po`` file but the header."""
    messages, entry, field, fuzzy = [], {}, None, False

    def finish():
        nonlocal entry, field, fuzzy
        if entry.get("msgid"):
            messages.append((entry["msgid"], entry.get("msgstr", ""), fuzzy))
        entry, field, fuzzy = {}, None, False

    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line:
            finish()
        elif line.startswith("#,"):
            fuzzy = fuzzy or "fuzzy" in line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if field is None:
                raise ValueError(f"{path}:{number}: a continued string outside a message")
            entry[field] += _unquote(line, path, number)
        else:
            keyword, _, rest = line.partition(" ")
            if keyword not in ("msgid", "msgstr"):
                raise ValueError(f"{path}:{number}: {keyword!r} is not read here (no plural forms or contexts): "
                                 f"write one msgid and one msgstr per message")
            if keyword in entry or (keyword == "msgid" and "msgstr" in entry):
                finish()
            field = keyword
            entry[field] = _unquote(rest, path, number)
    finish()
    return messages


@functools.lru_cache(maxsize=None)
def _cached(path, stamp):
    return _read_po(Path(path))


def read_catalog(path):
    """msgid -> translation of the ``.po`` file ``path`` (any catalog, e.g. a page's of the book), without the
    header, fuzzy and empty messages."""
    path = Path(path)
    return _cached(str(path), path.stat().st_mtime_ns)


def catalog(domain, language):
    """msgid -> translation of ``domain`` in ``language`` (empty for English)."""
    language = language_code(language, domain=domain)
    if language == "en":
        return {}
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"
    return _cached(str(path), path.stat().st_mtime_ns)


def translate(text, language, domain, **fields):
    """``text`` (an English message id) in ``language``, its ``{name}`` fields filled from ``fields``.

    Raises :class:`Untranslated` when the catalog has no translation, naming the catalog
    file, so that a changed English message is never shown half translated.
    """
    language = language_code(language, domain=domain)
    if language != "en":
        table = catalog(domain, language)
        if text not in table:
            raise Untranslated(f"no {language} translation of {text!r} in "
                               f"locale/{language}/LC_MESSAGES/{domain}.po: add it (make translations lists "
                               f"the missing ones)")
        text = table[text]
    return text.format(**fields) if fields else text


def translate_all(words, language, domain):
    """``words`` (key -> English message id) with every value in ``language``; names all missing ones at once."""
    language = language_code(language, domain=domain)
    if language == "en":
        return dict(words)
    table = catalog(domain, language)
    missing = [text for text in words.values() if text not in table]
    if missing:
        raise Untranslated(f"{len(missing)} message(s) without a {language} translation in "
                           f"locale/{language}/LC_MESSAGES/{domain}.po: {missing}")
    return {key: table[text] for key, text in words.items()}
