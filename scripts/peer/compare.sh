#!/usr/bin/env bash
# qsearch against the Python peer (scripts/peer/server.py), alternating runs
# of scripts/load-test.sh in one session (docs/PERFORMANCE.md, "A Python
# peer"). Before each run it waits (up to MAX_WAIT seconds) while the
# 1-minute load average is above MAX_LOAD, and records the load before and
# after the run. Results: one TSV line per run in $OUT (and on stdout).
#
#   QSEARCH_BIN=/tmp/qsearch-after scripts/peer/compare.sh
#   ROUNDS=1 DURATION=5s SCENARIOS=zipf-bm25 QSEARCH_BIN=… scripts/peer/compare.sh
#
# Scenarios: bench-nocache (bench list, hybrid, every query embedded and
# searched: the peer's --query-cache-size 1, qsearch's
# QSEARCH_QUERY_CACHE_SIZE=1 and QSEARCH_RESPONSE_CACHE_SIZE=0, which
# binaries from before those caches ignore), distinct-hybrid and
# distinct-bm25 (the bench queries asked of 27 cities, none repeated, caches
# on: what no cache helps, for any build), zipf-hybrid and zipf-bm25
# (caches on).
# Configurations: qsearch (QSEARCH_BIN serve, --data-dir a fresh copy of
# data/index and data/embeddings), qsearch-s2 (the same, --embed-sessions 2),
# either with @BIN for another binary (qsearch@/tmp/qsearch-before),
# peer-w1 / peer-w2 (1 or 2 uvicorn workers, 2 intra-op threads each) and
# peer-w2t1 (2 workers × 1 thread).
set -euo pipefail
cd "$(dirname "$0")/../.."

ROUNDS=${ROUNDS:-2}
DURATION=${DURATION:-15s}
SCENARIOS=${SCENARIOS:-"distinct-hybrid distinct-bm25 zipf-hybrid zipf-bm25"}
CONFIGS=${CONFIGS:-"qsearch peer-w1 peer-w2"}
MAX_LOAD=${MAX_LOAD:-1.5}
MAX_WAIT=${MAX_WAIT:-240}
BIN=${QSEARCH_BIN:-target/release/qsearch}
OUT=${OUT:-target/load/compare-$(date +%Y%m%d-%H%M%S).tsv}
[[ -x "$BIN" ]] || { echo "compare: no qsearch binary at $BIN (set QSEARCH_BIN)" >&2; exit 1; }
mkdir -p "$(dirname "$OUT")"

DATA=$(mktemp -d /tmp/qsearch-compare.XXXX)
trap 'rm -rf "$DATA"' EXIT
cp -r data/index data/embeddings "$DATA/"
ln -s "$PWD/data/models" "$DATA/models"

load1() { cut -d' ' -f1 /proc/loadavg; }
# Share of both cores busy over 5 s (everyone's work, not only ours).
busy() {
    local a b
    a=$(awk '/^cpu / {print $2+$3+$4+$7+$8, $5+$6}' /proc/stat)
    sleep 5
    b=$(awk '/^cpu / {print $2+$3+$4+$7+$8, $5+$6}' /proc/stat)
    awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " ");
        u = y[1] - x[1]; i = y[2] - x[2]; printf "%.0f%%\n", (u + i) ? 100 * u / (u + i) : 0 }'
}
wait_quiet() {
    local waited=0
    while awk -v l="$(load1)" -v m="$MAX_LOAD" 'BEGIN { exit !(l > m) }' && (( waited < MAX_WAIT )); do
        sleep 10
        waited=$((waited + 10))
    done
    echo "$waited"
}

printf 'round\tscenario\tconfig\tmode\treq/s\tp50_ms\tp99_ms\terrors\tpeak_rss_mib\tload_before\tload_after\twaited_s\tcpu_busy_before\n' | tee "$OUT"
for round in $(seq 1 "$ROUNDS"); do
    for scenario in $SCENARIOS; do
        case $scenario in
            bench-nocache) queries=bench mode=hybrid nocache=1 ;;
            distinct-hybrid) queries=distinct mode=hybrid nocache="" ;;
            distinct-bm25) queries=distinct mode=bm25 nocache="" ;;
            zipf-hybrid) queries=zipf mode=hybrid nocache="" ;;
            zipf-bm25) queries=zipf mode=bm25 nocache="" ;;
            *) echo "compare: unknown scenario $scenario" >&2; exit 1 ;;
        esac
        for config in $CONFIGS; do
            bin=$BIN
            [[ "$config" == *@* ]] && bin=${config#*@}
            case ${config%%@*} in
                qsearch) vars=(${nocache:+QSEARCH_QUERY_CACHE_SIZE=1 QSEARCH_RESPONSE_CACHE_SIZE=0}) args=(--data-dir "$DATA") ;;
                qsearch-s2) vars=(${nocache:+QSEARCH_QUERY_CACHE_SIZE=1 QSEARCH_RESPONSE_CACHE_SIZE=0}) args=(--data-dir "$DATA" --embed-sessions 2) ;;
                peer-w1) vars=(PEER=1 PEER_WORKERS=1) args=(${nocache:+--query-cache-size 1}) ;;
                peer-w2) vars=(PEER=1 PEER_WORKERS=2) args=(${nocache:+--query-cache-size 1}) ;;
                peer-w2t1) vars=(PEER=1 PEER_WORKERS=2) args=(--threads 1 ${nocache:+--query-cache-size 1}) ;;
                *) echo "compare: unknown configuration $config" >&2; exit 1 ;;
            esac
            waited=$(wait_quiet)
            cpu=$(busy)
            before=$(load1)
            log="target/load/compare-last.txt"
            env "${vars[@]}" QSEARCH_BIN="$bin" MODES=$mode QUERIES=$queries DURATION=$DURATION \
                scripts/load-test.sh "${args[@]}" > "$log" 2>&1 || true
            after=$(load1)
            row=$(awk -v m="$mode" '$1 == m && NF == 7' "$log" | tail -n 1)
            rss=$(sed -n 's/.*peak RSS.*: \([0-9]*\) MiB; now.*/\1/p' "$log" | tail -n 1)
            if [[ -z "$row" ]]; then
                echo "compare: $config $scenario failed; see $log" >&2
                tail -n 20 "$log" >&2
                continue
            fi
            read -r _ _ rps p50 p99 _ errors <<<"$row"
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$scenario" "$config" "$mode" \
                "$rps" "$p50" "$p99" "$errors" "${rss:-?}" "$before" "$after" "$waited" "$cpu" | tee -a "$OUT"
        done
    done
done
echo "compare: results in $OUT" >&2
