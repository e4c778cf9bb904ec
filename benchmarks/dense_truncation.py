"""How many product texts the dense model cuts: the share of H&M products whose canonical text (title,
attributes, description) is longer than the model's 128 tokens, by the model's own tokenizer.

python benchmarks/dense_truncation.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from modasearch.catalog.loaders.hm import load_hm
from modasearch.catalog.text import product_text
from modasearch.models.builtin import DEFAULT_DENSE
from modasearch.models.registry import load_encoder


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", default="../shared/data")
    args = parser.parse_args()
    catalog, _ = load_hm(Path(args.data) / "hm" / "articles.parquet")
    encoder = load_encoder(DEFAULT_DENSE, "dense")
    tokenizer = encoder.model.tokenizer  # type: ignore[union-attr]
    tokenizer.no_truncation()
    texts = [product_text(p, catalog.text_attributes) for p in catalog.products]
    lengths = np.array([len(e.ids) for e in tokenizer.encode_batch(texts)])
    limit = encoder.spec.max_length
    print(
        f"{len(texts)} H&M product texts: median {np.median(lengths):.0f} tokens, p99 "
        f"{np.percentile(lengths, 99):.0f}; longer than {limit}: {(lengths > limit).mean():.1%}"
    )


if __name__ == "__main__":
    main()
