#!/usr/bin/env bash
# The project's test command (README, .ci/run): provisions the embedding
# model the way the CLI does (cached after the first run), installs the
# browser for the page test and poppler's pdftotext for PDFs when missing,
# checks formatting and lints, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/fetch-model.sh --model me5-small
if [ -x scripts/browser-setup.sh ]; then
  scripts/browser-setup.sh || echo "qsearch: browser set-up failed; the browser test will say why" >&2
fi
scripts/pdf-setup.sh || echo "qsearch: poppler-utils set-up failed; the PDF tests will say why" >&2
cargo fmt --all --check
cargo clippy --workspace --all-targets -- -D warnings
cargo build --workspace
cargo test --workspace -- --test-threads 2
