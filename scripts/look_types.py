"""Rebuild the shipped complementary-type table (src/modasearch/models/assets/look-types.json) from
a week of real H&M baskets: python scripts/look_types.py ../shared/data/hm"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

from modasearch.recommend.events import load_events
from modasearch.recommend.types import MIN_PAIRS, complement_types

OUT = Path(__file__).resolve().parents[1] / "src/modasearch/models/assets/look-types.json"


def main(data_dir: str) -> None:
    root = Path(data_dir)
    events, report = load_events(root / "transactions-2020-09-week.parquet")
    print(report.summary())
    articles = pd.read_parquet(root / "articles.parquet", columns=["article_id", "product_type_name"])
    product_type = dict(
        zip(articles["article_id"].astype(str).str.zfill(10), articles["product_type_name"], strict=True)
    )
    complements = complement_types(events, product_type)
    card = {
        "source": "H&M Personalized Fashion Recommendations (Kaggle), transactions 2020-09-16..2020-09-22",
        "licence": "derived counts from Kaggle competition data (research use)",
        "method": "type pairs in the same customer-and-day baskets, weight n_ab/sqrt(n_a n_b), "
        f"pairs seen at least {MIN_PAIRS} times",
        "events": len(events),
        "types": len(complements),
    }
    OUT.write_text(json.dumps({"card": card, "complements": complements}, indent=0, sort_keys=True) + "\n")
    print(f"{OUT}: {len(complements)} types")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/hm")
