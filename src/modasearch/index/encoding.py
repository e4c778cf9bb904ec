"""The text encoders of one index, by role: `dense`, `splade` and `bm25`."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from modasearch.models.bm25 import Bm25Encoder
from modasearch.models.onnx_text import SparseVec
from modasearch.models.registry import DenseEncoder, SparseEncoder, load_encoder

ROLES = ("bm25", "splade", "dense")


@dataclass
class EncodedBatch:
    dense: np.ndarray | None
    splade: list[SparseVec] | None
    bm25: list[SparseVec]


@dataclass
class EncoderSet:
    bm25: Bm25Encoder
    splade: SparseEncoder | None = None
    dense: DenseEncoder | None = None
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    @classmethod
    def load(cls, dense: str | None, splade: str | None, bm25_settings: dict[str, Any]) -> EncoderSet:
        return cls(
            bm25=Bm25Encoder(**bm25_settings),
            splade=load_encoder(splade, "sparse") if splade else None,  # type: ignore[arg-type]
            dense=load_encoder(dense, "dense") if dense else None,  # type: ignore[arg-type]
        )

    def roles(self) -> list[str]:
        return [r for r in ROLES if getattr(self, r) is not None]

    def specs(self) -> dict[str, dict[str, Any]]:
        specs: dict[str, dict[str, Any]] = {}
        for role in self.roles():
            encoder = getattr(self, role)
            specs[role] = encoder.spec.to_dict()
        specs["bm25"]["settings"] = self.bm25.settings()
        return specs

    def encode_documents(self, texts: Sequence[str]) -> EncodedBatch:
        def timed(role: str, fn: Any) -> Any:
            start = time.perf_counter()
            out = fn(list(texts))
            self.seconds[role] += time.perf_counter() - start
            return out

        return EncodedBatch(
            dense=timed("dense", self.dense.encode_document) if self.dense else None,
            splade=timed("splade", self.splade.encode_document) if self.splade else None,
            bm25=timed("bm25", self.bm25.encode_document),
        )

    def encode_query(self, text: str, role: str) -> np.ndarray | SparseVec:
        encoder = getattr(self, role, None)
        if encoder is None:
            raise ValueError(f"this index has no {role} encoder")
        if role == "dense":
            return encoder.encode_query([text])[0]
        vector: SparseVec = encoder.encode_query([text])[0]
        return vector
