#!/usr/bin/env bash
# Installs poppler's pdftotext (Debian's `poppler-utils`), which qsearch's
# PDF reader runs to get each word of a PDF with its position, when it is
# not already on PATH. Prints its path on success.
set -euo pipefail

if command -v pdftotext >/dev/null 2>&1; then
    command -v pdftotext
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "pdf-setup: pdftotext is not installed and apt-get is unavailable; install poppler-utils" >&2
    exit 1
fi
SUDO=()
if [[ "$(id -u)" != 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo -n)
    else
        echo "pdf-setup: need root (or sudo) to apt-get install poppler-utils" >&2
        exit 1
    fi
fi
echo "pdf-setup: installing Debian's poppler-utils package …" >&2
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq >&2 || true
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends poppler-utils >&2
command -v pdftotext || {
    echo "pdf-setup: pdftotext still not found after installing poppler-utils" >&2
    exit 1
}
