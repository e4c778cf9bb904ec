"""The command line, as a person uses it: help everywhere, results, and errors without tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from modasearch import Engine
from modasearch.catalog import Catalog
from modasearch.cli.main import app

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_index(tmp_path_factory: pytest.TempPathFactory, demo_catalog: Catalog) -> str:
    """An index of its own: the embedded engine lets one Engine at a time open an index."""
    path = tmp_path_factory.mktemp("cli") / "index"
    Engine.build(demo_catalog, path).close()
    return str(path)


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["index"],
        ["search"],
        ["demo"],
        ["info"],
        ["models"],
        ["models", "export"],
        ["models", "list"],
        ["products"],
        ["products", "add"],
        ["products", "delete"],
        ["products", "get"],
    ],
)
def test_every_command_has_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_search_table_and_json(demo_index: str) -> None:
    index = demo_index
    result = runner.invoke(app, ["search", index, "blue denim jeans for men", "-k", "3", "--explain"])
    assert result.exit_code == 0, result.output
    assert "Jeans" in result.output and "bm25=" in result.output
    result = runner.invoke(
        app,
        [
            "search",
            index,
            "red dress",
            "--json",
            "-k",
            "2",
            "--filter",
            "baseColour=red",
            "--weights",
            "bm25=1,dense=2",
            "--fusion",
            "score",
        ],
    )
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)["hits"]
    assert len(hits) == 2 and all(h["product"]["attributes"]["baseColour"] == "Red" for h in hits)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["", "--mode", "bm25"], "the query is empty"),
        (["x" * 10_000], "10000 characters"),
        (["shirt", "--filter", "fabric=silk"], "unknown filter field 'fabric'"),
        (["shirt", "--filter", "year=abc..2012"], "range bounds must be numbers"),
        (["shirt", "--mode", "semantic"], "unknown or unavailable mode"),
        (["shirt", "--weights", "dense"], "--weights takes"),
    ],
)
def test_search_errors_are_one_clear_line(demo_index: str, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["search", demo_index, *args])
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_index_reports_bad_rows_and_builds(tmp_path: Path) -> None:
    catalog = tmp_path / "shop.csv"
    catalog.write_bytes(b"id,title,colour\n1,Red dress,Red\n2,Blue jeans\n1,Again,Red\n3,Green scarf,Green\n")
    index = tmp_path / "idx"
    result = runner.invoke(app, ["index", str(catalog), str(index), "--no-splade", "--no-dense"])
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "4 rows read, 0 recovered, 2 skipped" in out
    assert "line 3: skipped: wrong field count" in out and "line 4: skipped: duplicate id: 1" in out
    assert "indexed 2 products" in out
    result = runner.invoke(app, ["search", str(index), "scarf", "--mode", "dense"])
    assert result.exit_code == 2 and "unknown or unavailable mode 'dense'" in " ".join(result.output.split())


def test_index_errors(tmp_path: Path) -> None:
    result = runner.invoke(app, ["index", str(tmp_path / "nope.csv"), str(tmp_path / "idx")])
    assert result.exit_code == 2 and "not found" in result.output
    (tmp_path / "empty.csv").write_text("id,title\n")
    result = runner.invoke(app, ["index", str(tmp_path / "empty.csv"), str(tmp_path / "idx"), "--no-splade"])
    assert result.exit_code == 2 and "no products" in result.output
    result = runner.invoke(
        app, ["index", str(tmp_path / "empty.csv"), str(tmp_path / "idx"), "-f", "title=name"]
    )
    assert result.exit_code == 2 and "no such column" in " ".join(result.output.split())


def test_products_add_get_delete(tmp_path: Path) -> None:
    base = tmp_path / "base.jsonl"
    base.write_text(json.dumps({"id": "a", "title": "Linen shirt"}) + "\n")
    index = str(tmp_path / "idx")
    assert runner.invoke(app, ["index", str(base), index, "--no-splade", "--no-dense"]).exit_code == 0
    more = tmp_path / "more.jsonl"
    more.write_text(json.dumps({"id": "b", "title": "Wool coat"}) + "\n")
    result = runner.invoke(app, ["products", "add", index, str(more)])
    assert result.exit_code == 0 and "the index holds 2" in result.output
    result = runner.invoke(app, ["products", "get", index, "b"])
    assert json.loads(result.output)["title"] == "Wool coat"
    result = runner.invoke(app, ["products", "delete", index, "b", "zzz"])
    assert "removed 1" in result.output and "1 not in the index" in result.output
    assert runner.invoke(app, ["products", "get", index, "b"]).exit_code == 1
    info = runner.invoke(app, ["info", index])
    assert info.exit_code == 0 and '"products": 1' in info.output


def test_models_list() -> None:
    result = runner.invoke(app, ["models", "list"])
    assert result.exit_code == 0 and "minilm-l6-v2-int8" in result.output and "splade-tiny" in result.output


def test_an_index_open_elsewhere_is_explained(demo_engine: Engine) -> None:
    result = runner.invoke(app, ["search", str(demo_engine.directory), "shirt"])
    assert result.exit_code == 2 and "open in another process" in " ".join(result.output.split())
