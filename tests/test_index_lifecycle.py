"""Manifest checks, incremental updates, atomic rebuilds, and the qdrant-client backend."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import replace
from pathlib import Path

import pytest

from modasearch import Engine, EngineConfig
from modasearch.catalog import Catalog, Product
from modasearch.index.build import EmptyCatalogError
from modasearch.index.manifest import IndexMismatchError, IndexStateError

FAST = EngineConfig(sparse_model=None)  # dense + BM25: enough to test the index mechanics quickly


@pytest.fixture
def small(demo_catalog: Catalog) -> Catalog:
    return Catalog(demo_catalog.products[:40], demo_catalog.text_attributes, name="small")


def test_add_update_delete(tmp_path: Path, small: Catalog) -> None:
    new = Product(
        "new-1", "Emerald velvet evening gown", "Floor-length gown.", {"articleType": "Gown", "year": 2020}
    )
    with Engine.build(small, tmp_path / "idx", FAST) as engine:
        engine.add([new])
        assert engine.search("emerald velvet gown", k=1).ids() == ["new-1"]
        assert engine.search("gown", filters={"articleType": "Gown"}).ids() == ["new-1"]
        engine.add([replace(new, title="Emerald velvet evening gown, sale")])
        assert engine.get("new-1").title.endswith("sale")  # type: ignore[union-attr]
        assert len(engine) == 41
        assert engine.delete(["new-1", "never-existed"]) == 1
    with Engine.open(tmp_path / "idx") as engine:
        assert engine.get("new-1") is None and len(engine) == 40
        for mode in ("bm25", "dense", "hybrid"):
            assert "new-1" not in engine.search("Emerald velvet evening gown sale", mode=mode, k=40).ids()
        assert engine.manifest.revision == 3 and engine.manifest.counts["products"] == 40


def test_index_refuses_other_models(tmp_path: Path, small: Catalog) -> None:
    Engine.build(small, tmp_path / "idx", EngineConfig(dense_model=None, sparse_model=None)).close()
    with pytest.raises(IndexMismatchError, match="no dense vectors"):
        Engine.open(tmp_path / "idx", dense_model="minilm-l6-v2-int8")
    Engine.build(small, tmp_path / "idx2", FAST).close()
    manifest = json.loads((tmp_path / "idx2" / "manifest.json").read_text())
    manifest["encoders"]["dense"]["version"] = "0123456789ab"
    (tmp_path / "idx2" / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(
        IndexMismatchError, match="built with dense model 'minilm-l6-v2-int8' \\(version 0123456789ab\\)"
    ):
        Engine.open(tmp_path / "idx2")


def test_bad_index_paths(tmp_path: Path, small: Catalog) -> None:
    with pytest.raises(IndexStateError, match="not a modasearch index"):
        Engine.open(tmp_path)
    (tmp_path / "precious").mkdir()
    (tmp_path / "precious" / "thesis.txt").write_text("do not delete")
    with pytest.raises(IndexStateError, match="refusing to replace"):
        Engine.build(small, tmp_path / "precious", FAST)
    assert (tmp_path / "precious" / "thesis.txt").exists()
    with pytest.raises(EmptyCatalogError):
        Engine.build(Catalog([]), tmp_path / "empty", FAST)
    assert not (tmp_path / "empty").exists()


KILLED_BUILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from modasearch import Engine, EngineConfig, load_catalog
    from modasearch.demo import DEMO_CATALOG
    catalog, _ = load_catalog(DEMO_CATALOG, "kaggle")
    def progress(done, total):
        Path(sys.argv[2]).write_text(str(done))
        time.sleep(60)
    Engine.build(catalog, sys.argv[1], EngineConfig(sparse_model=None), progress=progress)
    """
)


def test_killed_build_leaves_previous_index_searchable(tmp_path: Path, small: Catalog) -> None:
    index = tmp_path / "idx"
    Engine.build(small, index, FAST).close()
    marker = tmp_path / "started"
    proc = subprocess.Popen([sys.executable, "-c", KILLED_BUILD, str(index), str(marker)])
    try:
        deadline = time.time() + 120
        while not marker.exists() and time.time() < deadline and proc.poll() is None:
            time.sleep(0.2)
        assert marker.exists(), "the rebuild never started"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert list(tmp_path.glob(".idx.building-*"))  # the half-built copy is left beside, not in place
    with Engine.open(index) as engine:
        assert not list(tmp_path.glob(".idx.building-*"))  # the next command clears the dead one's leftovers
        assert len(engine) == 40
        assert len(engine.search("blue jeans", k=5, preset="plain")) == 5


def test_qdrant_server_backend_in_local_mode(tmp_path: Path, small: Catalog) -> None:
    pytest.importorskip("qdrant_client")
    location = str(tmp_path / "qdrant-local")
    with Engine.build(small, tmp_path / "idx", server=location) as engine:
        assert engine.manifest.backend["kind"] == "server"
        edge_free = {
            m: engine.search("blue jeans for men", mode=m, k=3).ids() for m in ("bm25", "splade", "dense")
        }
        assert all(len(ids) == 3 for ids in edge_free.values())
        hybrid = engine.search("blue jeans", k=5, filters={"articleType": "Jeans"})
        assert {h.product.attributes["articleType"] for h in hybrid} == {"Jeans"}
        assert engine.search("blue jeans", k=3, fusion="score").ids()
        engine.delete([small.products[0].id])
    with Engine.open(tmp_path / "idx") as engine:
        assert len(engine) == 39
    Engine.build(small, tmp_path / "idx", server=location).close()  # a rebuild drops the old collection
    from qdrant_client import QdrantClient

    client = QdrantClient(path=location)
    assert len(client.get_collections().collections) == 1
    client.close()


def test_attribute_names_that_are_not_identifiers_filter_fine(tmp_path: Path) -> None:
    products = [
        Product(
            str(i),
            f"shirt {i}",
            attributes={"colour name": "Red" if i % 2 else "Blue", "sleeve.length": "long"},
        )
        for i in range(6)
    ]
    config = EngineConfig(dense_model=None, sparse_model=None)
    with Engine.build(Catalog(products), tmp_path / "idx", config) as engine:
        assert sorted(engine.search("shirt", mode="bm25", filters={"colour name": "red"}).ids()) == [
            "1",
            "3",
            "5",
        ]
        assert len(engine.search("shirt", mode="bm25", filters={"sleeve.length": "long"})) == 6
