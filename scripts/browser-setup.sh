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

if ! command -v apt-get >/dev/null 2>&1; then
    echo "browser-setup: chromium is not installed and apt-get is unavailable; install Chromium and set QSEARCH_CHROMIUM" >&2
    exit 1
fi

SUDO=()
if [[ "$(id -u)" != 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo -n)
    else
        echo "browser-setup: need root (or sudo) to apt-get install chromium" >&2
        exit 1
    fi
fi

echo "browser-setup: installing Debian's chromium package …" >&2
export DEBIAN_FRONTEND=noninteractive
# Serialise with other installers (apt's own lock makes a second apt-get fail).
"${SUDO[@]}" apt-get update -qq >&2 || true
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >&2

find_browser || {
    echo "browser-setup: chromium still not found after installing it" >&2
    exit 1
}
