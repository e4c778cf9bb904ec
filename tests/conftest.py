from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from modasearch import Engine, load_catalog
from modasearch.catalog import Catalog
from modasearch.demo import DEMO_CATALOG

SHARED = Path(os.environ.get("MODASEARCH_SHARED", Path(__file__).resolve().parents[2] / "shared" / "data"))
KAGGLE = SHARED / "kaggle-fashion"
HM_ARTICLES = SHARED / "hm" / "articles.parquet"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def needs(path: Path) -> pytest.MarkDecorator:
    return pytest.mark.skipif(not path.exists(), reason=f"{path} not found (shared data)")


@pytest.fixture(scope="session")
def demo_catalog() -> Catalog:
    catalog, _ = load_catalog(DEMO_CATALOG, "kaggle")
    return catalog


@pytest.fixture(scope="session")
def demo_engine(tmp_path_factory: pytest.TempPathFactory, demo_catalog: Catalog) -> Engine:
    engine = Engine.build(demo_catalog, tmp_path_factory.mktemp("demo") / "index")
    yield engine
    engine.close()


def save_tiny_tokenizer(folder: Path, **special: object) -> None:
    """The shipped MiniLM tokenizer saved as a transformers fast tokenizer in `folder`, for the tiny
    random checkpoints the hub-model tests build (needs transformers)."""
    import transformers
    from tokenizers import Tokenizer

    from modasearch.models.builtin import asset_dir

    Tokenizer.from_file(str(asset_dir("minilm-l6-v2-int8") / "tokenizer.json")).save(
        str(folder / "tokenizer.json")
    )
    transformers.PreTrainedTokenizerFast(
        tokenizer_file=str(folder / "tokenizer.json"), unk_token="[UNK]", pad_token="[PAD]", **special
    ).save_pretrained(folder)


def outfit_events(engine: Engine) -> pd.DataFrame:
    """60 shoppers buying an outfit on one of five days: men a shirt, trousers and casual shoes;
    women a dress, a handbag and heels (seeded choices among the demo products)."""
    from modasearch.recommend.events import frame

    rng = np.random.default_rng(0)
    by_type: dict[str, list[str]] = {}
    for hit in engine.backend.scroll((), 1000, ["product_id", "attributes"]):
        by_type.setdefault(hit.payload["attributes"]["articleType"], []).append(hit.payload["product_id"])
    outfits = [("Shirts", "Trousers", "Casual Shoes"), ("Dresses", "Handbags", "Heels")]
    rows = []
    for i in range(60):
        day = pd.Timestamp(f"2024-05-{1 + i % 5:02d}")
        for kind in outfits[i % 2]:
            rows.append(
                [f"c{i}", str(rng.choice(sorted(by_type[kind]))), day, "purchase", 1.0, len(rows) + 2]
            )
    return frame(rows)
