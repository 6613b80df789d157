"""Show a library function's code in a chapter, with its long docstring cut to its summary line.

The chapters explain the library's functions next to their code. ``show_source(sl.insert_zeros)``
displays that code, syntax-highlighted, in the web book and in a notebook alike: the docstring
(parameters, examples: 40 to 80 lines) becomes its one-line summary, and the line above the code
names the file that has all of it.

The display is Markdown (a fenced ``python`` block), so Jupyter Book renders it with the book's
own highlighting and JupyterLab with the notebook's; as plain text it is the code alone.
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from pathlib import Path

__all__ = ["source_without_docstring", "show_source", "SourceCode"]


def _summary(docstring):
    """The docstring's first paragraph on one line."""
    paragraph = inspect.cleandoc(docstring).split("\n\n")[0]
    return " ".join(line.strip() for line in paragraph.splitlines())


def _python_source(obj):
    """The source lines of a Python function or class, or a clear error."""
    if not (inspect.isfunction(obj) or inspect.isclass(obj) or inspect.ismethod(obj)):
        raise TypeError(
            f"show_source needs a function or a class defined in Python, got {type(obj).__name__} {obj!r:.60}; "
            "pass the function itself, e.g. show_source(sl.insert_zeros), not the result of calling it"
        )
    try:
        lines, _ = inspect.getsourcelines(obj)
    except (OSError, TypeError) as error:
        raise ValueError(
            f"the source of {obj.__qualname__} cannot be read ({error}); "
            "show_source works for functions defined in a .py file, not in a notebook cell or a compiled module"
        ) from None
    return textwrap.dedent("".join(lines))


def source_without_docstring(obj):
    """The source of a function or class, its docstring replaced by a one-line summary.

    Parameters
    ----------
    obj : function or class
        Defined in a Python file (``inspect.getsource`` must find it).

    Returns
    -------
    str
        The code as written, decorators included; a multi-line docstring becomes
        ``\"\"\"<first paragraph of the docstring>\"\"\"`` on one line. Without a
        docstring the code is returned unchanged.

    Examples
    --------
    >>> from source_lib.four_steps import insert_zeros
    >>> print(source_without_docstring(insert_zeros).splitlines()[1])
        \"\"\"Step 1: insert ``stride - 1`` zeros between neighbouring rows and columns.\"\"\"
    """
    source = _python_source(obj)
    definition = ast.parse(source).body[0]
    first = definition.body[0] if definition.body else None
    if not (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str)):
        return source
    summary = _summary(first.value.value)
    quoted = f'"""{summary}"""' if '"""' not in summary and not summary.endswith(("\\", '"')) else repr(summary)
    lines = source.splitlines()
    indent = lines[first.lineno - 1][: first.col_offset]
    lines[first.lineno - 1 : first.end_lineno] = [indent + quoted]
    return "\n".join(lines) + "\n"


class SourceCode:
    """A function's code as a notebook displays it: Markdown with a fenced ``python`` block."""

    def __init__(self, obj):
        self.code = source_without_docstring(obj)
        self.name = obj.__qualname__
        module = inspect.getmodule(obj)
        path = Path(inspect.getsourcefile(obj))
        package = module.__name__.split(".")[0] if module else ""
        # The path from the package's folder, e.g. source_lib/four_steps.py.
        parts = path.parts
        self.file = "/".join(parts[parts.index(package):]) if package in parts else path.name

    #: The sentence before the code (a message of the catalog figures.po: the words outputs show).
    INTRO = "{name} in {file}, its docstring shortened to the first line (the file has all of it):"

    def markdown(self, language="en"):
        """The Markdown a notebook shows, in ``language``: the sentence naming the function and its file, then the code."""
        import translations

        from .figure_words import DOMAIN

        fence = "`" * max(3, 1 + max((len(run) for run in re.findall("`+", self.code)), default=0))
        intro = translations.translate(self.INTRO, language, DOMAIN, name=f"`{self.name}`", file=f"`{self.file}`")
        return f"{intro}\n\n{fence}python\n{self.code}{fence}\n"

    def _repr_markdown_(self):
        """The Markdown in the reader's language (``$BOOK_LANGUAGE``), the other languages' in its metadata."""
        import translations

        from .figure_words import DOMAIN, book_languages

        texts = {language: self.markdown(language) for language in book_languages()}
        language = translations.language_code(domain=DOMAIN)
        main = texts.pop(language if language in texts else "en")
        return main, {"editions": texts}

    def __repr__(self):
        return self.code


def show_source(obj):
    """Display a function's or class's code with its docstring cut to one line.

    The last line of a cell: ``show_source(sl.insert_zeros)``. Returns a
    :class:`SourceCode`, which Jupyter displays as highlighted code.
    """
    return SourceCode(obj)
