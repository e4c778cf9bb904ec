"""Second stage: re-rank the fused candidates with a learned linear model over features the pipeline
already has (each retriever's score, the fused rank, and how well a product matches the attribute
values the query names). Trained by `modasearch train ranker` (coordinate ascent on nDCG@10, as
RankLib's CoordinateAscent); runs in numpy in well under a millisecond for 100 candidates."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from modasearch.index.types import Hit
from modasearch.search.fusion import min_max
from modasearch.search.understand import ParsedQuery, words

RETRIEVERS = ("bm25", "splade", "dense", "image")
FEATURES = (
    "rrf",  # sum over retrievers of 1 / (60 + rank), x 60 / retrievers: 1 for first everywhere
    *RETRIEVERS,  # min-max-normalised score within the candidate list, 0 when absent
    "mentions",  # share of the query's attribute mentions the product has (0.5 with no mention)
    "first_mention",  # the product has the value of the query's most important mention
    "mention_words",  # share of the mentioned values' words among the product's attribute words
    "title_words",  # share of the query's words in the title
)
RANKER_FILE = "ranker.json"
ASSETS = Path(__file__).resolve().parents[1] / "models" / "assets"
DEFAULT_RANKER = "fashion-rank"


def _has(attributes: Mapping[str, Any], values: Sequence[tuple[str, str]]) -> bool:
    return any(str(attributes.get(f, "")).lower() == v.lower() for f, v in values)


def mention_features(parse: ParsedQuery | None, attributes: Mapping[str, Any]) -> tuple[float, float, float]:
    """(share of mentions matched, first mention matched, share of mentioned words present): the last
    gives near misses partial credit ("Dark Red" asked, the product's colour family is "Red")."""
    if parse is None or not parse.mentions:
        return 0.5, 0.5, 0.5
    matched = [_has(attributes, m.values) for m in parse.mentions]
    first = min(range(len(parse.mentions)), key=lambda i: parse.mentions[i].start)
    have = {w for value in attributes.values() for w in words(str(value))}
    wanted = [w for m in parse.mentions for w in words(m.value)]
    near = sum(w in have for w in wanted) / len(wanted) if wanted else 0.5
    return sum(matched) / len(matched), float(matched[first]), near


def candidate_features(
    candidates: Sequence[str],
    lists: Mapping[str, Sequence[Hit]],
    payloads: Mapping[str, Mapping[str, Any]],
    parse: ParsedQuery | None,
    query: str,
) -> np.ndarray:
    """len(candidates) x len(FEATURES), float32."""
    row = {doc: i for i, doc in enumerate(candidates)}
    x = np.zeros((len(candidates), len(FEATURES)), dtype=np.float32)
    col = {name: j for j, name in enumerate(FEATURES)}
    for name, hits in lists.items():
        for rank, (hit, norm) in enumerate(zip(hits, min_max([h.score for h in hits]), strict=True), start=1):
            if hit.id in row:
                x[row[hit.id], col["rrf"]] += 60 / (60 + rank) / max(1, len(lists))
                if name in col:
                    x[row[hit.id], col[name]] = norm
    query_words = set(words(query))
    for doc, i in row.items():
        payload = payloads.get(doc, {})
        x[i, col["mentions"]], x[i, col["first_mention"]], x[i, col["mention_words"]] = mention_features(
            parse, payload.get("attributes") or {}
        )
        title = set(words(str(payload.get("title", ""))))
        x[i, col["title_words"]] = len(query_words & title) / len(query_words) if query_words else 0.0
    return x


@dataclass(frozen=True)
class LinearRanker:
    name: str
    weights: dict[str, float]
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def version(self) -> str:
        """Changes whenever the weights do."""
        weights = json.dumps(sorted(self.weights.items())).encode()
        return hashlib.sha256(weights).hexdigest()[:12]

    def vector(self) -> np.ndarray:
        return np.array([self.weights.get(f, 0.0) for f in FEATURES], dtype=np.float32)

    def score(self, features: np.ndarray) -> np.ndarray:
        return features @ self.vector()

    def save(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / RANKER_FILE
        body = {"name": self.name, "features": list(FEATURES), "weights": self.weights, "meta": self.meta}
        path.write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
        return path

    @classmethod
    def load(cls, ref: str = DEFAULT_RANKER) -> LinearRanker:
        """A shipped ranker by name, or a folder written by `modasearch train ranker`."""
        directory = Path(ref) if Path(ref).is_dir() else ASSETS / ref
        path = directory / RANKER_FILE
        if not path.exists():
            raise FileNotFoundError(f"no ranker {ref!r}: train one with `modasearch train ranker`")
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["name"], {k: float(v) for k, v in data["weights"].items()}, data.get("meta", {}))


# Before any training: the fused rank, plus the attribute matches a shopper would expect to count.
PRIOR = LinearRanker("prior", {"rrf": 1.0, "mentions": 0.5, "first_mention": 0.5})


def rerank(hits: Sequence[str], features: np.ndarray, ranker: LinearRanker) -> list[Hit]:
    scores = ranker.score(features)
    order = sorted(range(len(hits)), key=lambda i: (-float(scores[i]), hits[i]))
    return [Hit(hits[i], float(scores[i]), {}) for i in order]
