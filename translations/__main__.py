"""``python -m translations``: the messages of the word catalogs that still need a translator (``make translations``).

Lists, for every ``locale/<language>/LC_MESSAGES/<domain>.po`` (the words outside the book's pages), the
messages that are untranslated (empty) or marked fuzzy; such a message is shown in English, or refused
(:class:`translations.Untranslated`) where the code asks for it. The exit status is 0 either way: this is a
report (the tests fail on a message the code uses that has no translation).
"""

from __future__ import annotations

import sys

from . import LOCALE_DIR, _messages


def report(out=sys.stdout):
    """Write the report to ``out``; return the number of messages that need a translator."""
    waiting = 0
    for path in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po")):
        messages = _messages(path)
        todo = [(msgid, "fuzzy" if fuzzy else "untranslated") for msgid, msgstr, fuzzy in messages
                if fuzzy or not msgstr]
        waiting += len(todo)
        out.write(f"{path.relative_to(LOCALE_DIR.parent) if LOCALE_DIR.parent in path.parents else path}: "
                  f"{len(messages)} messages, {len(todo)} to translate\n")
        out.writelines(f"  {state}: {msgid!r}\n" for msgid, state in todo)
    return waiting


if __name__ == "__main__":
    report()
