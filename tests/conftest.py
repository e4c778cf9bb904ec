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
