"""Rebuild the bundled demo catalog: a seeded, category-balanced sample of Kaggle Fashion Product
Images rows that have a photo. Usage: python scripts/make_demo_catalog.py [../shared/data/kaggle-fashion]"""

from __future__ import annotations

import csv
import random
import shutil
import sys
from collections import defaultdict
from pathlib import Path

from modasearch.catalog import load_kaggle
from modasearch.catalog.loaders.kaggle import COLUMNS

SOURCE = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/kaggle-fashion")
TARGET = Path("src/modasearch/demo/data")
PER_TYPE = 12
TYPES = 36
SEED = 7


def main() -> None:
    catalog, report = load_kaggle(SOURCE, only_with_images=True)
    by_type: dict[str, list] = defaultdict(list)
    for product in catalog.products:
        by_type[str(product.attributes.get("articleType"))].append(product)
    rng = random.Random(SEED)
    chosen = []
    for _, products in sorted(by_type.items(), key=lambda kv: -len(kv[1]))[:TYPES]:
        chosen.extend(rng.sample(products, min(PER_TYPE, len(products))))
    chosen.sort(key=lambda p: int(p.id))
    shutil.rmtree(TARGET / "images", ignore_errors=True)
    (TARGET / "images").mkdir(parents=True)
    with (TARGET / "styles.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        columns = list(COLUMNS[:-1])
        writer.writerow([*columns, "productDisplayName"])
        for p in chosen:
            writer.writerow([p.id, *(p.attributes.get(c, "") for c in columns[1:]), p.title])
            shutil.copy(SOURCE / "images" / f"{p.id}.jpg", TARGET / "images" / f"{p.id}.jpg")
    print(f"{len(chosen)} products from {len(by_type)} article types -> {TARGET} ({report.summary()})")


if __name__ == "__main__":
    main()
