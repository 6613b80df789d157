"""Bibliography labels for entries whose year carries a letter (``year = {2026a}``).

In the author-year citations (``bibtex_reference_style: author_year``)
sphinxcontrib-bibtex prints an entry's ``year`` field as it is, and does not
tell apart two works of one author in one year. The bibliography therefore gives
such works the years ``2026a`` and ``2026b`` (so the text reads "PyTorch
Contributors, 2026a"). pybtex's alpha labels take the last two characters of
the year, which would label them "…6a"; this style takes the last two digits
and then the letter ("…26a"), and is otherwise pybtex's alpha style.
"""

import re

import pybtex.plugin
from pybtex.style.formatting.alpha import Style as AlphaStyle
from pybtex.style.labels.alpha import LabelStyle as AlphaLabelStyle

STYLE_NAME = "alpha_year_letter"
YEAR_WITH_LETTER = re.compile(r"(\d+)([a-z])")


class LabelStyle(AlphaLabelStyle):
    def format_label(self, entry):
        label = super().format_label(entry)
        match = YEAR_WITH_LETTER.fullmatch(entry.fields.get("year", ""))
        if match is None:
            return label
        # The parent appended year[-2:], e.g. "6a"; put the year's last two digits and the letter instead.
        digits, letter = match.groups()
        return label[:-2] + digits[-2:] + letter


class Style(AlphaStyle):
    default_label_style = LabelStyle


def setup(app):
    pybtex.plugin.register_plugin("pybtex.style.formatting", STYLE_NAME, Style, force=True)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
