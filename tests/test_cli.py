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
        ["eval"],
        ["eval", "build"],
        ["eval", "run"],
        ["eval", "score"],
        ["eval", "compare"],
        ["eval", "recommend"],
        ["eval", "look"],
        ["train"],
        ["train", "align"],
        ["recommend"],
        ["recommend", "fit"],
        ["recommend", "for"],
        ["recommend", "look"],
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
        (["shirt", "--mode", "semantic"], "unknown retrieval.mode 'semantic'"),
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


EVAL_GRID = """
baseline = "bm25"
preset = "plain"
metrics = ["ndcg@10", "precision@1"]
k = 20
[[config]]
name = "bm25"
mode = "bm25"
[[config]]
name = "dense"
mode = "dense"
"""


def test_eval_run_compare_and_score(tmp_path: Path, demo_catalog: Catalog) -> None:
    from modasearch.demo import DEMO_CATALOG
    from modasearch.eval.benchmarks import Benchmark, kagl_attr, save_benchmark
    from modasearch.eval.formats import write_trec_run

    queries, qrels = kagl_attr(demo_catalog, fields=("articleType",))
    meta = {"version": 1, "catalog": {"path": str(DEMO_CATALOG), "format": "kaggle"}}
    bench = save_benchmark(tmp_path / "bench", Benchmark("demo-attr", queries, qrels, meta))
    grid = tmp_path / "grid.toml"
    grid.write_text(EVAL_GRID, encoding="utf-8")
    out, results = tmp_path / "out", tmp_path / "RESULTS.md"
    args = ["eval", "run", "-b", str(bench), "-c", str(grid), "-o", str(out), "--results", str(results)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "0 of 2 runs came from the cache" in result.output
    table = results.read_text()
    assert (
        "<!-- eval-grid -->" in table  # one section per grid file
        and "| `dense` |" in table
        and "Command: `modasearch eval run" in table
    )
    assert {p.name for p in out.iterdir()} >= {"leaderboard.md", "leaderboard.png", "index", "runs"}

    again = runner.invoke(app, args)  # resumes: every run comes from the cache
    assert again.exit_code == 0 and "2 of 2 runs came from the cache" in again.output

    compared = runner.invoke(app, ["eval", "compare", str(out), "bm25", "dense", "-n", "2", "--depth", "2"])
    assert compared.exit_code == 0, compared.output
    assert "bm25 wins" in compared.output and "grade · title" in compared.output

    run = {q: {p: 1.0 for p in list(judged)[:3]} for q, judged in qrels.items()}
    write_trec_run(run, tmp_path / "run.trec")
    scored = runner.invoke(
        app, ["eval", "score", str(bench / "qrels.trec"), str(tmp_path / "run.trec"), "-m", "precision@1"]
    )
    assert scored.exit_code == 0, scored.output
    assert "precision@1" in scored.output and "1.0000" in scored.output


def test_eval_refuses_qrels_naming_unknown_products(tmp_path: Path, demo_index: str) -> None:
    from modasearch.eval.benchmarks import Benchmark, save_benchmark

    bench = Benchmark("bad", {"q1": "jeans"}, {"q1": {"no-such-product": 1}}, {"version": 1})
    save_benchmark(tmp_path / "bench", bench)
    grid = tmp_path / "grid.toml"
    grid.write_text(EVAL_GRID, encoding="utf-8")
    args = [
        "eval",
        "run",
        "-b",
        str(tmp_path / "bench"),
        "-c",
        str(grid),
        "--index",
        demo_index,
        "-o",
        str(tmp_path / "o"),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "the qrels name 1 products that are not in the catalog/index: no-such-product" in result.output


def test_eval_skips_benchmarks_it_cannot_build_for(tmp_path: Path) -> None:
    from modasearch.eval.benchmarks import Benchmark, save_benchmark

    bench = Benchmark(
        "kagl-t2i", {"q1": "Nike Men Black Shoes"}, {"q1": {"10001": 1}}, {"requires": "sketch"}
    )
    save_benchmark(tmp_path / "bench", bench)
    grid = tmp_path / "grid.toml"
    grid.write_text(EVAL_GRID, encoding="utf-8")
    args = ["eval", "run", "-b", str(tmp_path / "bench"), "-c", str(grid), "-o", str(tmp_path / "out")]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "skipped kagl-t2i: it needs sketch search" in " ".join(result.output.split())
    assert not (tmp_path / "out" / "index").exists()


def test_search_by_photo_and_similar_items(demo_index: str, tmp_path: Path) -> None:
    from modasearch.demo import DEMO_CATALOG

    photo = DEMO_CATALOG / "images" / "11276.jpg"
    result = runner.invoke(app, ["search", demo_index, "--image", str(photo), "-k", "2", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["hits"][0]["product"]["id"] == "11276"
    result = runner.invoke(app, ["search", demo_index, "--similar", "11276", "-k", "2", "--json"])
    assert result.exit_code == 0 and "11276" not in [
        h["product"]["id"] for h in json.loads(result.output)["hits"]
    ]
    result = runner.invoke(app, ["search", demo_index, "--colour", "#f0d020", "-k", "3", "--json"])
    assert result.exit_code == 0, result.output
    assert all(
        h["product"]["attributes"]["baseColour"] == "Yellow" for h in json.loads(result.output)["hits"]
    )
    result = runner.invoke(app, ["search", demo_index, "--colour", "yellowish"])
    assert result.exit_code == 2 and "is not a colour" in result.output
    bad = tmp_path / "bad.jpg"
    bad.write_text("not a photo")
    result = runner.invoke(app, ["search", demo_index, "--image", str(bad)])
    assert result.exit_code == 2 and "not an image" in result.output
    result = runner.invoke(app, ["search", demo_index])
    assert result.exit_code == 2 and "give a QUERY, --image, --similar or --colour" in result.output


def test_recommend_fit_for_and_look(demo_index: str, tmp_path: Path) -> None:
    events = tmp_path / "events.csv"
    rows = [f"c{i},{p},2024-05-0{1 + i % 3}" for i in range(12) for p in ("10189", "10257", "10267")]
    events.write_text(
        "customer_id,product_id,date\n" + "\n".join([*rows, "c1,nope,2024-05-01", "c2,10016,when"])
    )
    fitted = runner.invoke(app, ["recommend", "fit", demo_index, str(events)])
    assert fitted.exit_code == 0, fitted.output
    assert "line 38: skipped: product not in the index: nope" in fitted.output
    assert "line 39: skipped: bad timestamp" in fitted.output and "fitted on 36 events" in fitted.output
    picks = runner.invoke(app, ["recommend", "for", demo_index, "--customer", "c0", "-k", "3"])
    assert picks.exit_code == 0 and "10189" in picks.output, picks.output
    look = runner.invoke(app, ["recommend", "look", demo_index, "10189", "-k", "4"])
    assert look.exit_code == 0 and "10257" in look.output and "completing" in look.output, look.output
    nothing = runner.invoke(app, ["recommend", "for", demo_index])
    assert nothing.exit_code == 2 and "--customer" in nothing.output
    missing = runner.invoke(app, ["recommend", "fit", demo_index, str(tmp_path / "none.csv")])
    assert missing.exit_code == 2 and "no such file" in missing.output


def test_the_cli_half_life_default_is_the_recommenders() -> None:
    from modasearch.cli import recommend
    from modasearch.recommend import popularity

    assert recommend.HALF_LIFE_DAYS == popularity.HALF_LIFE_DAYS
