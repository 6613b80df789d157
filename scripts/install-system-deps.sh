#!/usr/bin/env bash
# Installs the Debian packages the tests and the printable edition need:
#   chromium          the browser tests, and `make pdf` prints the book with it
#   bubblewrap        the grading sandbox
#   postgresql        the test that grades into a real PostgreSQL server
#   fonts-noto-cjk    Chinese text in the book's figures (matplotlib's font fallback)
#   poppler-utils     pdftotext, pdffonts, pdfinfo: the PDF tests read the printed book with them
#   nodejs            runs the browser explorer's compute core without a page (tests/book/test_explorer_core.py)
#   fonts-wqy-microhei  Chinese glyphs (the English edition names the Chinese terms too), a TrueType
#                     font, which Chromium embeds in the PDF as a named font
# As root it uses apt-get; otherwise it says what to run. Nothing happens when
# everything is already there (a few tests of files and commands, well under a second).
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null 2>&1 || missing+=(postgresql)
ls /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing+=(fonts-wqy-microhei)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian packages: ${missing[*]}"
    # Another apt-get may hold the dpkg lock; wait for it rather than fail.
    apt_opts=(-o DPkg::Lock::Timeout=300)
    apt-get "${apt_opts[@]}" update -qq
    DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    exit 0
fi

echo "missing system packages: ${missing[*]}" >&2
echo "install them with: sudo apt-get install ${missing[*]}   (Debian/Ubuntu)" >&2
if [ -n "${CI:-}" ]; then
    exit 1
fi
echo "continuing: the tests that need them will be skipped and say so" >&2
