"""The canonical product text: one definition used by indexing, training and evaluation."""

from __future__ import annotations

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
