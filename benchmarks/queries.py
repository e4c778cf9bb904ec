"""Shopper-style queries made from real H&M article attributes (seeded, reproducible)."""

from __future__ import annotations

import random

from modasearch.catalog import Catalog

TEMPLATES = (
    ("colour_group", "product_type"),
    ("graphical_appearance", "product_type", "index_group"),
    ("perceived_colour_master", "product_type", "index_group"),
    ("department",),
    ("colour_group", "garment_group"),
    ("title",),
)


def attribute_queries(catalog: Catalog, n: int = 1000, seed: int = 13) -> list[str]:
    rng = random.Random(seed)
    queries: list[str] = []
    seen: set[str] = set()
    for _ in range(50 * n):  # small catalogs may hold fewer than n distinct queries
        if len(queries) == n:
            break
        product = rng.choice(catalog.products)
        template = rng.choice(TEMPLATES)
        words = [product.title if f == "title" else str(product.attributes.get(f, "")) for f in template]
        query = " ".join(w for w in words if w and w.lower() not in ("unknown", "solid")).lower()
        if query and query not in seen:
            seen.add(query)
            queries.append(query)
    return queries
