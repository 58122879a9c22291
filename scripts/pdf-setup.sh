#!/usr/bin/env bash
# Installs poppler's pdftotext (Debian's `poppler-utils`), which qsearch's
# PDF reader runs to get each word of a PDF with its position, when it is
# not already on PATH. Prints its path on success.
set -euo pipefail

if command -v pdftotext >/dev/null 2>&1; then
    command -v pdftotext
    exit 0
fi
"$(dirname "$0")/apt-install.sh" pdf-setup poppler-utils
command -v pdftotext || {
    echo "pdf-setup: pdftotext still not found after installing poppler-utils" >&2
    exit 1
}
