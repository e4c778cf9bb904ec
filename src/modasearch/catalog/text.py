"""The canonical product text: one definition used by indexing, training and evaluation."""

from __future__ import annotations

import re
from collections.abc import Sequence

from modasearch.catalog.product import Product

# Values that carry no meaning for a shopper and only add noise to every encoder.
_PLACEHOLDERS = {"", "unknown", "undefined", "na", "n/a", "none", "nan", "null", "-"}


def product_text(product: Product, text_attributes: Sequence[str] = (), with_description: bool = True) -> str:
    """Title, then the named attribute values (deduplicated, in order), then the description.

    The title comes first because encoders truncate from the end: what matters most survives.
    """
    seen = {product.title.strip().lower()}
    values: list[str] = []
    for name in text_attributes:
        value = product.attributes.get(name)
        if not isinstance(value, str):
            continue
        cleaned = value.strip()
        if cleaned.lower() in _PLACEHOLDERS or cleaned.lower() in seen:
            continue
        seen.add(cleaned.lower())
        values.append(cleaned)
    parts = [product.title.strip()]
    if values:
        parts.append(", ".join(values))
    if with_description and product.description.strip():
        parts.append(product.description.strip())
    return ". ".join(p.rstrip(".") for p in parts if p) + "."


MAX_VIEWS = 4  # dense vectors per product at most
VIEW_WORDS = 80  # words of description per view (the dense model reads 128 tokens)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def dense_views(product: Product, text_attributes: Sequence[str] = ()) -> list[str]:
    """What the dense retriever reads of a product, as separate vectors a query is scored against by
    the nearest one: the title with its attributes (what the product is), then the title with each
    part of its description (what it is like). One mean-pooled vector over all of it averages the
    description's details away, and long descriptions fall off the model's 128 tokens."""
    views = [product_text(product, text_attributes, with_description=False)]
    title = product.title.strip().rstrip(".")
    for chunk in _chunks(product.description.strip(), VIEW_WORDS):
        views.append(f"{title}. {chunk}")
        if len(views) == MAX_VIEWS:
            break
    return views


def _chunks(text: str, words: int) -> list[str]:
    """Consecutive sentences grouped up to `words` words (a longer sentence is cut)."""
    chunks: list[str] = []
    current: list[str] = []
    for sentence in (s.strip() for s in _SENTENCE_END.split(text)):
        if not sentence:
            continue
        tokens = sentence.split()
        while len(tokens) > words:
            chunks.append(" ".join(tokens[:words]))
            tokens = tokens[words:]
        if current and len(current) + len(tokens) > words:
            chunks.append(" ".join(current))
            current = []
        current.extend(tokens)
    if current:
        chunks.append(" ".join(current))
    return chunks
