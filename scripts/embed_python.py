#!/usr/bin/env python3
"""Reference embedder: onnxruntime's Python session + the `tokenizers` package.

Runs a qsearch model directory (as written by fetch-model.sh) the way the
Rust side is meant to (prefix from qsearch-model.toml, tokenize, pad to the
longest in the batch, truncate at max_length, mean-pool over the attention
mask, L2-normalise), so its vectors and throughput are the yardstick for the
fastembed embedder.

    embed_python.py data/models/me5-small                     # benchmark, JSON on stdout
    embed_python.py data/models/me5-small --passages FILE     # one passage a line
    embed_python.py data/models/me5-small --sanity            # a few known cosines
    embed_python.py data/models/me5-small --query 谁负责… --passage 负责…   # vectors + cosines

Needs numpy, onnxruntime and tokenizers; when they are not importable it
uses the ones fetch-model.sh installed in <models>/.cache/pydeps.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import resource
import statistics
import sys
import time
import tomllib


def _import_deps(model_dir: str) -> None:
    # find_spec, not import: a half-successful import would pin e.g. the
    # host's numpy before the pinned one gets a chance.
    if all(importlib.util.find_spec(m) for m in ("numpy", "onnxruntime", "tokenizers")):
        return
    candidates = [os.path.join(os.path.dirname(os.path.abspath(model_dir)), ".cache", "pydeps")]
    if os.environ.get("QSEARCH_MODEL_DIR"):
        candidates.insert(0, os.path.join(os.environ["QSEARCH_MODEL_DIR"], ".cache", "pydeps"))
    for path in candidates:
        if os.path.isdir(path):
            sys.path.insert(0, path)
            return
    sys.exit("embed_python.py: needs numpy, onnxruntime and tokenizers (run scripts/fetch-model.sh first)")


class Embedder:
    def __init__(self, model_dir: str, threads: int):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        t0 = time.perf_counter()
        with open(os.path.join(model_dir, "qsearch-model.toml"), "rb") as fh:
            self.meta = tomllib.load(fh)
        with open(os.path.join(model_dir, "config.json"), encoding="utf-8") as fh:
            config = json.load(fh)
        with open(os.path.join(model_dir, "tokenizer_config.json"), encoding="utf-8") as fh:
            tok_config = json.load(fh)

        self.tokenizer = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
        # Same choices as fastembed's load_tokenizer: pad id from config.json,
        # pad token from tokenizer_config.json, pad to the batch's longest.
        pad_token = tok_config["pad_token"]
        pad_id = config.get("pad_token_id")
        if pad_id is None:
            pad_id = self.tokenizer.token_to_id(pad_token) or 0
        max_length = min(int(self.meta["max_length"]), int(tok_config.get("model_max_length", 512)))
        self.tokenizer.enable_padding(pad_id=pad_id, pad_token=pad_token)
        self.tokenizer.enable_truncation(max_length=max_length)

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(os.path.join(model_dir, "model.onnx"), opts,
                                            providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.load_seconds = time.perf_counter() - t0
        self.tokens = 0

    def embed(self, texts: list[str], kind: str, batch: int = 16):
        import numpy as np

        prefix = self.meta["query_prefix" if kind == "query" else "passage_prefix"]
        out = []
        for start in range(0, len(texts), batch):
            encs = self.tokenizer.encode_batch([prefix + t for t in texts[start : start + batch]])
            ids = np.array([e.ids for e in encs], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encs], dtype=np.int64)
            self.tokens += int(mask.sum())
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self.inputs:
                feed["token_type_ids"] = np.zeros_like(ids)
            hidden = self.session.run(["last_hidden_state"], feed)[0]
            m = mask[:, :, None].astype(np.float32)
            pooled = (hidden * m).sum(1) / np.maximum(m.sum(1), 1e-9)
            if self.meta.get("normalize", True):
                pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
            out.append(pooled)
        return np.concatenate(out) if out else np.zeros((0, int(self.meta["dimensions"])), np.float32)


SANITY = {
    "query": "谁负责烟花爆竹的质量监督",
    "passages": {
        "fireworks": "负责烟花爆竹生产企业产品质量监督",
        "chemicals": "负责危险化学品的公共安全管理",
    },
    "other_queries": {
        "english": "who regulates fireworks quality",
        "traditional": "過年放鞭炮的品質誰管",
    },
}


def sanity(emb: Embedder) -> dict:
    """The project's standing check: the fireworks-quality question must be
    closer to the fireworks duty than to the chemicals one."""
    names = list(SANITY["passages"])
    p = emb.embed([SANITY["passages"][n] for n in names], "passage")
    qs = {"chinese": SANITY["query"], **SANITY["other_queries"]}
    q = emb.embed(list(qs.values()), "query")
    cos = {f"{qn} -> {pn}": round(float(q[i] @ p[j]), 4) for i, qn in enumerate(qs) for j, pn in enumerate(names)}
    ok = cos["chinese -> fireworks"] > cos["chinese -> chemicals"]
    return {"model": emb.meta["name"], "cosine": cos, "fireworks_above_chemicals": ok}


def default_passages(limit: int) -> list[str]:
    """Duty lines from the repo's seed documents: real passages of the kind
    qsearch indexes (mostly 20-160 Chinese characters)."""
    seeds = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "seeds")
    seen, out = set(), []
    for name in sorted(os.listdir(seeds)) if os.path.isdir(seeds) else []:
        with open(os.path.join(seeds, name), encoding="utf-8") as fh:
            for line in fh:
                text = re.sub(r"<[^>]+>", "", line).strip()
                if 20 <= len(text) <= 160 and text not in seen:
                    seen.add(text)
                    out.append(text)
    if not out:
        sys.exit("embed_python.py: no seeds/ directory; pass --passages FILE")
    return out[:limit]


def bench(emb: Embedder, passages: list[str], batch: int, threads: int, queries: int) -> dict:
    emb.embed(passages[:batch], "passage", batch)  # warm-up: first runs allocate
    emb.tokens = 0
    t0 = time.perf_counter()
    vecs = emb.embed(passages, "passage", batch)
    secs = time.perf_counter() - t0
    tokens = emb.tokens
    lat = []
    for text in passages[:queries]:
        t = time.perf_counter()
        emb.embed([text[:30]], "query")
        lat.append((time.perf_counter() - t) * 1000)
    return {
        "model": emb.meta["name"],
        "threads": threads,
        "batch": batch,
        "passages": len(passages),
        "avg_chars": round(sum(map(len, passages)) / len(passages), 1),
        "avg_tokens": round(tokens / len(passages), 1),
        "dimensions": int(vecs.shape[1]),
        "load_seconds": round(emb.load_seconds, 3),
        "seconds": round(secs, 3),
        "passages_per_second": round(len(passages) / secs, 1),
        "query_ms_median": round(statistics.median(lat), 2) if lat else None,
        "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model_dir")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--passages", help="file with one passage a line (default: duty lines from seeds/)")
    ap.add_argument("--limit", type=int, default=256, help="at most this many passages for the benchmark")
    ap.add_argument("--queries", type=int, default=20, help="single-query latency samples")
    ap.add_argument("--query", action="append", default=[], help="print this query's embedding (repeatable)")
    ap.add_argument("--passage", action="append", default=[], help="print this passage's embedding (repeatable)")
    ap.add_argument("--sanity", action="store_true", help="print the fireworks/chemicals cosine check")
    ap.add_argument("--bench", action="store_true", help="also benchmark when --query/--passage/--sanity is given")
    args = ap.parse_args()

    _import_deps(args.model_dir)
    emb = Embedder(args.model_dir, args.threads)

    if args.query or args.passage:
        import numpy as np

        vecs = []
        for kind, texts in (("query", args.query), ("passage", args.passage)):
            if texts:
                for text, v in zip(texts, emb.embed(texts, kind, args.batch), strict=True):
                    vecs.append(v)
                    print(json.dumps({"kind": kind, "text": text, "embedding": [round(float(x), 7) for x in v]},
                                     ensure_ascii=False))
        m = np.stack(vecs)
        print(json.dumps({"cosine": [[round(float(x), 5) for x in row] for row in m @ m.T]}))
    if args.sanity:
        print(json.dumps(sanity(emb), ensure_ascii=False))
    if args.bench or not (args.query or args.passage or args.sanity):
        if args.passages:
            with open(args.passages, encoding="utf-8") as fh:
                passages = [line.strip() for line in fh if line.strip()][: args.limit]
        else:
            passages = default_passages(args.limit)
        print(json.dumps(bench(emb, passages, args.batch, args.threads, args.queries), ensure_ascii=False))


if __name__ == "__main__":
    main()
