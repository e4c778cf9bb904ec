"""Second stage: re-rank the fused candidates with a learned linear model over features the pipeline
already has (each retriever's score, the fused rank, and how well a product matches the attribute
values the query names). Trained by `modasearch train ranker` (coordinate ascent on nDCG@10, as
RankLib's CoordinateAscent); runs in numpy in well under a millisecond for 100 candidates."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from modasearch.index.payload import TEXT_FIELD
from modasearch.index.types import Hit
from modasearch.search.fusion import min_max
from modasearch.search.roles import FieldRoles
from modasearch.search.understand import ParsedQuery, singular, tokens, words
from modasearch.search.vocabulary import (
    OCCASION_FILLERS,
    OCCASIONS,
    STOPWORDS,
    expansions,
    occasion_expansions,
)

RETRIEVERS = ("bm25", "splade", "dense", "image")
FEATURES = (
    "rrf",  # sum over retrievers of 1 / (60 + rank), x 60 / retrievers: 1 for first everywhere
    *RETRIEVERS,  # min-max-normalised score within the query's candidates, 0 when absent
    "coverage",  # share of the query's words (stopwords aside) its text holds, or a synonym of each
    "title_coverage",  # the same, in its title
    "type_match",  # it has the product type the query names (0.5 when the query names none)
    "colour_match",  # ... a colour the query names
    "audience_match",  # ... who it is for, as the query says (men, girls, ...)
)
RANKER_FILE = "ranker.json"
ASSETS = Path(__file__).resolve().parents[1] / "models" / "assets"
DEFAULT_RANKER = "fashion-rank"


def query_terms(query: str) -> list[list[set[str]]]:
    """Per content word of the query, its alternatives (the word; each synonym, as a set of words
    that must all be present)."""
    terms = []
    typed = tokens(query)
    occasion = bool(occasion_expansions(typed))  # names an occasion, and no product
    for word in typed:
        if word in STOPWORDS or (occasion and word in OCCASION_FILLERS):
            continue
        options = [{singular(word)}]
        options += [set(words(e)) for e in (*expansions(word), *expansions(singular(word)))]
        if occasion:
            options += [set(words(e)) for e in OCCASIONS.get(word, ())]
        terms.append(options)
    return terms


Patterns = list[list[tuple[str, ...]]]


def line_patterns(terms: Sequence[Sequence[set[str]]]) -> Patterns:
    """`terms` as the " w " each option's words are found by in a word line."""
    return [[tuple(f" {w} " for w in option) for option in options] for options in terms]


def line_coverage(patterns: Patterns, line: str) -> float:
    """The share of the query's terms a word line holds (a term: any of its options, all its words)."""
    if not patterns:
        return 0.0
    found = sum(any(all(p in line for p in option) for option in options) for options in patterns)
    return found / len(patterns)


def _matches(attributes: Mapping[str, Any], values: Sequence[tuple[str, str]]) -> float:
    if not values:
        return 0.5
    return float(any(str(attributes.get(f, "")).lower() == v.lower() for f, v in values))


def mention_values(parse: ParsedQuery | None, fields: Sequence[str]) -> list[tuple[str, str]]:
    if parse is None:
        return []
    return [(f, v) for m in parse.mentions for f, v in m.values if f in fields]


def word_line(words: Set[str]) -> str:
    """Words as " w1 w2 ... ": `" w " in line` tests a word, and a line takes about a tenth of the
    memory of a set, so a snapshot keeps them for as many products as its payloads."""
    return " " + " ".join(sorted(words)) + " "


def word_lines(payload: Mapping[str, Any]) -> tuple[str, str]:
    """The word lines of its title, and of its title and text (distinct words, singular)."""
    return _word_lines(str(payload.get("title", "")), str(payload.get(TEXT_FIELD, "")))


@functools.lru_cache(maxsize=4096)  # by content, so always right: for indexes whose snapshot keeps none
def _word_lines(title: str, text: str) -> tuple[str, str]:
    title_words = set(map(singular, set(tokens(title))))
    text_words = set(map(singular, set(tokens(text))))
    return word_line(title_words), word_line(title_words | text_words)


def candidate_features(
    candidates: Sequence[str],
    lists: Mapping[str, Sequence[Hit]],
    payloads: Mapping[str, Mapping[str, Any]],
    parse: ParsedQuery | None,
    query: str,
    roles: FieldRoles | None = None,
    lines: Mapping[str, tuple[str, ...]] | None = None,
) -> np.ndarray:
    """len(candidates) x len(FEATURES), float32. `parse` holds the mentions of fields whose role is
    known; `roles` says which field is which; `lines`, each candidate's `word_lines` when known."""
    roles = roles or FieldRoles()
    row = {doc: i for i, doc in enumerate(candidates)}
    x = np.zeros((len(candidates), len(FEATURES)), dtype=np.float32)
    col = {name: j for j, name in enumerate(FEATURES)}
    for name, hits in lists.items():
        for rank, (hit, norm) in enumerate(zip(hits, min_max([h.score for h in hits]), strict=True), start=1):
            if hit.id in row:
                x[row[hit.id], col["rrf"]] += 60 / (60 + rank) / max(1, len(lists))
                if name in col:
                    x[row[hit.id], col[name]] = norm
    patterns = line_patterns(query_terms(query))
    wanted = {
        "type_match": mention_values(parse, (roles.product_type,) if roles.product_type else ()),
        "colour_match": mention_values(parse, roles.colours),
        "audience_match": mention_values(parse, roles.audience),
    }
    for doc, i in row.items():
        payload = payloads.get(doc, {})
        title, text = lines[doc] if lines and doc in lines else word_lines(payload)
        x[i, col["coverage"]] = line_coverage(patterns, text)
        x[i, col["title_coverage"]] = line_coverage(patterns, title)
        attributes = payload.get("attributes") or {}
        for name, values in wanted.items():
            x[i, col[name]] = _matches(attributes, values)
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
PRIOR = LinearRanker("prior", {"rrf": 1.0, "type_match": 0.5, "colour_match": 0.25, "audience_match": 0.25})


def rerank(hits: Sequence[str], features: np.ndarray, ranker: LinearRanker) -> list[Hit]:
    scores = ranker.score(features)
    order = sorted(range(len(hits)), key=lambda i: (-float(scores[i]), i))  # ties keep the given order
    return [Hit(hits[i], float(scores[i]), {}) for i in order]
