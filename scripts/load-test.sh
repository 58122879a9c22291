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
#   QUERIES=distinct scripts/load-test.sh    # those asked of 27 cities: no repeats
#   PEER=1 QUERIES=zipf scripts/load-test.sh # the Python peer instead (below)
#
# Extra arguments go to `qsearch serve` (e.g. --data-dir DIR).
#
# PEER=1 drives scripts/peer/server.py (FastAPI + uvicorn, jieba + rank_bm25,
# onnxruntime on the same model) with the same wrk script and queries, over
# the records `$QSEARCH_BIN records --json` prints (or PEER_RECORDS=FILE).
# PEER_WORKERS=N uvicorn workers (default 1), PEER_PYTHON its interpreter
# (default target/py-peer/bin/python, a venv made from
# scripts/peer/requirements.txt when missing); extra arguments then go to
# server.py (e.g. --query-cache-size 1). Its peak RSS is the sum of VmHWM
# over the uvicorn processes; above 1 GiB it is reported, not failed. The
# peer has no filters: the `mixed` set's bureau/section/province are ignored.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-30s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
MODES=${MODES:-"bm25 hybrid"}
# mixed: 22 queries × 7 filters; bench: indexer/benches/queries.txt in turn;
# zipf: those drawn with probability ∝ 1/rank (a public portal's repeats);
# distinct: each of them prefixed with one of 27 city names (保定市烟花爆竹),
# 6 777 questions taken in turn, every wrk thread its own share, so no
# question repeats within a run of under ~6 700 requests: no cache of any
# build can answer one (the way to measure a binary without cache flags).
QUERIES=${QUERIES:-mixed}
BIN=${QSEARCH_BIN:-target/release/qsearch}
PEER=${PEER:-0}
[[ "$PEER" == 0 ]] && PEER=""
TAG=${PEER:+peer-}
PEER_WORKERS=${PEER_WORKERS:-1}
PEER_PYTHON=${PEER_PYTHON:-target/py-peer/bin/python}
PEER_RECORDS=${PEER_RECORDS:-}
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

if [[ -n "$PEER" && -n "$PEER_RECORDS" ]]; then
    : # the peer's records are given: no qsearch binary needed
else
    if [[ -z "${QSEARCH_BIN:-}" ]]; then
        echo "load-test: building $BIN (release) …" >&2
        cargo build --release -p qsearch-cli >&2
    fi
    [[ -x "$BIN" ]] || { echo "load-test: no binary at $BIN" >&2; exit 1; }
fi

if [[ -n "$PEER" ]]; then
    if [[ ! -x "$PEER_PYTHON" ]]; then
        echo "load-test: making the peer's venv target/py-peer …" >&2
        python3 -m venv target/py-peer >&2
        target/py-peer/bin/pip install -q -r scripts/peer/requirements.txt >&2
        PEER_PYTHON=target/py-peer/bin/python
    fi
    if [[ -z "$PEER_RECORDS" ]]; then
        mkdir -p "$OUT/peer"
        PEER_RECORDS="$OUT/peer/records.jsonl"
        "$BIN" records --json --quiet > "$PEER_RECORDS"
    fi
fi

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

