"""bookkit: the book's machinery around the reference library :mod:`source_lib`.

:mod:`source_lib` computes transposed convolution in numpy; this package presents
it, in the chapters and in their notebooks:

- :mod:`bookkit.plotting`: the figures, and the tables and numbers the chapters show;
- :mod:`bookkit.quiz`: the self-check questions at the end of a chapter (its script
  and style are package data, ``bookkit/static/``);
- :mod:`bookkit.showsource`: a library function's code, shown without its docstring;
- :mod:`bookkit.explain`: the one-line sentence for a configuration torch refuses;
- :mod:`bookkit.explorer`: the interactive explorers (notebook widgets, the browser
  explorer's spec) and their words in each edition's language;
- :mod:`bookkit.generation`: a number for the checkerboard in the generation chapter's images.

It imports :mod:`source_lib` through its public names only; :mod:`source_lib`
never imports this package.
"""

__version__ = "0.1.0"
