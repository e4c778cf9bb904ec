"""What an index promises across crashes and concurrent processes: a rebuild never swaps the index
away from under a process that has it open, a write killed half-way leaves nothing searchable that
filters and counts do not know, a damaged manifest is one clear line."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from modasearch import Engine, Product
from modasearch.catalog import Catalog
from modasearch.cli.main import app
from modasearch.index.manifest import PREVIOUS, IndexStateError
from modasearch.search.engine import WRITING, EngineConfig

TEXT_ONLY = EngineConfig(dense_model=None, sparse_model=None, image_model=None)


@pytest.fixture
def catalog(demo_catalog: Catalog) -> Catalog:
    products = [Product(p.id, p.title, attributes=p.attributes) for p in demo_catalog.products[:60]]
    return Catalog(products, demo_catalog.text_attributes, "small")


def test_a_rebuild_under_an_open_index_is_refused(tmp_path: Path, catalog: Catalog) -> None:
    index = tmp_path / "idx"
    Engine.build(catalog, index, TEXT_ONLY).close()
    with Engine.open(index) as serving:  # a running server
        with pytest.raises(IndexStateError, match="open in another process"):
            Engine.build(catalog, index, TEXT_ONLY)
        serving.add([Product("kept", "Acknowledged write", attributes={"articleType": "Shirts"})])
    with Engine.open(index) as reopened:
        assert reopened.get("kept") is not None  # the acknowledged write survived


KILLED_ADD = textwrap.dedent(
    """
    import os, signal, sys
    from modasearch import Engine, Product
    index, marker = sys.argv[1], sys.argv[2]
    products = [Product(f"n{i}", f"Kimono robe {i}", attributes={"articleType": "Kimono", "fit": "Loose"})
                for i in range(1500)]
    def progress(done, total):
        if done >= 600:
            open(marker, "w").close()
            os.kill(os.getpid(), signal.SIGKILL)  # kill -9 in the middle of the add
    engine = Engine.open(index)
    engine.add(products, progress=progress)
    """
)


def test_a_killed_add_leaves_nothing_unknown(tmp_path: Path, catalog: Catalog) -> None:
    index = tmp_path / "idx"
    Engine.build(catalog, index, TEXT_ONLY).close()
    marker = tmp_path / "killed"
    proc = subprocess.run([sys.executable, "-c", KILLED_ADD, str(index), str(marker)], check=False)
    assert proc.returncode == -signal.SIGKILL and marker.exists()
    assert (index / WRITING).exists()  # the write never finished
    with Engine.open(index) as engine:
        held = len(engine)
        assert held > 60 and engine.manifest.counts["products"] == held  # the manifest knows them
        assert "fit" in engine.state.fields and "Kimono" in engine.state.vocab["articleType"]
        assert len(engine.search("robe", k=5, filters={"fit": "Loose"}, preset="plain")) == 5
        assert not (index / WRITING).exists()


def test_a_damaged_manifest_is_one_line(tmp_path: Path, catalog: Catalog) -> None:
    index = tmp_path / "idx"
    with Engine.build(catalog, index, TEXT_ONLY) as engine:
        engine.add([Product("x1", "Linen shirt")])  # a second save: the first is kept as .prev
    assert json.loads((index / PREVIOUS).read_text())["revision"] == 0
    text = (index / "manifest.json").read_text()
    (index / "manifest.json").write_text(text[: len(text) // 2])  # truncated
    for args in (["search", str(index), "shirt"], ["info", str(index)]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 2, result.output
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(" ".join(lines)) < 600 and "damaged" in result.output and PREVIOUS in result.output
    os.replace(index / PREVIOUS, index / "manifest.json")  # the recovery the message describes
    with Engine.open(index) as engine:
        assert len(engine) == 61 and engine.manifest.counts["products"] == 61  # re-read from the engine
        assert engine.get("x1") is not None
