"""Build a random-weight Whisper model directory for faster-whisper, offline except for one PyPI fetch.

The tokenizer is the real one: `tokenizer.json` is made from `multilingual.tiktoken`, the asset the
openai-whisper source package ships (fetched once with `pip download`, cached). The weights are
random numpy arrays in CTranslate2's `WhisperSpec`, with the real vocabulary of 51,865 entries so
faster-whisper treats the model as multilingual and runs language detection.
"""

from __future__ import annotations

import ast
import base64
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np

WHISPER_SDIST = "openai-whisper==20250625"
VOCAB_SIZE = 51_865
SPECIALS_AFTER_LANGUAGES = ("<|translate|>", "<|transcribe|>", "<|startoflm|>", "<|startofprev|>",
                            "<|nocaptions|>", "<|notimestamps|>")


def fetch_assets(cache: Path) -> tuple[Path, list[str]]:
    """`multilingual.tiktoken` and Whisper's language codes, from the openai-whisper sdist (cached)."""
    tiktoken = cache / "multilingual.tiktoken"
    languages = cache / "languages.json"
    if not (tiktoken.is_file() and languages.is_file()):
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                            WHISPER_SDIST, "-d", tmp],
                           check=True, capture_output=True, timeout=600)
            archive = next(Path(tmp).glob("openai_whisper-*.tar.gz"))
            with tarfile.open(archive) as tar:
                for member in tar.getmembers():
                    if member.name.endswith("whisper/assets/multilingual.tiktoken"):
                        tiktoken.write_bytes(tar.extractfile(member).read())  # type: ignore[union-attr]
                    elif member.name.endswith("whisper/tokenizer.py"):
                        source = tar.extractfile(member).read().decode()  # type: ignore[union-attr]
                        languages.write_text(json.dumps(_languages(source)))
    return tiktoken, json.loads(languages.read_text())


def _languages(source: str) -> list[str]:
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "LANGUAGES":
            return list(ast.literal_eval(node.value).keys())
    raise RuntimeError("LANGUAGES not found in whisper/tokenizer.py")


def _bytes_to_unicode() -> dict[int, str]:
    printable = (
        list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    )
    chars = printable[:]
    extra = 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            chars.append(256 + extra)
            extra += 1
    return dict(zip(printable, map(chr, chars), strict=True))


def _bpe_split(ranks: dict[bytes, int], token: bytes, max_rank: int) -> list[bytes]:
    parts = [bytes([b]) for b in token]
    while True:
        best: tuple[int, int] | None = None
        for i in range(len(parts) - 1):
            rank = ranks.get(parts[i] + parts[i + 1])
            if rank is not None and rank < max_rank and (best is None or rank < best[1]):
                best = (i, rank)
        if best is None:
            return parts
        i = best[0]
        parts = parts[:i] + [parts[i] + parts[i + 1]] + parts[i + 2 :]


def tokenizer_json(tiktoken: Path, languages: list[str]) -> tuple[dict, list[str]]:
    """The Hugging Face byte-level BPE tokenizer of Whisper (multilingual), and the id → token list."""
    ranks = {
        base64.b64decode(tok): int(rank)
        for tok, rank in (line.split() for line in tiktoken.read_text().splitlines() if line)
    }
    encode = _bytes_to_unicode()
    to_text = lambda raw: "".join(encode[b] for b in raw)  # noqa: E731
    vocab = {to_text(raw): rank for raw, rank in ranks.items()}
    merges = []
    for raw, rank in sorted(ranks.items(), key=lambda kv: kv[1]):
        if len(raw) > 1:
            left, right = _bpe_split(ranks, raw, rank)
            merges.append(f"{to_text(left)} {to_text(right)}")
    specials = ["<|endoftext|>", "<|startoftranscript|>", *[f"<|{code}|>" for code in languages],
                *SPECIALS_AFTER_LANGUAGES, *[f"<|{i * 0.02:.2f}|>" for i in range(1501)]]
    tokens = [""] * len(ranks) + specials
    for text, rank in vocab.items():
        tokens[rank] = text
    added = [{"id": len(ranks) + i, "content": s, "single_word": False, "lstrip": False, "rstrip": False,
              "normalized": False, "special": True} for i, s in enumerate(specials)]
    level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}
    data = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": None,
        "pre_tokenizer": level,
        "post_processor": {**level, "trim_offsets": False},
        "decoder": level,
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": None,
            "continuing_subword_prefix": "",
            "end_of_word_suffix": "",
            "fuse_unk": False,
            "byte_fallback": False,
            "vocab": {**vocab, **{s: a["id"] for s, a in zip(specials, added, strict=True)}},
            "merges": merges,
        },
    }
    return data, tokens