-- distinct: the bench queries asked of each city in turn.
if set == "distinct" then
  local cities = {
    "保定市", "唐山市", "邯郸市", "沧州市", "济南市", "潍坊市", "济宁市", "德州市", "长沙市",
    "岳阳市", "衡阳市", "邵阳市", "洛阳市", "开封市", "新乡市", "南阳市", "徐州市", "盐城市",
    "淮安市", "绵阳市", "南充市", "宜宾市", "安庆市", "阜阳市", "襄阳市", "荆州市", "十堰市",
  }
  local plain = paths
  paths = {}
  for _, city in ipairs(cities) do
    for _, p in ipairs(plain) do
      paths[#paths + 1] = p:gsub("&q=", function() return "&q=" .. encode(city) end, 1)
    end
  end
end

-- Threads are numbered in setup() so that, for `distinct`, thread t takes
-- entries t, t + T, t + 2T, … and no two threads ask the same question.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

local counter = 0
local stride = 1
function init(args)
  math.randomseed(os.time() + math.random(1000000))
  counter = math.random(#paths)
  if set == "distinct" then
    stride = tonumber(os.getenv("THREADS") or "2")
    counter = id - stride
  end
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
  counter = (counter + stride - 1) % #paths + 1
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

if [[ -n "$PEER" ]]; then
    NAME="peer"
    STDOUT="$OUT/peer-serve.stdout"
    LOG="$OUT/peer-serve.log"
    : > "$STDOUT"
    "$PEER_PYTHON" scripts/peer/server.py --records "$PEER_RECORDS" --bind 127.0.0.1:0 \
        --workers "$PEER_WORKERS" "$@" > "$STDOUT" 2> "$LOG" &
    PID=$!
    LISTENING='peer: listening on '
else
    NAME="$BIN"
    STDOUT="$OUT/serve.stdout"
    LOG="$OUT/serve.log"
    : > "$STDOUT"
    RUST_LOG=${RUST_LOG:-info} "$BIN" serve --bind 127.0.0.1:0 "$@" > "$STDOUT" 2> "$LOG" &
    PID=$!
    LISTENING='qsearch: listening on '
fi
stop() { kill -TERM "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true; }
trap stop EXIT

# The peer prints its address when the socket is bound, then a line per
# worker once that worker has loaded the corpus and the model.
serving() {
    [[ -n "$ADDR" ]] || return 1
    [[ -z "$PEER" ]] || (( $(grep -c '^peer: worker .* ready' "$STDOUT") >= PEER_WORKERS ))
}
ADDR=""
for _ in $(seq 1 600); do
    ADDR=$(sed -n "s/^$LISTENING//p" "$STDOUT" | head -n 1)
    serving && break
    kill -0 "$PID" 2>/dev/null || { echo "load-test: the server exited; see $LOG" >&2; tail -n 20 "$LOG" >&2; exit 1; }
    sleep 0.5
done
serving || { echo "load-test: the server did not start; see $LOG" >&2; exit 1; }
echo "load-test: $NAME (pid $PID) at $ADDR; $CONNECTIONS connections × $DURATION per mode, $QUERIES queries; logs in $LOG" >&2
curl -fsS "$ADDR/healthz" >&2 && echo >&2

status=0
printf '%-8s %10s %10s %10s %10s %10s %8s\n' mode requests req/s p50_ms p99_ms max_ms errors
for mode in $MODES; do
    # Warm up (first embedding, page cache) outside the measurement.
    curl -fsS -o /dev/null "$ADDR/api/search?mode=$mode&q=%E7%83%9F%E8%8A%B1%E7%88%86%E7%AB%B9"
    MODE=$mode QUERIES=$QUERIES THREADS=$THREADS QUERY_FILE="$PWD/indexer/benches/queries.txt" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 10s -s "$OUT/mixed.lua" "$ADDR" \
        > "$OUT/wrk-$TAG$mode.txt" 2>&1 || { echo "load-test: wrk failed" >&2; cat "$OUT/wrk-$TAG$mode.txt" >&2; exit 1; }
    line=$(grep '^RESULT' "$OUT/wrk-$TAG$mode.txt")
    field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $line"; }
    printf '%-8s %10s %10s %10s %10s %10s %8s\n' "$mode" "$(field requests)" "$(field rps)" \
        "$(field p50_ms)" "$(field p99_ms)" "$(field max_ms)" "$(field errors)"
    if [[ "$(field errors)" != 0 ]]; then
        echo "load-test: $mode had errors: $line" >&2
        status=1
    fi
done

if [[ -n "$PEER" ]]; then
    # The uvicorn process and its descendants (the workers, when more than one).
    pids=$PID
    frontier=$PID
    while [[ -n "$frontier" ]]; do
        next=""
        for p in $frontier; do next="$next $(pgrep -P "$p" || true)"; done
        frontier=$(echo $next)
        pids="$pids $frontier"
    done
    hwm=0 rss=0 each=""
    for p in $pids; do
        h=$(awk '/^VmHWM:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
        r=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
        # CPU seconds so far (utime + stime), to see how the workers shared the load.
        c=$(awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.0f", ($12 + $13) / hz }' "/proc/$p/stat" 2>/dev/null || echo 0)
        hwm=$((hwm + ${h:-0})) rss=$((rss + ${r:-0}))
        each="$each $p:$((${h:-0} / 1024))"
        cpu="${cpu:-} $p:${c}s"
    done
    echo "peer CPU time per process:$cpu"
    echo "peer peak RSS (sum of VmHWM over pids$each MiB): $((hwm / 1024)) MiB; now $((rss / 1024)) MiB"
    if (( hwm > RSS_LIMIT_KB )); then
        echo "load-test: note: the peer's peak RSS is above qsearch's 1 GiB budget" >&2
    fi
    exit $status
fi
hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$PID/status")
rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$PID/status")
echo "server peak RSS (VmHWM): $((hwm / 1024)) MiB; now $((rss / 1024)) MiB"
if (( hwm > RSS_LIMIT_KB )); then
    echo "load-test: peak RSS above 1 GiB" >&2
    status=1
fi
exit $status
