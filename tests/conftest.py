from __future__ import annotations

import os
from pathlib import Path

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
