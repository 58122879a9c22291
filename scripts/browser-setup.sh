#!/usr/bin/env bash
# Installs headless Chromium (Debian's `chromium` package) for tests/browser.rs
# when it is not already on PATH. Prints the browser's path on success.
#
#   scripts/browser-setup.sh            # install if absent
#   QSEARCH_CHROMIUM=/path/to/chromium  # use this browser instead
set -euo pipefail

find_browser() {
    if [[ -n "${QSEARCH_CHROMIUM:-}" && -x "${QSEARCH_CHROMIUM}" ]]; then
        echo "${QSEARCH_CHROMIUM}"
        return 0
    fi
    local name
    for name in chromium chromium-browser; do
        if command -v "$name" >/dev/null 2>&1; then
            command -v "$name"
            return 0
        fi
    done
    return 1
}

if find_browser; then
    exit 0
fi

"$(dirname "$0")/apt-install.sh" browser-setup chromium fonts-noto-cjk

find_browser || {
    echo "browser-setup: chromium still not found after installing it" >&2
    exit 1
}
