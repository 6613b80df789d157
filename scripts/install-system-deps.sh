#!/usr/bin/env bash
# Installs the Debian packages the tests need: chromium (the browser tests),
# bubblewrap (the grading sandbox), postgresql (the gradebook-server test) and fonts-noto-cjk
# (Chinese text in figures). As root it uses apt-get; otherwise it says
# what to run. Nothing happens when both are already there.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null 2>&1 || missing+=(postgresql)
ls /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    exit 0
fi

echo "missing system packages: ${missing[*]}" >&2
echo "install them with: sudo apt-get install ${missing[*]}   (Debian/Ubuntu)" >&2
if [ -n "${CI:-}" ]; then
    exit 1
fi
echo "continuing: the tests that need them will be skipped and say so" >&2
