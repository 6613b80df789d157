"""Print the single-page HTML build of the book to a PDF with the system's Chromium.

Usage (``make pdf`` runs it)::

    python book/_ext/print_pdf.py --html _build/singlehtml/print-edition.html \\
        --out _build/pdf/transposed-convolution.en.pdf --lang en

The page is the ``singlehtml`` build made with ``book/_ext/print_edition.py`` (same
sources, same executed outputs as the HTML book). Before printing, this script waits
for MathJax to typeset every formula, then adds a title page and a table of contents
with page numbers, and turns the parts of the table of contents (``_toc.yml``'s
captions) into top-level headings, so the PDF's bookmarks read part > chapter > section
(pypdf then gives each bookmark its heading's exact text). The marker where each chapter's
file starts, the target of the links to that chapter, moves into the chapter's heading (left
between two chapters, it could be given a blank page of its own).
Chromium prints twice: the first PDF tells on which page each heading landed (the page
of the heading's named destination, which each contents row links to), the second
carries those numbers in the table of contents.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the module translations, at the repository's top

CHROMIUM = "/usr/bin/chromium"
MARGIN = {"top": "18mm", "bottom": "20mm", "left": "17mm", "right": "17mm"}
FOOTER = (
    '<div style="font-family: DejaVu Sans, sans-serif; font-size: 9pt; width: 100%; text-align: center;">'
    '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
)
# The words of the title page and the contents (English message ids; the Chinese in
# locale/zh_CN/LC_MESSAGES/print.po, read through the module translations).
TEXTS = {
    "contents": "Contents",
    "edition": "Printed edition",
    "note": "Every number, shape and figure in this book was computed when it was built and checked against "
    "PyTorch. The interactive parts (the explorer, widgets, quizzes) work on the book's website, the HTML "
    "edition: {home}. The same website offers the course bundle {bundle}, to work on the chapters and the "
    "exercises on your own computer.",
    "introduction": "Introduction",
}
# Where the edition's home page and course bundle are on the book's website (relative to its root).
EDITION_FILES = {
    "en": {"home": "index.html", "bundle": "downloads/course-en.zip"},
    "zh": {"home": "zh/index.html", "bundle": "zh/downloads/course-zh_CN.zip"},
}


def texts_for(lang, site_url=""):
    """The title page's and the contents' words in ``lang``, the note naming the website and the bundle.

    ``site_url`` is the website's address (``book_site_url`` in ``_config.yml``); without one, the
    note names the files relative to the website's root.
    """
    from translations import translate_all

    files = EDITION_FILES.get(lang, EDITION_FILES["en"])
    texts = translate_all(TEXTS, "zh_CN" if lang.startswith("zh") else "en", "print")
    address = {key: site_url_join(site_url, path) for key, path in files.items()}
    texts["note"] = texts["note"].format(**address)
    return texts


def site_url_join(site_url, path):
    """``path`` on the website at ``site_url`` (or ``path`` itself when no address is set)."""
    return (site_url.rstrip("/") + "/" + path) if site_url else path


# Every heading that prints (with the print style in place), in order: the bookmarks' titles.
HEADINGS = r"""
() => [...(document.querySelector('article.bd-article') || document.body).querySelectorAll('h1, h2, h3, h4, h5, h6')]
  .filter(h => h.getClientRects().length > 0)
  .map(h => h.textContent.replace(/#$/, '').replace(/\s+/g, ' ').trim())
"""

# Runs in the page: every link that would print as an address on the build machine's disk (a link to
# the single page itself, e.g. index.html#term-stride, or to a figure's file) becomes a link inside the
# PDF (#term-stride) when its target is in the document, and plain text otherwise.
LINKS_INSIDE = r"""
() => {
  let inside = 0, unlinked = 0;
  document.querySelectorAll('a[href]').forEach(a => {
    const url = new URL(a.getAttribute('href'), location.href);
    if (url.protocol !== 'file:') return;
    const id = url.hash ? decodeURIComponent(url.hash.slice(1)) : '';
    if (id && document.getElementById(id)) {
      a.setAttribute('href', '#' + id);
      inside++;
    } else {
      a.removeAttribute('href');
      unlinked++;
    }
  });
  return {inside, unlinked};
}
"""

# Runs in the page, after PREPARE: the empty marker singlehtml writes where each chapter's file starts
# (<span id="document-book/…">, the target of every link to that chapter) moves into the chapter's
# heading. Between two chapters it stood in an empty line of its own, before the next chapter's forced
# page break: links to a chapter landed at the foot of the page before it, and when the margins that
# collapse through that empty line carried it past a page's foot, Chromium gave it a page of its own,
# a blank page before the next chapter (or part). As an empty inline box at the very top of a heading with
# no top margin (the cheat sheet's), Chromium still placed its destination on the page before; as an empty
# inline-block it stands on the heading's line.
MARKERS_INTO_HEADINGS = r"""
() => {
  let moved = 0;
  for (const marker of document.querySelectorAll('span[id^="document-"]')) {
    const section = marker.nextElementSibling;
    if (marker.childNodes.length || !section || section.tagName !== 'SECTION') continue;
    const heading = section.querySelector(':scope > h2.print-chapter, :scope > h1:not(.print-part), :scope > h2');
    if (!heading) continue;
    heading.prepend(marker);
    marker.style.display = 'inline-block';
    moved++;
  }
  return moved;
}
"""

# Runs in the page: title page, parts as headings, the table of contents.
PREPARE = r"""
(texts) => {
  const article = document.querySelector('article.bd-article') || document.querySelector('main') || document.body;
  // part captions and the chapters under each, in the table of contents' order
  // (the theme writes the list more than once; the first caption of each title counts)
  const parts = [];
  for (const caption of document.querySelectorAll('p.caption')) {
    const list = caption.nextElementSibling;
    const hrefs = list ? [...list.querySelectorAll(':scope > li > a[href^="#document-"]')].map(a => a.getAttribute('href')) : [];
    const title = caption.textContent.trim();
    if (hrefs.length && !parts.some(part => part.title === title)) parts.push({title, hrefs});
  }
  const chapterHeading = (anchor) => {
    // the first heading after the document's start marker
    let el = document.getElementById(anchor);
    if (!el) return null;
    const all = [...article.querySelectorAll('h1, h2')].filter(h => !h.classList.contains('print-part'));
    return all.find(h => el.compareDocumentPosition(h) & Node.DOCUMENT_POSITION_FOLLOWING) || null;
  };
  // the root document's title becomes the introduction, at chapter level
  const rootTitle = article.querySelector('h1');
  const bookTitle = rootTitle ? rootTitle.textContent.replace('#', '').trim() : document.title;
  if (rootTitle) {
    const h2 = document.createElement('h2');
    h2.id = 'print-introduction';
    h2.textContent = texts.introduction;
    h2.className = 'print-chapter';
    rootTitle.replaceWith(h2);
  }
  const entries = [];   // {level, text, id}
  let counter = 0;
  const idOf = (el) => { if (!el.id) el.id = 'print-h-' + (counter++); return el.id; };
  const introduction = document.getElementById('print-introduction');
  if (introduction) entries.push({level: 2, text: texts.introduction, id: introduction.id});
  parts.forEach((part, i) => {
    const first = part.hrefs.length ? chapterHeading(part.hrefs[0].replace(/^#/, '')) : null;
    if (!first) return;
    const h1 = document.createElement('h1');
    h1.className = 'print-part';
    h1.id = 'print-part-' + i;
    h1.textContent = part.title;
    first.before(h1);
    entries.push({level: 1, text: part.title, id: h1.id});
    for (const href of part.hrefs) {
      const h = chapterHeading(href.replace(/^#/, ''));
      if (!h) continue;
      h.classList.add('print-chapter');
      entries.push({level: 2, text: h.textContent.replace(/#$/, '').trim(), id: idOf(h)});
      // its sections: the h3 up to the next chapter heading
      const section = h.closest('section');
      if (section) for (const h3 of section.querySelectorAll('h3')) {
        if (h3.closest('section').parentElement.closest('section') !== section) continue;
        entries.push({level: 3, text: h3.textContent.replace(/#$/, '').trim(), id: idOf(h3)});
      }
    }
  });
  // title page
  const front = document.createElement('div');
  front.className = 'print-front';
  const title = document.createElement('div');
  title.className = 'print-title-page';
  for (const name of ['book-title', 'edition', 'author', 'note']) {
    const p = document.createElement('p');
    p.className = 'print-' + name;
    title.appendChild(p);
  }
  title.querySelector('.print-book-title').textContent = bookTitle;
  title.querySelector('.print-edition').textContent = texts.edition;
  // the theme's footer names the authors of _config.yml ("By ...")
  const author = document.querySelector('.component-author');
  title.querySelector('.print-author').textContent = author ? author.textContent.trim() : '';
  title.querySelector('.print-note').textContent = texts.note;
  front.appendChild(title);
  // table of contents (a div with role heading, so it is no bookmark of its own)
  const toc = document.createElement('nav');
  toc.className = 'print-toc';
  const tocTitle = document.createElement('p');
  tocTitle.className = 'print-toc-title';
  tocTitle.textContent = texts.contents;
  toc.appendChild(tocTitle);
  for (const e of entries) {
    const row = document.createElement('a');
    row.className = 'print-toc-l' + e.level;
    row.href = '#' + e.id;
    row.dataset.target = e.id;
    const label = document.createElement('span');
    label.className = 'print-toc-label';
    label.textContent = e.text;
    const page = document.createElement('span');
    page.className = 'print-toc-page';
    page.textContent = '00';
    row.append(label, page);
    toc.appendChild(row);
  }
  front.appendChild(toc);
  article.prepend(front);
  return entries;
}

"""

STYLE = """
@media print {
  .print-title-page { height: 240mm; display: flex; flex-direction: column; justify-content: center; break-after: page; }
  .print-book-title { font-size: 26pt; font-weight: bold; margin-bottom: 0.4em; }
  .print-edition { font-size: 15pt; }
  .print-author { font-size: 12pt; margin-top: 2em; }
  .print-note { font-size: 10pt; margin-top: 4em; color: #444; }
  .print-toc { break-after: page; }
  .print-toc-title { font-size: 20pt; font-weight: bold; margin-bottom: 0.8em; }
  .print-toc a { display: flex; gap: 0.5em; color: inherit; text-decoration: none; break-inside: avoid; }
  .print-toc-label { flex: 1; }
  .print-toc-page { min-width: 2.5em; text-align: right; font-variant-numeric: tabular-nums; }
  .print-toc-l1 { font-weight: bold; margin-top: 0.8em; }
  .print-toc-l2 { margin-left: 1em; margin-top: 0.25em; }
  .print-toc-l3 { margin-left: 2.5em; font-size: 0.9em; }
  /* (sphinx-book-theme's print style hides an article's first h1, the page title it repeats) */
  .bd-main .bd-content .bd-article h1.print-part { display: block !important; }
  h1.print-part { break-before: page; font-size: 24pt; margin-top: 30%; }
  h2.print-chapter { break-before: page; }
  h1.print-part + * h2.print-chapter, h1.print-part + h2.print-chapter { break-before: avoid; }
}
"""


def _pages_of(pdf, entries):
    """The page on which each heading starts: the page of its named destination in the PDF.

    Chromium writes a named destination for every element with an id that a link points to,
    and each row of the contents links to its heading.
    """
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    destinations = reader.named_destinations
    numbers = []
    for entry in entries:
        destination = destinations.get("/" + entry["id"]) or destinations.get(entry["id"])
        numbers.append("" if destination is None else str(reader.get_destination_page_number(destination) + 1))
    return numbers


def _retitle_bookmarks(pdf, headings):
    """Give the bookmarks their headings' text.

    Chromium titles a bookmark with the text it laid out for the heading: a heading that
    moved to the next page (it never ends a page) comes out twice, and formulas are lost.
    The bookmarks are the printed headings in order, so each takes its heading's text.
    """
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter(clone_from=str(pdf))
    root = writer.root_object.get("/Outlines")

    def items(node):
        item = node.get_object().get("/First")
        while item is not None:
            item = item.get_object()
            yield item
            yield from items(item)
            item = item.get("/Next")

    bookmarks = list(items(root)) if root is not None else []
    if len(bookmarks) != len(headings):
        print(f"warning: {len(bookmarks)} bookmarks for {len(headings)} headings; their titles are left as they are",
              file=sys.stderr)
        return
    for item, title in zip(bookmarks, headings):
        item[NameObject("/Title")] = TextStringObject(title)
    writer.write(str(pdf))


def print_pdf(html, out, lang):
    from playwright.sync_api import sync_playwright

    out.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.emulate_media(media="print")
            page.goto(html.resolve().as_uri(), wait_until="load")
            page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=60_000)
            page.evaluate("() => MathJax.startup.promise")
            page.evaluate("() => document.fonts.ready")
            site_url = page.evaluate("() => (document.querySelector('meta[name=book-site-url]') || {}).content || ''")
            texts = texts_for(lang, site_url)
            entries = page.evaluate(PREPARE, texts)
            page.evaluate(MARKERS_INTO_HEADINGS)
            page.evaluate(LINKS_INSIDE)
            page.add_style_tag(content=STYLE)
            headings = page.evaluate(HEADINGS)
            options = dict(
                format="A4",
                margin=MARGIN,
                print_background=True,
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=FOOTER,
                outline=True,
                tagged=True,
            )
            with tempfile.TemporaryDirectory() as tmp:
                draft = Path(tmp) / "draft.pdf"
                page.pdf(path=str(draft), **options)
                numbers = _pages_of(draft, entries)
            page.evaluate(
                """(numbers) => {
                  document.querySelectorAll('.print-toc-page').forEach((el, i) => { el.textContent = numbers[i]; });
                }""",
                numbers,
            )
            page.pdf(path=str(out), **options)
        finally:
            browser.close()
    _retitle_bookmarks(out, headings)
    missing = [e["text"] for e, n in zip(entries, numbers) if not n]
    print(f"printed {out} ({len(entries)} contents entries) in {time.monotonic() - started:.1f} s")
    if missing:
        print(f"warning: no page found for {missing}", file=sys.stderr)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, required=True, help="the singlehtml build's _build/singlehtml/print-edition.html")
    parser.add_argument("--out", type=Path, required=True, help="the PDF to write")
    parser.add_argument("--lang", default="en", help="the edition's language (en, zh): texts of the title page")
    args = parser.parse_args(argv)
    if not args.html.is_file():
        parser.error(f"{args.html} does not exist: build the single-page HTML first (make pdf does)")
    if not Path(CHROMIUM).exists():
        parser.error(f"{CHROMIUM} not found: run scripts/install-system-deps.sh as root (apt-get install chromium)")
    print_pdf(args.html, args.out, args.lang)


if __name__ == "__main__":
    main()
