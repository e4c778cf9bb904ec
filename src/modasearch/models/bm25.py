"""BM25 as sparse vectors: Qdrant's own tokeniser/stemmer client-side, IDF applied by the engine.

Term frequencies and document-length normalisation live in the document vector, IDF comes from the
index (sparse vector `modifier=IDF`), so adding products never needs re-encoding old ones. `avg_len`
is the catalog's mean document length in tokens, measured at build time and kept in the manifest.
"""

from __future__ import annotations

from collections.abc import Sequence

import qdrant_edge as qe

from modasearch.models.onnx_text import SparseVec
from modasearch.models.spec import EncoderSpec

BM25_VERSION = "qdrant-edge-0.9.0-bm25-en-v1"


class Bm25Encoder:
    kind = "bm25"

    def __init__(
        self, k1: float = 1.2, b: float = 0.75, avg_len: float = 256.0, language: str = "english"
    ) -> None:
        self.k1, self.b, self.avg_len, self.language = k1, b, avg_len, language
        self._model = qe.Bm25(qe.Bm25Config(k=k1, b=b, avg_len=avg_len, language=language))
        self.spec = EncoderSpec(
            name="bm25",
            kind="bm25",
            source="builtin:bm25",
            version=BM25_VERSION,
            dim=None,
            max_length=0,
            pooling="",
            normalize=False,
            licence="Apache-2.0",
        )

    def settings(self) -> dict[str, object]:
        return {"k1": self.k1, "b": self.b, "avg_len": self.avg_len, "language": self.language}

    @staticmethod
    def _convert(vector: qe.SparseVector) -> SparseVec:
        pairs = sorted(zip(vector.indices, vector.values, strict=True))
        return SparseVec([i for i, _ in pairs], [float(v) for _, v in pairs])

    def encode_query(self, texts: Sequence[str], batch_size: int = 0) -> list[SparseVec]:
        return [self._convert(self._model.embed_query(t)) for t in texts]

    def encode_document(self, texts: Sequence[str], batch_size: int = 0) -> list[SparseVec]:
        return [self._convert(self._model.embed_document(t)) for t in texts]


def document_length(text: str, language: str = "english") -> int:
    """Number of BM25 tokens in `text`, repeats included.

    The embedder does not expose token counts, but with b=0 and k=1 a term's weight is 2tf/(tf+1),
    which gives back each term frequency exactly.
    """
    probe = qe.Bm25(qe.Bm25Config(k=1.0, b=0.0, language=language))
    return round(sum(v / (2.0 - v) for v in probe.embed_document(text).values))


def average_length(texts: Sequence[str], language: str = "english") -> float:
    """Mean document length in BM25 tokens: the `avg_len` of b-normalisation."""
    if not texts:
        return 1.0
    return max(1.0, sum(document_length(t, language) for t in texts) / len(texts))
