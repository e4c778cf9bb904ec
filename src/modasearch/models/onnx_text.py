"""Text encoders on onnxruntime + tokenizers: no torch at query time."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from tokenizers import Tokenizer

from modasearch.models.spec import EncoderSpec

if TYPE_CHECKING:
    import onnxruntime as ort


@dataclass(frozen=True)
class SparseVec:
    indices: list[int]
    values: list[float]


def _session(path: Path, threads: int | None) -> ort.InferenceSession:
    import onnxruntime as ort  # on first use: a keyword search never loads it

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or os.cpu_count() or 1
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    # Idle threads must not spin: several sessions (dense, SPLADE) and the engine share two cores.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    # x86 CPUs without VNNI saturate onnxruntime's fast u8s8 int8 products (vpmaddubsw): vectors, and so
    # rankings, differed by CPU. The exact products cost those CPUs some speed; VNNI CPUs are unaffected
    options.add_session_config_entry("session.x64quantprecision", "1")
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


class OnnxTextModel:
    """Tokenise, batch by length (little padding), run the ONNX graph, restore the input order."""

    def __init__(self, directory: Path, spec: EncoderSpec, threads: int | None = None) -> None:
        self.spec = spec
        self.directory = directory
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.tokenizer.enable_truncation(spec.max_length)
        self.tokenizer.no_padding()
        self.threads = threads
        self._session: ort.InferenceSession | None = None
        self._query_session: ort.InferenceSession | None = None

    @property
    def session(self) -> ort.InferenceSession:
        """The session for batches (documents), on every core; made on first use, so a process that
        only encodes queries (a search from the command line, a server) never pays for it."""
        if self._session is None:
            self._session = _session(self.directory / "model.onnx", self.threads)
        return self._session

    @property
    def query_session(self) -> ort.InferenceSession:
        """A one-thread session for single queries: faster than two threads on a few tokens, and it
        lets the dense and sparse query encoders run side by side."""
        if self._query_session is None:
            self._query_session = _session(self.directory / "model.onnx", 1)
        return self._query_session

    def _batches(
        self, texts: Sequence[str], batch_size: int
    ) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        encodings = self.tokenizer.encode_batch(list(texts))
        lengths = np.fromiter((len(e.ids) for e in encodings), dtype=np.int64, count=len(encodings))
        order = np.argsort(-lengths, kind="stable")
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            width = int(lengths[rows].max())
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, i in enumerate(rows):
                n = lengths[i]
                ids[r, :n] = encodings[i].ids
                mask[r, :n] = 1
            yield rows, ids, mask

    def run(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        out: np.ndarray | None = None
        session = self.query_session if len(texts) == 1 else self.session
        for rows, ids, mask in self._batches(texts, batch_size):
            (result,) = session.run(None, {"input_ids": ids, "attention_mask": mask})
            if out is None:
                out = np.empty((len(texts), result.shape[1]), dtype=np.float32)
            out[rows] = result
        return out if out is not None else np.empty((0, 0), dtype=np.float32)


class OnnxDenseEncoder:
    """Dense sentence embeddings (mean pooling and L2 normalisation are inside the graph)."""

    kind = "dense"

    def __init__(self, directory: Path, spec: EncoderSpec, threads: int | None = None) -> None:
        self.spec = spec
        self.model = OnnxTextModel(directory, spec, threads)

    @property
    def dim(self) -> int:
        assert self.spec.dim is not None
        return self.spec.dim

    def encode_query(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        return self.model.run([self.spec.query_prefix + t for t in texts], batch_size)

    def encode_document(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        return self.model.run([self.spec.document_prefix + t for t in texts], batch_size)


def to_sparse(weights: np.ndarray, top_k: int | None = None) -> list[SparseVec]:
    vectors = []
    for row in weights:
        nz = np.flatnonzero(row > 0)
        if top_k is not None and len(nz) > top_k:
            nz = nz[np.argpartition(-row[nz], top_k)[:top_k]]
            nz.sort()
        vectors.append(SparseVec(nz.tolist(), row[nz].astype(float).tolist()))
    return vectors


class OnnxSparseEncoder:
    """SPLADE: max over tokens of log(1 + relu(MLM logits)), a weight per vocabulary term."""

    kind = "sparse"

    def __init__(
        self, directory: Path, spec: EncoderSpec, threads: int | None = None, top_k: int = 256
    ) -> None:
        self.spec = spec
        self.model = OnnxTextModel(directory, spec, threads)
        self.top_k = top_k

    def encode_query(self, texts: Sequence[str], batch_size: int = 64) -> list[SparseVec]:
        return to_sparse(self.model.run(texts, batch_size), self.top_k)

    def encode_document(self, texts: Sequence[str], batch_size: int = 64) -> list[SparseVec]:
        return to_sparse(self.model.run(texts, batch_size), self.top_k)

    def terms(self, vector: SparseVec, n: int = 10) -> list[tuple[str, float]]:
        """The heaviest vocabulary terms of a vector: what the model thinks the text is about."""
        order = np.argsort(vector.values)[::-1][:n]
        return [(self.model.tokenizer.id_to_token(vector.indices[i]) or "?", vector.values[i]) for i in order]
