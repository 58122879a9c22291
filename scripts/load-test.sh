#!/usr/bin/env bash
# Load check for `qsearch serve` (issue 5): 30 s of mixed queries at 32
# concurrent connections on loopback, once per mode, with wrk (Debian's
# `wrk`, installed when missing). Prints p50/p99 latency, requests/s and
# errors per mode, and the server's peak RSS (VmHWM). Fails when any request
# errs or the peak RSS exceeds 1 GiB.
#
#   scripts/load-test.sh                      # bm25 and hybrid, 30 s each
#   MODES=bm25 DURATION=10s scripts/load-test.sh
#   QSEARCH_BIN=target/debug/qsearch scripts/load-test.sh
#   QUERIES=bench scripts/load-test.sh       # the 251 bench queries in turn
#   QUERIES=zipf scripts/load-test.sh        # the same, Zipf-distributed (s = 1)
#
# Extra arguments go to `qsearch serve` (e.g. --data-dir DIR).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-30s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
MODES=${MODES:-"bm25 hybrid"}
# mixed: 22 queries × 7 filters; bench: indexer/benches/queries.txt in turn;
# zipf: those drawn with probability ∝ 1/rank (a public portal's repeats).
QUERIES=${QUERIES:-mixed}
BIN=${QSEARCH_BIN:-target/release/qsearch}
RSS_LIMIT_KB=$((1024 * 1024))
OUT=target/load
mkdir -p "$OUT"

if ! command -v wrk >/dev/null 2>&1; then
    echo "load-test: installing wrk …" >&2
    if [[ "$(id -u)" == 0 ]]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >&2 ||
            { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >&2; }
    else
        echo "load-test: wrk is missing; install it with: sudo apt-get install -y wrk" >&2
        exit 1
    fi
fi

if [[ -z "${QSEARCH_BIN:-}" ]]; then
    echo "load-test: building $BIN (release) …" >&2
    cargo build --release -p qsearch-cli >&2
fi
[[ -x "$BIN" ]] || { echo "load-test: no binary at $BIN" >&2; exit 1; }

# wrk's Lua: rotate URL-encoded queries (questions, keywords, phrases,
# English, some with filters) and report percentiles in microseconds.
cat > "$OUT/mixed.lua" <<'LUA'
local queries = {
  "谁负责烟花爆竹质量", "烟花爆竹", "烟花爆竹运输归谁管", "危险化学品安全生产谁管",
  "电梯困人找谁", "特种设备安全监察", "计量器具检定", "世界计量日", "组织机构代码",
  "产品质量监督抽查", "食品生产许可", "标准化", "质量技术监督行政执法", "责任追究",
  "\"烟花爆竹道路运输\"", "向哪里投诉假冒伪劣", "who is responsible for fireworks quality",
  "锅炉压力容器", "认证认可", "工业产品生产许可证", "纤维质量", "商品条码",
}
local filters = { "", "", "", "&bureau=001", "&section=boundary", "&limit=20", "&province=%E6%B2%B3%E5%8C%97" }
local mode = os.getenv("MODE") or "bm25"

local function encode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local set = os.getenv("QUERIES") or "mixed"
local paths = {}
if set == "mixed" then
  for i, q in ipairs(queries) do
    for j, f in ipairs(filters) do
      paths[#paths + 1] = "/api/search?mode=" .. mode .. "&q=" .. encode(q) .. f
    end
  end
else
  for line in io.lines(os.getenv("QUERY_FILE")) do
    if line ~= "" and line:sub(1, 1) ~= "#" then
      paths[#paths + 1] = "/api/search?mode=" .. mode .. "&q=" .. encode(line)
    end
  end
end

-- Zipf (s = 1): cumulative weights 1/rank, drawn by binary search.
local cumulative, total = {}, 0
for i = 1, #paths do
  total = total + 1 / i
  cumulative[i] = total
end

local counter = 0
function init(args)
  math.randomseed(os.time() + math.random(1000000))
  counter = math.random(#paths)
end

function request()
  if set == "zipf" then
    local x, lo, hi = math.random() * total, 1, #paths
    while lo < hi do
      local mid = math.floor((lo + hi) / 2)
      if cumulative[mid] < x then lo = mid + 1 else hi = mid end
    end
    return wrk.format("GET", paths[lo])
  end
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter])
end

function done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d seconds=%.2f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d connect=%d read=%d write=%d timeout=%d status=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect + e.read + e.write + e.timeout + e.status, e.connect, e.read, e.write, e.timeout, e.status))
end
LUA

STDOUT="$OUT/serve.stdout"
LOG="$OUT/serve.log"
: > "$STDOUT"
RUST_LOG=${RUST_LOG:-info} "$BIN" serve --bind 127.0.0.1:0 "$@" > "$STDOUT" 2> "$LOG" &
PID=$!
stop() { kill -TERM "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true; }
trap stop EXIT

ADDR=""
for _ in $(seq 1 600); do
    ADDR=$(sed -n 's/^qsearch: listening on //p' "$STDOUT" | head -n 1)
    [[ -n "$ADDR" ]] && break
    kill -0 "$PID" 2>/dev/null || { echo "load-test: the server exited; see $LOG" >&2; tail -n 20 "$LOG" >&2; exit 1; }
    sleep 0.5
done
[[ -n "$ADDR" ]] || { echo "load-test: the server did not start; see $LOG" >&2; exit 1; }
echo "load-test: $BIN (pid $PID) at $ADDR; $CONNECTIONS connections × $DURATION per mode, $QUERIES queries; logs in $LOG" >&2
curl -fsS "$ADDR/healthz" >&2 && echo >&2

status=0
printf '%-8s %10s %10s %10s %10s %10s %8s\n' mode requests req/s p50_ms p99_ms max_ms errors
for mode in $MODES; do
    # Warm up (first embedding, page cache) outside the measurement.
    curl -fsS -o /dev/null "$ADDR/api/search?mode=$mode&q=%E7%83%9F%E8%8A%B1%E7%88%86%E7%AB%B9"
    MODE=$mode QUERIES=$QUERIES QUERY_FILE="$PWD/indexer/benches/queries.txt" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 10s -s "$OUT/mixed.lua" "$ADDR" \
        > "$OUT/wrk-$mode.txt" 2>&1 || { echo "load-test: wrk failed" >&2; cat "$OUT/wrk-$mode.txt" >&2; exit 1; }
    line=$(grep '^RESULT' "$OUT/wrk-$mode.txt")
    field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $line"; }
    printf '%-8s %10s %10s %10s %10s %10s %8s\n' "$mode" "$(field requests)" "$(field rps)" \
        "$(field p50_ms)" "$(field p99_ms)" "$(field max_ms)" "$(field errors)"
    if [[ "$(field errors)" != 0 ]]; then
        echo "load-test: $mode had errors: $line" >&2
        status=1
    fi
done

hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$PID/status")
rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$PID/status")
echo "server peak RSS (VmHWM): $((hwm / 1024)) MiB; now $((rss / 1024)) MiB"
if (( hwm > RSS_LIMIT_KB )); then
    echo "load-test: peak RSS above 1 GiB" >&2
    status=1
fi
exit $status
