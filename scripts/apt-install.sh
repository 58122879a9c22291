#!/usr/bin/env bash
# Installs Debian packages for the test set-up scripts (browser-setup.sh,
# pdf-setup.sh): as root, or through `sudo -n`; one clear error otherwise.
#
#   scripts/apt-install.sh NAME PACKAGE...   # NAME prefixes the messages
set -euo pipefail
name=$1
shift
if ! command -v apt-get >/dev/null 2>&1; then
    echo "$name: apt-get is unavailable; install $* yourself" >&2
    exit 1
fi
SUDO=()
if [[ "$(id -u)" != 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo -n)
    else
        echo "$name: need root (or sudo) to apt-get install $*" >&2
        exit 1
    fi
fi
echo "$name: installing Debian's $* …" >&2
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq >&2 || true
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "$@" >&2
