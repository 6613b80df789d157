"""The class report as one self-contained HTML page: escaped text, embedded charts, no script, no URL.

Every word comes from :func:`say` (English message ids, translated from the gettext catalog
``locale/<lang>/LC_MESSAGES/report.po``). Everything that came from a submission — student
ids, statuses' reasons, failure messages — is escaped text (:func:`grading.inert.escape`),
so a submission cannot add markup or script to the page; a Content-Security-Policy forbids
scripts and every network access as a second layer.
"""

from __future__ import annotations

from ..inert import clean, escape
from .charts import pass_rates, score_histogram

DOMAIN = "report"

STYLE = """
body { font: 15px/1.45 sans-serif; max-width: 62em; margin: 1em auto; padding: 0 1em; color: #222; }
h1 { border-bottom: 2px solid #444; } h2 { border-bottom: 1px solid #999; margin-top: 2em; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
th, td { border: 1px solid #bbb; padding: 0.2em 0.5em; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
pre { white-space: pre-wrap; word-break: break-word; background: #f4f4f4; padding: 0.3em; margin: 0.2em 0;
      max-height: 18em; overflow: auto; unicode-bidi: isolate; }
code, .id { unicode-bidi: isolate; }
.note { color: #555; font-style: italic; }
figure { margin: 0.5em 0; } figcaption { font-size: 0.9em; color: #444; }
img { max-width: 100%; }
@media print {
  body { max-width: none; font-size: 11pt; } h2 { break-before: page; } h2:first-of-type { break-before: auto; }
  table, figure, pre { break-inside: avoid; } pre { max-height: none; overflow: visible; }
}
"""

WRITTEN = ("Written {when} from the gradebook, the grader's records and the feedback. It shows hidden tests and "
           "every student: for teachers only.")
FROM_NOTEBOOKS = ("{count} submissions were graded before the grader recorded each test cell: their failures are "
                  "read from the graded notebooks, where a failed hidden test shows no message.")
GROUPED = ("Failed test cells grouped by what failed; a test cell stops at its first failed check, so each failure "
           "is one student and one test cell.")

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


class Words:
    """The report's words in one language: ``words("text {n}", n=3)``."""

    def __init__(self, language):
        from translations import language_code

        self.language = language_code(language, domain=DOMAIN)

    def __call__(self, text, **fields):
        from translations import translate

        return translate(text, self.language, DOMAIN, **fields)

    def html(self, text, **fields):
        """The translated text with ``fields`` escaped (the text itself is the catalog's, escaped too)."""
        return escape(self(text, **{k: v for k, v in fields.items()}))


def _n(value):
    if value is None:
        return "—"
    value = float(value)
    return f"{value:g}" if value == int(value) else f"{value:.2f}"


def _percent(part, whole):
    return f"{100 * part / whole:.0f}%" if whole else "—"


