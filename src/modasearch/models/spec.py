"""Frozen descriptions of encoders: what is in an ONNX model directory and how to run it."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

EncoderKind = Literal["dense", "sparse", "bm25", "image"]
SPEC_FILE = "encoder.json"


@dataclass(frozen=True)
class EncoderSpec:
    """`name` is how the manifest and the registry refer to the encoder; `version` changes whenever
    the weights do (a hash of the ONNX file), so an index built with other weights is refused."""

    name: str
    kind: EncoderKind
    source: str
    version: str
    dim: int | None = None
    max_length: int = 128
    pooling: str = "mean"
    normalize: bool = True
    query_prefix: str = ""
    document_prefix: str = ""
    licence: str = ""

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    def save(self, directory: Path) -> None:
        (directory / SPEC_FILE).write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> EncoderSpec:
        return cls(**json.loads((directory / SPEC_FILE).read_text(encoding="utf-8")))
