"""How far known attributes alone get on kagl-t2i: the hit@10 of a model that knew each photo's
attributes exactly and ordered at random within them (the expected value, computed exactly).

    python benchmarks/visual_bounds.py [--data ../shared/data]

Each held-out title (kagl-t2i's split) is one query; the candidates that share its attributes are
ranked first in random order, and a query is found when one of its identical-title photos is in
the top 10. Writes the `visual-bounds` section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import random
from collections import Counter
from math import comb
from pathlib import Path

import numpy as np

from common import write_section
from modasearch.catalog.loaders.kaggle import load_kaggle
from modasearch.catalog.product import Product

KNOWN = (
    ("articleType",),
    ("gender", "articleType"),
    ("gender", "articleType", "baseColour"),
    ("gender", "articleType", "baseColour", "brand"),
)


def key(product: Product, attributes: tuple[str, ...]) -> tuple[str, ...]:
    """The attribute values; "brand" is the title's first word (Kaggle has no brand column)."""
    return tuple(
        product.title.split()[0] if a == "brand" else str(product.attributes.get(a)) for a in attributes
    )


def expected_hit(candidates: int, positives: int, k: int = 10) -> float:
    """P(at least one of `positives` among k drawn at random from `candidates`)."""
    return 1.0 if candidates <= k else 1 - comb(candidates - positives, k) / comb(candidates, k)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    args = parser.parse_args()
    catalog, _ = load_kaggle(args.data / "kaggle-fashion", only_with_images=True)
    ids = sorted(p.id for p in catalog.products)
    random.Random(0).shuffle(ids)
    heldout = set(ids[: round(0.2 * len(ids))])  # kagl-t2i's held-out part
    rows = []
    for attributes in KNOWN:
        groups = Counter(key(p, attributes) for p in catalog.products)
        twins = Counter((key(p, attributes), p.title) for p in catalog.products)
        seen: set[str] = set()
        hits = []
        for product in sorted(catalog.products, key=lambda p: p.id):
            if product.id in heldout and product.title not in seen:
                seen.add(product.title)
                group = key(product, attributes)
                hits.append(expected_hit(groups[group], twins[group, product.title]))
        rows.append(f"| {' + '.join(attributes)} | {np.mean(hits):.3f} |")
    body = "\n".join(
        [
            "## Visual search: what known attributes alone reach on kagl-t2i",
            "",
            "Command: `python benchmarks/visual_bounds.py`. Expected hit@10 over the "
            f"{len(seen)} held-out titles of a model that knew these attributes of every photo "
            "exactly and ordered at random within them:",
            "",
            "| known exactly | hit@10 |",
            "|---|---|",
            *rows,
        ]
    )
    write_section("visual-bounds", body + "\n")
    print(body)


if __name__ == "__main__":
    main()
