"""A cross-encoder as the second stage: it reads the query and each candidate's product text together
and scores the pair (MODA's strongest single component). Runs the ONNX graph written by
`models.export_cross`; a hub id or checkpoint is exported once into the model cache ([hub] extra)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

from modasearch.models.export_cross import CrossSpec, export_cross_encoder, is_cross_dir, pair_feeds
from modasearch.models.onnx_text import _session
from modasearch.models.registry import exported_dir

BATCH = 32


class CrossEncoderRanker:
    def __init__(self, directory: Path, threads: int | None = None) -> None:
        self.directory = directory
        self.spec = CrossSpec.load(directory)
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.session = _session(directory / "cross.onnx", threads)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def version(self) -> str:
        return self.spec.version

    def score_pairs(self, query: str, texts: Sequence[str]) -> np.ndarray:
        """One relevance logit per text, higher is better."""
        scores = np.zeros(len(texts), dtype=np.float32)
        for start in range(0, len(texts), BATCH):
            pairs = [(query, t) for t in texts[start : start + BATCH]]
            scores[start : start + len(pairs)] = self.session.run(None, pair_feeds(self.tokenizer, pairs))[0]
        return scores

    @classmethod
    def load(cls, ref: str) -> CrossEncoderRanker:
        """An exported folder, or a hub id / local checkpoint exported on first use."""

        def export(source: str, target: Path) -> None:
            export_cross_encoder(source, target, name=ref)

        return cls(exported_dir(ref, "cross", is_cross_dir, export, "a cross-encoder"))
