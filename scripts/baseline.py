#!/usr/bin/env python3
"""A plain Python baseline for qsearch: jieba + rank_bm25 over the same records.

usage:
  pip install --target target/py-baseline -r scripts/baseline-requirements.txt
  target/debug/qsearch records --json > /tmp/records.jsonl
  python3 scripts/baseline.py --records /tmp/records.jsonl \
      [--queries indexer/benches/queries.txt] [--reps 3] \
      [--judgments ../shared/eval/dev.jsonl --results /tmp/baseline-results.jsonl]

Indexes every record (the fields qsearch indexes: matter, department, text,
context, basis, case) with jieba segmentation (`jieba.lcut`, punctuation and
whitespace dropped) into `rank_bm25.BM25Okapi` (k1 = 1.5, b = 0.75), then
times each query of the query list (segmentation + scoring + top 10).

With --judgments it also answers the judged queries and writes the results
in the `qsearch batch --json` format (`id`, `hits[].source`, `answer`), and
scores them with ../shared/eval/score.py. The baseline has no answer
extraction: its `answer` names the department of the first boundary-table
hit in its top 10 (or is null), the plainest reading of "who is responsible".

Prints one JSON object: record count, build time, latency percentiles, and
the eval summary. Packages come from `--pythonpath` (default
target/py-baseline), so nothing is installed system-wide.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def percentiles(samples_s):
    xs = sorted(samples_s)
    n = len(xs)

    def at(q):
        i = min(max(math.ceil(q * n), 1), n) - 1
        return round(xs[i] * 1e3, 3)

    return {"n": n, "p50_ms": at(0.5), "p90_ms": at(0.9), "p99_ms": at(0.99),
            "max_ms": round(xs[-1] * 1e3, 3), "mean_ms": round(sum(xs) / n * 1e3, 3)}


def record_text(r):
    """The text qsearch indexes for a record, as one string."""
    f = r["fields"]
    parts = []
    kind = f.get("kind")
    if kind == "duty":
        parts += [f.get("main_duty", ""), f.get("work_item", ""), f.get("unit", ""),
                  f.get("remark", ""), f.get("basis", "")]
    elif kind == "boundary":
        d = f.get("department") or {}
        parts += [f.get("matter", ""), d.get("as_written", ""), d.get("canonical", ""),
                  d.get("current", ""), f.get("duty", ""), f.get("basis", ""), f.get("case", "")]
    elif kind == "service":
        parts += [f.get("service", ""), f.get("content", ""), f.get("basis", ""),
                  f.get("unit", ""), f.get("phone", "")]
    elif kind == "prose":
        parts += list(f.get("heading_path") or []) + [f.get("text", "")]
    return " ".join(p for p in parts if p)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--records", required=True, help="`qsearch records --json` output")
    ap.add_argument("--queries", default=os.path.join(ROOT, "indexer/benches/queries.txt"))
    ap.add_argument("--reps", type=int, default=3, help="timed passes over the query list")
    ap.add_argument("--judgments", help="e.g. ../shared/eval/dev.jsonl")
    ap.add_argument("--results", help="where to write the judged queries' results")
    ap.add_argument("--score", default=None, help="score.py (default: beside --judgments)")
    ap.add_argument("--pythonpath", default=os.path.join(ROOT, "target/py-baseline"))
    args = ap.parse_args()

    sys.path.insert(0, args.pythonpath)
    try:
        import jieba
        import numpy as np
        from rank_bm25 import BM25Okapi
    except ImportError as e:
        sys.exit(f"baseline: {e}; install with: pip install --target {args.pythonpath} "
                 f"-r {os.path.join(HERE, 'baseline-requirements.txt')}")
    jieba.setLogLevel(60)
    jieba.initialize()

    def tokens(text):
        return [t for t in jieba.lcut(text) if t.strip() and any(c.isalnum() for c in t)]

    with open(args.records, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    started = time.perf_counter()
    corpus = [tokens(record_text(r)) for r in records]
    tokenized = time.perf_counter()
    bm25 = BM25Okapi(corpus)
    built = time.perf_counter()
    del corpus

    def search(query, k=10):
        q = tokens(query)
        if not q:
            return []
        scores = bm25.get_scores(q)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [int(i) for i in top if scores[i] > 0]

    with open(args.queries, encoding="utf-8") as f:
        queries = [l.strip() for l in f if l.strip() and not l.lstrip().startswith("#")]
    for q in queries:  # warm-up
        search(q)
    samples = []
    with_hits = 0
    for rep in range(args.reps):
        for q in queries:
            t0 = time.perf_counter()
            hits = search(q)
            samples.append(time.perf_counter() - t0)
            if rep == 0 and hits:
                with_hits += 1

    out = {
        "records": len(records),
        "tokenize_s": round(tokenized - started, 3),
        "build_s": round(built - started, 3),
        "queries": len(queries),
        "queries_with_hits": with_hits,
        "latency": percentiles(samples),
        "versions": {"jieba": jieba.__version__, "numpy": np.__version__,
                     "python": sys.version.split()[0]},
    }

    if args.judgments:
        results_path = args.results or "/tmp/qsearch-baseline-results.jsonl"
        with open(args.judgments, encoding="utf-8") as f:
            judged = [json.loads(l) for l in f if l.strip()]
        with open(results_path, "w", encoding="utf-8") as out_f:
            for j in judged:
                hits = []
                for rank, i in enumerate(search(j["query"]), 1):
                    r = records[i]
                    hits.append({"rank": rank, "id": r["id"], "source": r["source"]})
                answer = None
                for i in search(j["query"]):
                    d = records[i]["fields"].get("department")
                    if d and d.get("as_written"):
                        answer = {"departments": [{"name": d.get("canonical") or d["as_written"],
                                                   "as_written": d["as_written"],
                                                   "current_name": d.get("current", "")}]}
                        break
                out_f.write(json.dumps({"id": j["id"], "query": j["query"], "hits": hits,
                                        "answer": answer}, ensure_ascii=False) + "\n")
        score = args.score or os.path.join(os.path.dirname(os.path.abspath(args.judgments)), "score.py")
        scored = subprocess.run([sys.executable, score, args.judgments, results_path, "--json"],
                                capture_output=True, text=True, check=True)
        out["eval"] = json.loads(scored.stdout)["summary"]
        out["results"] = results_path

    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
