#!/usr/bin/env bash
# Cost curves at 1×, 10× and 100× the seeds (docs/PERFORMANCE.md).
#
#   scripts/bench-scale.sh [SCALES...]        default: 1 10 100
#
# For each scale N it
#   1. writes the corpus:      qsearch bench-corpus N --out $WORK/corpus-N
#   2. builds the BM25 index:  /usr/bin/time -v qsearch index --no-embed
#                              (wall time and peak RSS of the real CLI process)
#   3. measures every stage:   the `scale` bench (indexer/benches/scale.rs):
#                              parse and tokenizer MB/s, in-process rebuild,
#                              index size, BM25 p50/p99 over benches/queries.txt,
#                              exact vector search over synthetic vectors,
#                              hybrid p50/p99 (real embeddings at 1×; at 10× and
#                              100× the vector cache is pre-filled with synthetic
#                              vectors, so the query embedding, BM25, vector scan
#                              and fusion are real but the ranking is not), and
#                              embedding throughput on a sample (extrapolated)
#   4. runs the Python baseline (scripts/baseline.py: jieba + rank_bm25) over
#      the same records and queries, and scores both on ../shared/eval/dev.jsonl
#      (copy 0 of every corpus is the seeds, so the judgments apply at every N).
#
# Release builds only. Results: $WORK/results.jsonl (one object per scale) and
# $WORK/summary.md. Environment: WORK (default target/bench-scale), REPS (BM25
# passes over the query list, default 5), JUDGMENTS (default ../shared/eval/dev.jsonl),
# SKIP_BUILD=1 to reuse the binaries, PYTHON (default python3).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
WORK="${WORK:-$ROOT/target/bench-scale}"
REPS="${REPS:-5}"
JUDGMENTS="${JUDGMENTS:-$ROOT/../shared/eval/dev.jsonl}"
PYTHON="${PYTHON:-python3}"
SCALES=("$@")
[ ${#SCALES[@]} -eq 0 ] && SCALES=(1 10 100)
mkdir -p "$WORK"

if [ -z "${SKIP_BUILD:-}" ]; then
    if pgrep -x rustc >/dev/null; then
        echo "bench-scale: note: another rustc is running; timings of the build step will be slow" >&2
    fi
    cargo build --release -p qsearch-cli
    cargo bench -p qsearch-indexer --bench scale --no-run
fi
QSEARCH="$ROOT/target/release/qsearch"
SCALE_BIN="$(cargo bench -p qsearch-indexer --bench scale --no-run --message-format=json 2>/dev/null |
    "$PYTHON" -c 'import json,sys
for l in sys.stdin:
    m = json.loads(l)
    if m.get("reason") == "compiler-artifact" and m.get("target", {}).get("name") == "scale" and m.get("executable"):
        print(m["executable"])')"
[ -x "$QSEARCH" ] && [ -x "$SCALE_BIN" ] || { echo "bench-scale: binaries missing" >&2; exit 1; }

if ! "$PYTHON" -c "import sys; sys.path.insert(0, '$ROOT/target/py-baseline'); import jieba, rank_bm25" 2>/dev/null; then
    pip install -q --target "$ROOT/target/py-baseline" -r "$ROOT/scripts/baseline-requirements.txt"
fi

machine="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(free -g | awk '/Mem:/ {print $2}') GB RAM"
echo "bench-scale: $machine" >&2
: > "$WORK/results.jsonl"

for N in "${SCALES[@]}"; do
    corpus="$WORK/corpus-$N"
    data="$WORK/data-$N"
    echo "bench-scale: ${N}× — corpus" >&2
    "$QSEARCH" bench-corpus "$N" --out "$corpus" --seeds "$ROOT/seeds"

    echo "bench-scale: ${N}× — qsearch index --no-embed" >&2
    # A fresh index; the vector cache (content-keyed) is kept across runs.
    rm -rf "$data/index"
    QSEARCH_DATA_DIR="$data" /usr/bin/time -v -o "$WORK/time-$N.txt" \
        "$QSEARCH" index --no-embed --seeds "$corpus" 2> "$WORK/index-$N.log"
    wall="$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$WORK/time-$N.txt")"
    rss_kb="$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time-$N.txt")"

    echo "bench-scale: ${N}× — stages" >&2
    flags=(--rebuild --hybrid --embed-sample 256)
    [ "$N" -gt 1 ] && flags+=(--synthetic-vectors)
    "$SCALE_BIN" --seeds "$corpus" --work "$data" --reps "$REPS" "${flags[@]}" > "$WORK/scale-$N.json"

    echo "bench-scale: ${N}× — eval and Python baseline" >&2
    "$QSEARCH" records --json --seeds "$corpus" 2>/dev/null > "$WORK/records-$N.jsonl"
    QSEARCH_DATA_DIR="$data" "$QSEARCH" eval "$JUDGMENTS" --mode bm25 --json --seeds "$corpus" \
        --results "$WORK/qsearch-results-$N.jsonl" > "$WORK/eval-bm25-$N.json"
    if [ "$N" -eq 1 ]; then
        QSEARCH_DATA_DIR="$data" "$QSEARCH" eval "$JUDGMENTS" --mode hybrid --json --seeds "$corpus" \
            > "$WORK/eval-hybrid-$N.json"
    fi
    "$PYTHON" "$ROOT/scripts/baseline.py" --records "$WORK/records-$N.jsonl" --reps 3 \
        --judgments "$JUDGMENTS" --results "$WORK/baseline-results-$N.jsonl" > "$WORK/baseline-$N.json"

    "$PYTHON" - "$N" "$wall" "$rss_kb" "$WORK" "$machine" >> "$WORK/results.jsonl" <<'EOF'
