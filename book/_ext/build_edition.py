"""Build a translated edition of the book, or extract the English messages to translate.

Jupyter Book 1 builds one language. This script makes the Sphinx configuration
from ``_config.yml`` exactly as ``jupyter-book build`` does, changes only what a
second language needs, and runs Sphinx:

    python book/_ext/build_edition.py html zh_CN    # the Chinese edition: _build/zh_CN/html, copied to _build/html/zh
    python book/_ext/build_edition.py gettext       # the message templates into _build/gettext
    python book/_ext/build_edition.py singlehtml zh_CN   # one page for the PDF: _build/zh_CN/singlehtml

Both share the English build's execution cache (``_build/.jupyter_cache``), so a
chapter runs once for every language; each keeps its own doctrees, because a
doctree holds the translated text.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BUILD = REPO / "_build"
sys.path.insert(0, str(Path(__file__).resolve().parent))

from editions import DOMAIN, EDITIONS, write_search_dictionary  # noqa: E402

from translations import translate  # noqa: E402  (editions put the repository's top on the path)

# What each language changes besides the language itself: the fold buttons of code cells, whose
# words (English message ids) are translated from locale/<lang>/LC_MESSAGES/edition.po.
LANGUAGE_OVERRIDES = {
    "zh_CN": {
        "nb_code_prompt_show": "Show code",
        "nb_code_prompt_hide": "Hide code",
    },
}


def _overrides(language: str | None) -> dict:
    overrides = {
        "external_toc_path": str(REPO / "_toc.yml"),
        "latex_individualpages": False,
        "nitpicky": True,
        "nb_execution_cache_path": str(BUILD / ".jupyter_cache"),
    }
    if language:
        overrides["language"] = language
        overrides.update({key: translate(text, language, DOMAIN) for key, text in LANGUAGE_OVERRIDES.get(language, {}).items()})
    if language and language.startswith("zh"):
        # Sphinx splits Chinese text into words with jieba; the glossary's terms are words too.
        dictionary = write_search_dictionary(BUILD / f"search-dictionary-{language}.txt")
        overrides["html_search_options"] = {"dict": str(dictionary)}
    return overrides


def build(builder: str, language: str | None = None, force_all: bool = False) -> int:
    from jupyter_book.sphinx import build_sphinx

    if builder == "gettext":
        outdir, doctrees = BUILD / "gettext", BUILD / ".doctrees-gettext"
    elif builder == "html" and language in EDITIONS and EDITIONS[language]["folder"]:
        # Built beside the English edition (myst-nb writes its images next to the
        # output folder) and then copied into it, so that _build/html/zh/ is the edition.
        outdir = BUILD / language / "html"
        doctrees = BUILD / language / ".doctrees"
    elif builder == "singlehtml" and language in EDITIONS and EDITIONS[language]["folder"]:
        # The whole edition as one page, for its PDF (mk/pdf.mk, book/_ext/print_edition.py).
        outdir = BUILD / language / "singlehtml"
        doctrees = BUILD / language / ".doctrees"  # shared with the HTML edition: the pages are read once
    else:
        known = ", ".join(lang for lang, e in EDITIONS.items() if e["folder"])
        print(f"usage: build_edition.py html|singlehtml LANGUAGE | gettext   (LANGUAGE is one of: {known})",
              file=sys.stderr)
        return 2
    result = build_sphinx(
        REPO,
        outdir,
        use_external_toc=True,
        noconfig=True,
        path_config=str(REPO / "_config.yml"),
        confoverrides=_overrides(language),
        doctreedir=doctrees,
        builder=builder,
        warningiserror=True,
        keep_going=True,
        force_all=force_all,
    )
    status = 1 if isinstance(result, Exception) else int(result or 0)
    if builder == "html" and status == 0:
        target = BUILD / "html" / EDITIONS[language]["folder"]
        if target.is_symlink() or target.is_file():
            target.unlink()
        elif target.exists():
            shutil.rmtree(target)
        shutil.copytree(outdir, target)
    return status


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--all"]
    sys.exit(build(args[0] if args else "", args[1] if len(args) > 1 else None, force_all="--all" in sys.argv))