def _table(header, rows, numeric=()):
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(
        f'<td class="n">{escape(str(cell))}</td>' if i in numeric else f"<td>{cell}</td>"
        for i, cell in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _id(text):
    return f'<span class="id">{escape(clean(str(text)))}</span>'


STATUS_WORDS = ("graded", "not graded", "no notebook", "not submitted")  # grades.csv's statuses


def _status(w, status):
    return w(status if status in STATUS_WORDS else "not graded")


def page(all_numbers, language, course_title, written_at):
    """The whole page (a str)."""
    w = Words(language)
    lang = "zh-CN" if w.language == "zh_CN" else "en"
    parts = [f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">',
             f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{w.html('Class report: {course}', course=course_title)}</title><style>{STYLE}</style>",
             f"</head><body><h1>{w.html('Class report: {course}', course=course_title)}</h1>",
             f"<p class=\"note\">{w.html(WRITTEN, when=written_at)}</p>"]
    if not all_numbers:
        parts.append(f"<p>{w.html('This course has no assignment.')}</p>")
    else:
        parts.append("<nav><ol>" + "".join(f'<li><a href="#{escape(n.name)}">{escape(n.name)}</a></li>'
                                           for n in all_numbers) + "</ol></nav>")
    for numbers in all_numbers:
        parts.append(section(w, numbers))
    parts.append("</body></html>\n")
    return "\n".join(parts)


def section(w, n):
    out = [f'<section id="{escape(n.name)}"><h2>{escape(n.name)}</h2>']
    out.append(_summary(w, n))
    if not n.counts["graded"]:
        if n.submitted:
            out.append(f"<p><strong>{w.html('No submission of this assignment could be graded.')}</strong> "
                       f"{w.html('Each one and why are listed above; fix them and grade again.')}</p>")
        else:
            out.append(f"<p><strong>{w.html('No submission of this assignment has been graded yet.')}</strong> "
                       f"{w.html('Run make grade ASSIGNMENT={name} after collecting them.', name=n.name)}</p>")
        out.append(_timing(w, n) if n.times else "")
        out.append("</section>")
        return "\n".join(out)
    out.append(_distribution(w, n))
    out.append(_cells(w, n))
    out.append(_failures(w, n))
    out.append(_parameters(w, n))
    out.append(_timing(w, n))
    out.append("</section>")
    return "\n".join(out)


def _summary(w, n):
    stats = n.stats.get("scores", {})
    rows = [
        (w.html("maximum score"), _n(n.max_score)),
        (w.html("submitted"), n.submitted),
        (w.html("graded"), n.counts["graded"]),
        (w.html("graded, with a feedback page"), n.feedback),
        (w.html("not graded"), n.counts["not graded"]),
        (w.html("no notebook"), n.counts["no notebook"]),
        (w.html("not submitted"), n.counts["not submitted"]),
    ]
    if stats:
        rows += [(w.html("mean score"), _n(stats["mean"])), (w.html("median score"), _n(stats["median"])),
                 (w.html("lowest score"), _n(stats["min"])), (w.html("highest score"), _n(stats["max"]))]
    html = [f"<h3>{w.html('Summary')}</h3>", _table([w("what"), w("students")], rows, numeric=(1,))]
    if n.unfinished:
        html.append(f"<h4>{w.html('Submitted but not graded')}</h4>")
        html.append(_table([w("student"), w("status"), w("why")],
                           [(_id(s), escape(_status(w, status)), f"<pre>{escape(clean(why))}</pre>" if why else "")
                            for s, status, why in n.unfinished]))
    if n.missing:
        html.append(f"<p>{w.html('Not submitted ({count}):', count=len(n.missing))} "
                    + ", ".join(_id(s) for s in n.missing) + "</p>")
    return "\n".join(html)


def _distribution(w, n):
    image = score_histogram(n.distribution, n.max_score)
    caption = w("Students per score (0 to {most}); {count} graded submissions.", most=_n(n.max_score),
                count=len(n.scores))
    rows = [(_n(score), count) for score, count in n.distribution]
    return (f"<h3>{w.html('Score distribution')}</h3><figure><img src=\"{image}\" alt=\"{escape(caption)}\">"
            f"<figcaption>{escape(caption)}</figcaption></figure>"
            + _table([w("score"), w("students")], rows, numeric=(0, 1)))


def _cells(w, n):
    image = pass_rates(n.cells)
    caption = w("Per test cell, in the notebook's order: light bar, the share of graded submissions that passed "
                "its visible tests; dark bar, the share that passed the whole cell (hidden tests included).")
    rows = []
    for r in n.cells:
        hidden = (f"{r['passed']} ({_percent(r['passed'], r['graded'])})" if r["hidden"] else w("no hidden tests"))
        rows.append((f"<code>{escape(r['cell'])}</code>", _n(r["points"]), r["graded"],
                     f"{r['passed_visible']} ({_percent(r['passed_visible'], r['graded'])})", escape(hidden),
                     f"{r['passed']} ({_percent(r['passed'], r['graded'])})", r["failed_unknown"]))
    note = ""
    if n.failures_from_notebooks:
        note = (f"<p class=\"note\">{w.html(FROM_NOTEBOOKS, count=n.failures_from_notebooks)}</p>")
    return (f"<h3>{w.html('Test cells')}</h3><figure><img src=\"{image}\" alt=\"{escape(caption)}\">"
            f"<figcaption>{escape(caption)}</figcaption></figure>"
            + _table([w("test cell"), w("points"), w("graded"), w("passed the visible tests"),
                      w("passed the hidden tests too"), w("passed"), w("failed, part not recorded")],
                     rows, numeric=(1, 2, 3, 4, 5, 6)) + note)


def _failures(w, n):
    if not n.groups:
        return f"<h3>{w.html('Commonest failures')}</h3><p>{w.html('No test cell failed.')}</p>"
    rows = []
    for g in n.groups:
        what = w(g.kind[0], **g.kind[1])
        hint = ""
        if g.hint:
            from ..checks.hints import HINTS_ZH

            text = HINTS_ZH.get(g.hint, g.hint) if w.language == "zh_CN" else g.hint
            hint = f"<br>{w.html('Hint')}: <code>{escape(text)}</code>"
        part = w("hidden") if g.part == "hidden" else w("visible")
        example = (f"{w.html('example, from {student}:', student=clean(g.example_student))}"
                   f"<pre>{escape(clean(g.example))}</pre>") if g.example else ""
        rows.append((f"<code>{escape(g.cell)}</code><br>{escape(part)}", f"{escape(what)}{hint}", g.count,
                     len(g.students), example))
    return (f"<h3>{w.html('Commonest failures')}</h3><p>{w.html(GROUPED)}</p>"
            + _table([w("test cell"), w("what failed"), w("failures"), w("students"), w("one example")], rows,
                     numeric=(2, 3)))


def _parameters(w, n):
    title = f"<h3>{w.html('Settings the failing configurations share')}</h3>"
    if not n.configurations:
        return title + f"<p>{w.html('No failure names a configuration.')}</p>"
    rows = [(escape(w(label)), f"{count} / {n.configurations} ({_percent(count, n.configurations)})",
             f"{students} / {n.configuration_students}") for _, label, count, students in n.parameters]
    intro = w.html("{count} failing configurations ({students} students) name their call; how many of them have each "
                   "setting (a setting the call does not name has its default: stride 1, no padding, ...).",
                   count=n.configurations, students=n.configuration_students)
    return title + f"<p>{intro}</p>" + (_table([w("setting"), w("failing configurations"), w("students")], rows)
                                        if rows else f"<p>{w.html('None of the settings listed here.')}</p>")


def _timing(w, n):
    stats = n.stats.get("seconds", {})
    if not stats:
        return f"<h3>{w.html('Time per submission')}</h3><p>{w.html('No grading time was recorded.')}</p>"
    intro = w.html("Seconds to grade one submission: mean {mean}, median {median}, longest {most} ({count} submissions).",
                   mean=_n(stats["mean"]), median=_n(stats["median"]), most=_n(stats["max"]), count=len(n.times))
    rows = [(_id(student), escape(_status(w, status)), _n(seconds)) for student, status, seconds in n.times[:5]]
    return (f"<h3>{w.html('Time per submission')}</h3><p>{intro}</p><h4>{w.html('The slowest')}</h4>"
            + _table([w("student"), w("status"), w("seconds")], rows, numeric=(2,)))
