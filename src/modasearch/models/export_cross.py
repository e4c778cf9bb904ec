"""Export a hub cross-encoder (a sentence-transformers `CrossEncoder`, i.e. a transformers sequence
classification checkpoint such as cross-encoder/ms-marco-MiniLM-L-6-v2, by id or local folder) to
ONNX, so re-ranking never runs torch.

The directory holds cross.onnx ((query, product) token pairs -> one relevance logit per pair),
tokenizer.json (pair truncation to max_length baked in, padding to the longest pair), cross.json
(name, source, version, max_length) and golden.json: the torch scores of fixed probe pairs.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from modasearch.models.errors import ModelError, missing_extra

CROSS_FILE = "cross.json"
PROBE_PAIRS = (
    ("black leather boots", "Ankle boots in black leather with a block heel"),
    ("black leather boots", "Red cotton summer dress"),
    ("navy chinos for men", "Men's slim-fit chinos in dark blue cotton twill"),
)


@dataclass(frozen=True)
class CrossSpec:
    name: str
    source: str
    version: str  # hash of the ONNX graph: changes whenever the weights do
    max_length: int

    def save(self, directory: Path) -> None:
        (directory / CROSS_FILE).write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> CrossSpec:
        return cls(**json.loads((directory / CROSS_FILE).read_text(encoding="utf-8")))


def is_cross_dir(path: Path) -> bool:
    return (path / CROSS_FILE).is_file() and (path / "cross.onnx").is_file()


def _scorer(torch: Any, model: Any) -> Any:
    class Scorer(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            logits = self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).logits
            return logits[:, -1]  # one label: the relevance logit; two: the "relevant" one

    return Scorer().eval()


def _pair_tokenizer(source: str, max_length: int, out_dir: Path) -> Any:
    from transformers import AutoTokenizer

    hf = AutoTokenizer.from_pretrained(source)
    if not getattr(hf, "is_fast", False):
        raise ModelError(f"{source!r}: modasearch needs a fast (tokenizers) tokenizer for this model")
    tokenizer = hf.backend_tokenizer
    tokenizer.enable_truncation(max_length, strategy="longest_first")
    tokenizer.enable_padding(pad_id=hf.pad_token_id or 0, pad_token=hf.pad_token or "[PAD]")
    tokenizer.save(str(out_dir / "tokenizer.json"))
    return tokenizer


def pair_feeds(tokenizer: Any, pairs: list[tuple[str, str]]) -> dict[str, np.ndarray]:
    encodings = tokenizer.encode_batch(pairs)
    return {
        "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
        "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
        "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
    }


def export_cross_encoder(source: str, out_dir: Path, name: str, max_length: int = 256) -> CrossSpec:
    try:
        import torch
        from transformers import AutoModelForSequenceClassification
    except ImportError as exc:
        raise missing_extra(f"using the cross-encoder {source!r}", "hub") from exc
    model = AutoModelForSequenceClassification.from_pretrained(source).eval()
    out_dir.mkdir(parents=True, exist_ok=True)
    tokenizer = _pair_tokenizer(source, max_length, out_dir)
    feeds = {k: torch.from_numpy(v) for k, v in pair_feeds(tokenizer, list(PROBE_PAIRS)).items()}
    scorer = _scorer(torch, model)
    with torch.no_grad():
        reference = scorer(**feeds).numpy()
    names = list(feeds)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            scorer,
            tuple(feeds.values()),
            str(out_dir / "cross.onnx"),
            dynamo=False,
            opset_version=17,
            input_names=names,
            output_names=["score"],
            dynamic_axes={**{n: {0: "batch", 1: "tokens"} for n in names}, "score": {0: "batch"}},
        )
    golden = {"pairs": PROBE_PAIRS, "scores": np.round(reference, 6).tolist()}
    (out_dir / "golden.json").write_text(json.dumps(golden) + "\n", encoding="utf-8")
    version = hashlib.sha256((out_dir / "cross.onnx").read_bytes()).hexdigest()[:12]
    spec = CrossSpec(name=name, source=source, version=version, max_length=max_length)
    spec.save(out_dir)
    return spec