def build_model(out: Path, cache: Path, *, d_model: int = 64, heads: int = 2, layers: int = 1,
                seed: int = 0, quantization: str = "int8", endless: bool = False) -> Path:
    """Write a random-weight CTranslate2 Whisper model (with the real tokenizer) into `out`.

    `endless` suppresses <|endoftext|> so every window decodes exactly `max_new_tokens` tokens
    (the benchmark's fixed decoding work).
    """
    import ctranslate2.specs as specs

    tiktoken, languages = fetch_assets(cache)
    languages = languages[:99]  # Whisper v1/v2 (51,865 tokens) know 99 languages; v3 added "yue"
    data, tokens = tokenizer_json(tiktoken, languages)
    if len(tokens) != VOCAB_SIZE:
        raise RuntimeError(f"vocabulary has {len(tokens)} entries, Whisper multilingual has {VOCAB_SIZE}")
    rng = np.random.default_rng(seed)
    rand = lambda *shape: (rng.standard_normal(shape) * 0.02).astype(np.float32)  # noqa: E731
    ones = lambda n: np.ones(n, np.float32)  # noqa: E731
    zeros = lambda n: np.zeros(n, np.float32)  # noqa: E731
    ffn = 4 * d_model

    spec = specs.WhisperSpec(layers, heads, layers, heads)
    enc, dec = spec.encoder, spec.decoder
    enc.conv1.weight, enc.conv1.bias = rand(d_model, 80, 3), zeros(d_model)
    enc.conv2.weight, enc.conv2.bias = rand(d_model, d_model, 3), zeros(d_model)
    enc.position_encodings.encodings = rand(1500, d_model)
    dec.embeddings.weight = rand(VOCAB_SIZE, d_model)
    dec.position_encodings.encodings = rand(448, d_model)
    dec.projection.weight = dec.embeddings.weight
    for norm in (enc.layer_norm, dec.layer_norm):
        norm.gamma, norm.beta = ones(d_model), zeros(d_model)

    def linear(spec_linear: object, rows: int, cols: int) -> None:
        spec_linear.weight, spec_linear.bias = rand(rows, cols), zeros(rows)  # type: ignore[attr-defined]

    for layer in [*enc.layer, *dec.layer]:
        blocks = [layer.self_attention, layer.ffn] + ([layer.attention] if hasattr(layer, "attention") else [])
        for block in blocks:
            block.layer_norm.gamma, block.layer_norm.beta = ones(d_model), zeros(d_model)
        linear(layer.self_attention.linear[0], 3 * d_model, d_model)
        linear(layer.self_attention.linear[1], d_model, d_model)
        linear(layer.ffn.linear_0, ffn, d_model)
        linear(layer.ffn.linear_1, d_model, ffn)
        if hasattr(layer, "attention"):
            linear(layer.attention.linear[0], d_model, d_model)
            linear(layer.attention.linear[1], 2 * d_model, d_model)
            linear(layer.attention.linear[2], d_model, d_model)

    first_language = tokens.index(f"<|{languages[0]}|>")
    spec.config.suppress_ids = [tokens.index("<|endoftext|>")] if endless else []
    spec.config.suppress_ids_begin = [220, tokens.index("<|endoftext|>")]
    spec.config.lang_ids = list(range(first_language, first_language + len(languages)))
    spec.config.alignment_heads = [(layers - 1, h) for h in range(heads)]
    spec.register_vocabulary(tokens)
    spec.validate()
    spec.optimize(quantization=quantization)
    out.mkdir(parents=True, exist_ok=True)
    spec.save(str(out))
    (out / "tokenizer.json").write_text(json.dumps(data, ensure_ascii=False))
    return out
