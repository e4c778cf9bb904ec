"""A cache of document vectors by model and text, so rebuilding an index whose texts did not change
(another layout, other BM25 field weights, an experiment) does not run the neural encoders again.

Opt-in: MODASEARCH_VECTOR_CACHE=path/to/vectors.sqlite. One sqlite file (stdlib): a row per
(model version, text hash) holding the vector's bytes (dense: float32; sparse: int32 indices, then
float32 values).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from modasearch.models.onnx_text import SparseVec

ENV = "MODASEARCH_VECTOR_CACHE"
_CHUNK = 500  # keys per SELECT (sqlite's variable limit)


def _key(text: str) -> bytes:
    return hashlib.sha1(text.encode("utf-8")).digest()


def _dumps(vector: Any) -> bytes:
    if isinstance(vector, SparseVec):
        indices = np.asarray(vector.indices, dtype=np.int32)
        return (
            len(indices).to_bytes(4, "little")
            + indices.tobytes()
            + np.asarray(vector.values, np.float32).tobytes()
        )
    return np.asarray(vector, dtype=np.float32).tobytes()


def _loads(blob: bytes, sparse: bool) -> Any:
    if not sparse:
        return np.frombuffer(blob, dtype=np.float32).copy()
    n = int.from_bytes(blob[:4], "little")
    indices = np.frombuffer(blob[4 : 4 + 4 * n], dtype=np.int32)
    values = np.frombuffer(blob[4 + 4 * n :], dtype=np.float32)
    return SparseVec(indices.tolist(), values.astype(float).tolist())


class VectorCache:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS vectors (model TEXT, key BLOB, vector BLOB, PRIMARY KEY (model, key))"
        )
        self._lock = threading.Lock()

    @classmethod
    def from_env(cls) -> VectorCache | None:
        path = os.environ.get(ENV)
        return cls(path) if path else None

    def encode(
        self, model: str, texts: Sequence[str], encode: Callable[[list[str]], Any], sparse: bool
    ) -> list[Any]:
        """Each text's vector: from the cache, or encoded (the missing ones in one call) and kept."""
        keys = [_key(t) for t in texts]
        found: dict[bytes, Any] = {}
        with self._lock:
            for start in range(0, len(keys), _CHUNK):
                chunk = list(dict.fromkeys(keys[start : start + _CHUNK]))
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT key, vector FROM vectors WHERE model = ? AND key IN ({marks})", [model, *chunk]
                )
                found.update((bytes(k), _loads(v, sparse)) for k, v in rows)
        missing = list(dict.fromkeys(i for i, k in enumerate(keys) if k not in found))
        if missing:
            vectors = encode([texts[i] for i in missing])
            new = [(model, keys[i], _dumps(vectors[j])) for j, i in enumerate(missing)]
            with self._lock:
                self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", new)
                self._db.commit()
            for j, i in enumerate(missing):
                found[keys[i]] = vectors[j] if sparse else np.asarray(vectors[j], dtype=np.float32)
        return [found[k] for k in keys]

    def close(self) -> None:
        self._db.close()
