#!/usr/bin/env python3
"""A Python peer for qsearch's HTTP search: what a team would otherwise deploy.

FastAPI + uvicorn over the records qsearch indexes (`qsearch records --json`):

- BM25: jieba `cut_for_search` + `rank_bm25.BM25Okapi` (k1 1.5, b 0.75), top 50.
- Semantic: onnxruntime on the same ONNX model qsearch uses (prefixes,
  max_length and pooling from its qsearch-model.toml; mean pooling over the
  attention mask, L2-normalised), exact cosine over all passages, top 50.
- Hybrid: reciprocal rank fusion (k = 60) of the two top-50 lists.
- A query-vector LRU cache (4096 entries by default, like qsearch's).

    server.py --records target/load/peer/records.jsonl                # 127.0.0.1:0, 1 worker
    server.py --records FILE --workers 2 --query-cache-size 1

    GET /api/search?q=…&mode=bm25|semantic|hybrid&limit=10
        → {"hits": [{"id", "text", "score"}, …]}
    GET /healthz → 200 {"status": "ok", …} once the worker has loaded everything

Prints `peer: listening on http://HOST:PORT` once the socket is bound and
`peer: worker PID ready` from each worker once it serves. Passage vectors are
computed once (in a child process, so no worker's peak RSS includes the
batch-embedding arena) and cached next to the records file as
`<records>.<model>.<hash>.npy`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
import tomllib
from collections import OrderedDict
from contextlib import asynccontextmanager

ENV = "QSEARCH_PEER_CONFIG"
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_MODEL = os.path.join(HERE, "..", "..", "data", "models", "me5-small")
TOP = 50
RRF_K = 60.0


# --------------------------------------------------------------------------
# Corpus


def record_text(record: dict) -> str:
    """The record's field values (strings, lists and nested objects, in
    order) joined with spaces; `kind` is the record's type tag, not text."""
    parts: list[str] = []

    def walk(value):
        if isinstance(value, str):
            if value.strip():
                parts.append(value)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)

    for key, value in record.get("fields", {}).items():
        if key != "kind":
            walk(value)
    return " ".join(parts)


def load_records(path: str) -> tuple[list[str], list[str]]:
    ids, texts = [], []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                r = json.loads(line)
                ids.append(r["id"])
                texts.append(record_text(r))
    if not ids:
        sys.exit(f"peer: no records in {path}")
    return ids, texts


def cache_path(records: str, model_dir: str) -> str:
    h = hashlib.sha256()
    with open(records, "rb") as fh:
        h.update(fh.read())
    onnx = os.path.join(model_dir, "model.onnx")
    st = os.stat(onnx)
    h.update(f"{os.path.realpath(onnx)}:{st.st_size}:{int(st.st_mtime)}".encode())
    with open(os.path.join(model_dir, "qsearch-model.toml"), "rb") as fh:
        h.update(fh.read())
    name = os.path.basename(os.path.normpath(model_dir))
    return f"{records}.{name}.{h.hexdigest()[:16]}.npy"


# --------------------------------------------------------------------------
# Embedding (the same steps as scripts/embed_python.py)


class Embedder:
    def __init__(self, model_dir: str, threads: int):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        with open(os.path.join(model_dir, "qsearch-model.toml"), "rb") as fh:
            self.meta = tomllib.load(fh)
        if self.meta.get("pooling", "mean") != "mean":
            sys.exit(f"peer: pooling {self.meta['pooling']!r} is not implemented (mean only)")
        with open(os.path.join(model_dir, "config.json"), encoding="utf-8") as fh:
            config = json.load(fh)
        with open(os.path.join(model_dir, "tokenizer_config.json"), encoding="utf-8") as fh:
            tok_config = json.load(fh)
        self.tokenizer = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
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

    def embed(self, texts: list[str], kind: str, batch: int = 16):
        import numpy as np

        prefix = self.meta["query_prefix" if kind == "query" else "passage_prefix"]
        out = []
        for start in range(0, len(texts), batch):
            encs = self.tokenizer.encode_batch([prefix + t for t in texts[start:start + batch]])
            ids = np.array([e.ids for e in encs], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encs], dtype=np.int64)
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self.inputs:
                feed["token_type_ids"] = np.zeros_like(ids)
            hidden = self.session.run(["last_hidden_state"], feed)[0]
            m = mask[:, :, None].astype(np.float32)
            pooled = (hidden * m).sum(1) / np.maximum(m.sum(1), 1e-9)
            if self.meta.get("normalize", True):
                pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
            out.append(pooled.astype(np.float32))
        return np.concatenate(out)


class QueryCache:
    """An LRU of query text → vector, like qsearch's (`--query-cache-size`)."""

    def __init__(self, size: int):
        self.size = max(1, size)
        self.items: OrderedDict[str, object] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: str):
        with self.lock:
            v = self.items.get(key)
            if v is None:
                self.misses += 1
                return None
            self.items.move_to_end(key)
            self.hits += 1
            return v

    def put(self, key: str, value) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