import json, os, sys
n, wall, rss_kb, work, machine = sys.argv[1:6]
def load(name):
    path = os.path.join(work, name)
    return json.load(open(path)) if os.path.exists(path) else None
seconds = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall.split(":"))))  # [h:]m:ss.cc
print(json.dumps({
    "scale": int(n), "machine": machine, "loadavg_after": open("/proc/loadavg").read().split()[:3],
    "cli_index": {"wall_s": round(seconds, 3), "peak_rss_mb": round(int(rss_kb) / 1024, 1)},
    "stages": load(f"scale-{n}.json"),
    "eval_bm25": load(f"eval-bm25-{n}.json"),
    "eval_hybrid": load(f"eval-hybrid-{n}.json"),
    "baseline": load(f"baseline-{n}.json"),
}, ensure_ascii=False))
EOF
done

# The table of docs/PERFORMANCE.md: one column per scale.
"$PYTHON" - "$WORK/results.jsonl" > "$WORK/summary.md" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def g(d, *p):
    for k in p:
        if not isinstance(d, dict) or k not in d or d[k] is None: return None
        d = d[k]
    return d
def f(x, nd=2):
    if x is None: return "–"
    if isinstance(x, float): return f"{x:.{nd}f}"
    return str(x)
metrics = [
 ("documents", lambda r: r["stages"]["documents"]),
 ("corpus size (MB)", lambda r: f(r["stages"]["bytes"]/1e6,1)),
 ("records", lambda r: r["stages"]["records"]),
 ("distinct passages (embedding texts)", lambda r: g(r["stages"],"unique_passages")),
 ("parse throughput (MB/s, read + extract, in memory)", lambda r: f(r["stages"]["parse_mb_s"],1)),
 ("tokenizer throughput (MB/s)", lambda r: f(r["stages"]["tokenize_mb_s"],1)),
 ("`qsearch index --no-embed` wall time (s)", lambda r: f(r["cli_index"]["wall_s"])),
 ("parse + BM25 index in-process (s)", lambda r: f(g(r["stages"],"build_in_process_s"))),
 ("index on disk, total (MB)", lambda r: f(r["stages"]["index_bytes"]/1e6,1)),
 ("… tantivy files (MB)", lambda r: f(r["stages"]["index_tantivy_bytes"]/1e6,1)),
 ("… records.jsonl (MB)", lambda r: f(r["stages"]["index_records_jsonl_bytes"]/1e6,1)),
 ("peak RSS, `qsearch index --no-embed` (MB)", lambda r: f(r["cli_index"]["peak_rss_mb"],0)),
 ("peak RSS, BM25 engine open + queries (MB)", lambda r: f(g(r["stages"],"peak_rss_serving_bm25_mb"),0)),
 ("engine open, BM25 (s)", lambda r: f(r["stages"]["open_bm25_s"])),
 ("BM25 query p50 (ms)", lambda r: f(g(r["stages"],"bm25","p50_ms"))),
 ("BM25 query p90 (ms)", lambda r: f(g(r["stages"],"bm25","p90_ms"))),
 ("BM25 query p99 (ms)", lambda r: f(g(r["stages"],"bm25","p99_ms"))),
 ("… of which tantivy top-10 collection p99 (ms)", lambda r: f(g(r["stages"],"bm25_breakdown","collect_top10","p99_ms"))),
 ("query embedding p50 / p99 (ms)", lambda r: f"{f(g(r['stages'],'query_embedding','p50_ms'))} / {f(g(r['stages'],'query_embedding','p99_ms'))}"),
 ("vector search k=50, exact scan `ExactIndex` p50 / p99 (ms)", lambda r: f"{f(g(r['stages'],'vector_exact','p50_ms'))} / {f(g(r['stages'],'vector_exact','p99_ms'))}"),
 ("vector search k=50, int8 + exact re-rank `QuantizedIndex` p50 / p99 (ms)", lambda r: f"{f(g(r['stages'],'vector_int8_rerank','p50_ms'))} / {f(g(r['stages'],'vector_int8_rerank','p99_ms'))}"),
 ("… `QuantizedIndex` recall@50 vs exact", lambda r: f(g(r["stages"],"vector_int8_rerank_recall"),3)),
 ("hybrid query p50 (ms, query embedding included)", lambda r: f(g(r["stages"],"hybrid","p50_ms"))),
 ("hybrid query p99 (ms)", lambda r: f(g(r["stages"],"hybrid","p99_ms"))),
 ("peak RSS, hybrid engine open + queries (MB)", lambda r: f(g(r["stages"],"peak_rss_serving_hybrid_mb"),0)),
 ("embedding, input order, batch 16 (passages/s)", lambda r: f(g(r["stages"],"embed_passages_s"),1)),
 ("embedding, sorted by length, batch 16 (passages/s)", lambda r: f(g(r["stages"],"embed_passages_sorted_s"),1)),
 ("embedding all distinct passages, estimate (s)", lambda r: f(g(r["stages"],"embed_unique_estimate_s"),0)),
 ("Python baseline: index build (s)", lambda r: f(g(r["baseline"],"build_s"))),
 ("Python baseline: query p50 / p99 (ms)", lambda r: f"{f(g(r['baseline'],'latency','p50_ms'))} / {f(g(r['baseline'],'latency','p99_ms'))}"),
 ("latency ratio Python / qsearch BM25, p50 / p99", lambda r: f"{g(r['baseline'],'latency','p50_ms')/g(r['stages'],'bm25','p50_ms'):.2f} / {g(r['baseline'],'latency','p99_ms')/g(r['stages'],'bm25','p99_ms'):.2f}"),
 ("dev.jsonl nDCG@10, qsearch BM25", lambda r: f(g(r,"eval_bm25","summary","ALL","ndcg"),3)),
 ("dev.jsonl nDCG@10, qsearch hybrid", lambda r: f(g(r,"eval_hybrid","summary","ALL","ndcg"),3)),
 ("dev.jsonl nDCG@10, Python baseline", lambda r: f(g(r,"baseline","eval","ALL","ndcg"),3)),
]
print("| | " + " | ".join(f"{r['scale']}×" for r in rows) + " |")
print("|---|" + "---:|" * len(rows))
for name, fn in metrics:
    print(f"| {name} | " + " | ".join(str(fn(r)) for r in rows) + " |")
print()
print(f"Machine: {rows[0]['machine']}; load average after each scale: "
      + ", ".join(f"{r['scale']}×: {' '.join(r['loadavg_after'])}" for r in rows))
EOF
cat "$WORK/summary.md"
