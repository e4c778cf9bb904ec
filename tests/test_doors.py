"""The same query gives the same products from every door: the command line (--json), the Python API,
the REST API and the shop page's own request (built by the page's JavaScript in Chromium)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from modasearch import Engine, load_catalog
from modasearch.cli.main import app as cli
from modasearch.demo import DEMO_CATALOG
from modasearch.search.request import from_flat

fastapi = pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from modasearch.api import create_app  # noqa: E402
from modasearch.api.settings import ApiSettings  # noqa: E402

# 50 queries: shoppers' words, typos, modes and filters (as the page sends them: lists of values)
QUERIES: list[dict[str, Any]] = [
    {"query": q}
    for q in (
        "white sneakers",
        "black dress",
        "mens running shoes",
        "girls party frock",
        "blue jeans",
        "red t-shirt",
        "handbag",
        "watch",
        "sunglasses",
        "formal shoes",
        "kurta",
        "track pants",
        "blak dreses",
        "snekers",
        "jeens for men",
        "wach",
        "sandles",
        "tshirt",
        "sweatshirt women",
        "casual shirts men",
        "flip flops",
        "backpack",
        "heels",
        "socks",
        "perfume",
    )
] + [
    {"query": "shoes", "mode": "bm25"},
    {"query": "black shoes", "mode": "splade"},
    {"query": "summer dress", "mode": "dense"},
    {"query": "red dress", "mode": "image"},
    {"query": "blue jeans", "mode": "hybrid"},
    {"query": "shirt", "mode": "bm25"},
    {"query": "leather bag", "mode": "dense"},
    {"query": "white shoes", "mode": "image"},
    {"query": "sports shoes", "mode": "splade"},
    {"query": "shoes", "filters": {"gender": ["Women"]}},
    {"query": "dress", "filters": {"baseColour": ["Black", "Blue"]}},
    {"query": "shirt", "filters": {"gender": ["Men"], "usage": ["Casual"]}},
    {"query": "bag", "filters": {"gender": ["Women"]}, "mode": "bm25"},
    {"query": "shoes", "filters": {"articleType": ["Sports Shoes"]}},
    {"query": "watch men", "filters": {"gender": ["Men"]}},
    {"query": "t-shirt", "filters": {"baseColour": ["White"]}},
    {"query": "jeans", "filters": {"gender": ["Men"]}, "mode": "dense"},
    {"query": "top", "filters": {"gender": ["Women"]}},
    {"query": "shoe", "filters": {"season": ["Summer"]}},
    {"query": "kids", "filters": {"gender": ["Boys", "Girls"]}},
    {"query": "blak shoos"},
    {"query": "hoddie"},
    {"query": "lether wallet"},
    {"query": "sunglases"},
    {"query": "womens kurti"},
]
assert len(QUERIES) == 50
PAGE = 24  # the page's page size


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    catalog, _ = load_catalog(DEMO_CATALOG, "kaggle")
    path = tmp_path_factory.mktemp("doors") / "index"
    Engine.build(catalog, path).close()
    return path


def _cli_ids(index_dir: Path, ask: dict[str, Any]) -> list[str]:
    args = ["search", str(index_dir), ask["query"], "--json", "-k", str(PAGE)]
    if "mode" in ask:
        args += ["--mode", ask["mode"]]
    for field, values in ask.get("filters", {}).items():
        args += ["--filter", f"{field}={','.join(values)}"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return [h["product"]["id"] for h in json.loads(result.output)["hits"]]


def _rest_body(ask: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {"query": ask["query"], "page": {"k": PAGE}}
    if "mode" in ask:
        body["retrieval"] = {"mode": ask["mode"]}
    if "filters" in ask:
        body["filters"] = ask["filters"]
    return body


@pytest.fixture(scope="module")
def answers(index_dir: Path) -> Iterator[dict[str, list[list[str]]]]:
    """Each door's ids for every query; the CLI first (it opens the index itself), then the rest."""
    found: dict[str, list[list[str]]] = {"cli": [_cli_ids(index_dir, ask) for ask in QUERIES]}
    with Engine.open(index_dir) as engine:
        found["python"] = [engine.search(k=PAGE, **ask).ids() for ask in QUERIES]
        found["request"] = [engine.run(from_flat({**ask, "k": PAGE})).ids() for ask in QUERIES]
        app = create_app(engine=engine, settings=ApiSettings())
        with TestClient(app) as client:
            found["rest"] = [
                [h["product"]["id"] for h in client.post("/search", json=_rest_body(ask)).json()["hits"]]
                for ask in QUERIES
            ]
        found["page"] = _page_ids(app)
        yield found


def _page_ids(app: Any) -> list[list[str]]:
    """The page's own request for each query (its searchBody(), as its search box would send it),
    posted from the page in Chromium; empty when Chromium is not installed."""
    from tests.test_browser import CHROMIUM, FLAGS, _free_port

    if not CHROMIUM.exists():
        return []
    playwright_api = pytest.importorskip("playwright.sync_api")
    uvicorn = pytest.importorskip("uvicorn")
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    script = """async (ask) => {
        const s = window.modasearch.state;
        s.query = ask.query; s.mode = ask.mode || ""; s.filters = ask.filters || {}; s.page = 1;
        const body = window.modasearch.searchBody();
        const headers = {"Content-Type": "application/json"};
        const response = await fetch("/search", {method: "POST", headers, body: JSON.stringify(body)});
        return (await response.json()).hits.map((h) => h.product.id);
    }"""
    try:
        with playwright_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
            tab = browser.new_page()
            tab.goto(f"http://127.0.0.1:{port}/")
            tab.wait_for_function("() => window.modasearch !== undefined")
            ids = [tab.evaluate(script, ask) for ask in QUERIES]
            browser.close()
    finally:
        server.should_exit = True
        thread.join(10)
    return ids


@pytest.mark.parametrize("door", ["python", "request", "rest", "page"])
def test_every_door_gives_the_same_ids(answers: dict[str, list[list[str]]], door: str) -> None:
    if door == "page" and not answers["page"]:
        pytest.skip("Debian chromium is not installed")
    assert all(answers["cli"]), "every query finds something"
    differing = [
        QUERIES[i] for i, (a, b) in enumerate(zip(answers["cli"], answers[door], strict=True)) if a != b
    ]
    assert differing == []