def build_cache(records: str, model_dir: str, threads: int) -> None:
    """Embeds every passage and writes the .npy (run in a child process)."""
    import numpy as np

    path = cache_path(records, model_dir)
    if os.path.exists(path):
        return
    _, texts = load_records(records)
    t0 = time.perf_counter()
    vecs = Embedder(model_dir, threads).embed(texts, "passage")
    tmp = path + f".{os.getpid()}.tmp.npy"
    np.save(tmp, vecs)
    os.replace(tmp, path)
    print(f"peer: embedded {len(texts)} passages in {time.perf_counter() - t0:.1f} s → {path}",
          file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# The index a worker holds


class Index:
    def __init__(self, cfg: dict):
        import jieba
        import numpy as np
        from rank_bm25 import BM25Okapi

        jieba.setLogLevel(60)
        self.np = np
        self.jieba = jieba
        self.ids, self.texts = load_records(cfg["records"])
        self.bm25 = BM25Okapi([self.tokens(t) for t in self.texts])
        self.vectors = np.load(cache_path(cfg["records"], cfg["model_dir"]))
        if self.vectors.shape[0] != len(self.ids):
            sys.exit("peer: the passage-vector cache does not match the records")
        self.embedder = Embedder(cfg["model_dir"], cfg["threads"])
        self.cache = QueryCache(cfg["query_cache_size"])
        self.embedder.embed(["预热"], "query")  # first run allocates

    def tokens(self, text: str) -> list[str]:
        return [t for t in self.jieba.cut_for_search(text) if t.strip() and any(c.isalnum() for c in t)]

    def top(self, scores, k: int) -> list[tuple[int, float]]:
        np = self.np
        k = min(k, len(scores))
        idx = np.argpartition(-scores, k - 1)[:k]
        idx = idx[np.argsort(-scores[idx], kind="stable")]
        return [(int(i), float(scores[i])) for i in idx]

    def bm25_top(self, query: str) -> list[tuple[int, float]]:
        toks = self.tokens(query)
        if not toks:
            return []
        scores = self.bm25.get_scores(toks)
        return [(i, s) for i, s in self.top(scores, TOP) if s > 0]

    def query_vector(self, query: str):
        v = self.cache.get(query)
        if v is None:
            v = self.embedder.embed([query], "query")[0]
            self.cache.put(query, v)
        return v

    def vector_top(self, query: str) -> list[tuple[int, float]]:
        return self.top(self.vectors @ self.query_vector(query), TOP)

    def search(self, query: str, mode: str, limit: int) -> list[dict]:
        if mode == "bm25":
            ranked = self.bm25_top(query)
        elif mode == "semantic":
            ranked = self.vector_top(query)
        else:
            fused: dict[int, float] = {}
            for ranking in (self.bm25_top(query), self.vector_top(query)):
                for rank, (i, _) in enumerate(ranking):
                    fused[i] = fused.get(i, 0.0) + 1.0 / (RRF_K + rank + 1)
            ranked = sorted(fused.items(), key=lambda kv: -kv[1])
        return [{"id": self.ids[i], "text": self.texts[i], "score": s} for i, s in ranked[:limit]]


# --------------------------------------------------------------------------
# The app (imported by each uvicorn worker)


def create_app():
    from fastapi import FastAPI, HTTPException, Query

    state: dict = {}

    @asynccontextmanager
    async def lifespan(app):
        cfg = json.loads(os.environ[ENV])
        t0 = time.perf_counter()
        state["index"] = Index(cfg)
        print(f"peer: worker {os.getpid()} ready ({len(state['index'].ids)} records, "
              f"{time.perf_counter() - t0:.1f} s)", flush=True)
        yield

    app = FastAPI(title="qsearch peer", lifespan=lifespan)

    @app.get("/healthz")
    def healthz():
        index = state["index"]
        return {"status": "ok", "pid": os.getpid(), "records": len(index.ids),
                "query_cache": {"size": index.cache.size, "hits": index.cache.hits,
                                "misses": index.cache.misses}}

    # A plain `def`: FastAPI runs it on its thread pool, so the model call
    # (which releases the GIL) does not block the event loop.
    @app.get("/api/search")
    def search(q: str = Query(..., min_length=1, max_length=1000),
               mode: str = "hybrid", limit: int = Query(10, ge=1, le=100)):
        if mode not in ("bm25", "semantic", "hybrid"):
            raise HTTPException(status_code=400, detail="mode must be bm25, semantic or hybrid")
        return {"hits": state["index"].search(q, mode, limit)}

    return app


app = create_app() if ENV in os.environ else None


# --------------------------------------------------------------------------
# Entry point


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", required=True, help="`qsearch records --json` output (JSONL)")
    ap.add_argument("--model-dir", default=DEFAULT_MODEL, help="qsearch model directory (default: data/models/me5-small)")
    ap.add_argument("--bind", default="127.0.0.1:8081", help="HOST:PORT; port 0 picks a free one (printed)")
    ap.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (each holds the model)")
    ap.add_argument("--threads", type=int, default=2, help="ONNX Runtime intra-op threads per worker")
    ap.add_argument("--query-cache-size", type=int, default=4096, help="query vectors remembered (LRU; 1 ≈ off)")
    ap.add_argument("--embed-cache-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    records = os.path.abspath(args.records)
    model_dir = os.path.abspath(args.model_dir)

    if args.embed_cache_only:
        build_cache(records, model_dir, args.threads)
        return
    if not os.path.exists(cache_path(records, model_dir)):
        subprocess.run([sys.executable, os.path.abspath(__file__), "--records", records, "--model-dir", model_dir,
                        "--threads", str(args.threads), "--embed-cache-only"], check=True)

    os.environ[ENV] = json.dumps({"records": records, "model_dir": model_dir, "threads": args.threads,
                                  "query_cache_size": args.query_cache_size})
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    host, _, port = args.bind.rpartition(":")
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host.strip("[]"), int(port)))
    sock.listen(2048)
    sock.set_inheritable(True)
    bound = sock.getsockname()
    shown = f"[{bound[0]}]" if ":" in bound[0] else bound[0]
    print(f"peer: listening on http://{shown}:{bound[1]}", flush=True)

    if HERE not in sys.path:
        sys.path.insert(0, HERE)
    config = uvicorn.Config("server:app", workers=args.workers, access_log=False,
                            log_level="warning", backlog=2048, timeout_worker_healthcheck=30)
    if args.workers > 1:
        Multiprocess(config, sockets=[sock]).run()
    else:
        uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
