"""The shop page end to end in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright),
served by uvicorn on 127.0.0.1 over the demo index. Screenshots go to test-artifacts/browser/."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from modasearch import Engine
from modasearch.demo import DEMO_CATALOG
from tests.conftest import ARTIFACTS

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# CI sets MODASEARCH_REQUIRE_BROWSER=1: there a missing browser fails the run instead of skipping
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists() and not os.environ.get("MODASEARCH_REQUIRE_BROWSER"),
    reason="Debian chromium is not installed (apt-get install chromium)",
)
playwright_api = pytest.importorskip("playwright.sync_api")
uvicorn = pytest.importorskip("uvicorn")
SHOTS = ARTIFACTS / "browser"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(demo_engine: Engine) -> Iterator[str]:
    from modasearch.api import create_app
    from modasearch.api.settings import ApiSettings

    port = _free_port()
    app = create_app(engine=demo_engine, settings=ApiSettings())
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not uv.started and time.time() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, server: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
    tab.goto(server + "/")
    yield tab
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / f"{request.node.name}.png"), full_page=False)
    context.close()
    assert errors == []


def _matches(page: Any) -> int:
    """The number of products holding every query word, from the status line."""
    status = page.inner_text("#status")
    return int(status.split(" · ")[1].split()[0])


def _titles(page: Any, selector: str = "#results .card .title") -> list[str]:
    return [t.strip() for t in page.locator(selector).all_inner_texts()]


def test_type_a_query_see_suggestions_then_results(page: Any) -> None:
    page.fill("#q", "blue je")
    page.wait_for_selector("#suggestions li")
    assert all(
        "Blue" in s and "Jeans" in s
        for s in page.locator("#suggestions li span:first-child").all_inner_texts()
    )
    page.press("#q", "ArrowDown")
    assert page.get_attribute("#suggestions li >> nth=0", "aria-selected") == "true"
    page.press("#q", "Escape")
    page.fill("#q", "blue denim jeans for men")
    page.press("#q", "Enter")
    page.wait_for_selector("#results .card")
    titles = _titles(page)
    # the query names a product type: it leads the page (the shop preset ranks by it, it does not
    # filter by it: a filter did harm on the judged sets), duplicates shown once
    assert all("Jeans" in t for t in titles[:6]) and sum("Jeans" in t for t in titles) >= 8
    assert "q=blue+denim+jeans+for+men" in page.url  # the search is in the address: back and share work
    loaded = "() => (document.querySelector('#results .card img') || {}).naturalWidth > 0"
    page.wait_for_function(loaded)  # photos load lazily: wait for the first, then it must have pixels


def test_a_facet_changes_counts_and_results(page: Any) -> None:
    page.fill("#q", "shoes")
    page.press("#q", "Enter")
    # the landing page shows facets too: wait for the status line of the query's own results
    page.wait_for_function("() => document.querySelector('#status').textContent.includes('every word')")
    before = page.inner_text("#facets fieldset[data-field=articleType]")
    matches_before = _matches(page)
    page.check("#facets fieldset[data-field=gender] input[value=Women]")
    page.wait_for_selector("#chips .chip")
    page.wait_for_function(
        f"() => !document.querySelector('#status').textContent.includes('{matches_before} contain')"
    )
    after = page.inner_text("#facets fieldset[data-field=articleType]")
    assert before != after  # the other fields' counts follow the filter
    women = page.inner_text("#facets fieldset[data-field=gender] label:has(input[value=Women]) .count")
    assert _matches(page) == int(women) < matches_before
    page.click("#results .card-open >> nth=0")
    page.wait_for_selector("#product[open]")
    assert page.inner_text("#product-attributes").count("Women") == 1
    page.keyboard.press("Escape")
    page.click("#chips .chip")  # removing the filter brings the men's shoes back
    page.wait_for_function("() => !document.querySelector('#chips .chip')")


def test_upload_a_photo_and_see_similar_items(page: Any) -> None:
    page.set_input_files("#photo-input", str(DEMO_CATALOG / "images" / "11276.jpg"))
    page.wait_for_selector("#photo-query:not([hidden])")
    page.wait_for_selector("#results .card")
    assert page.get_attribute("#results .card >> nth=0", "data-id") == "11276"  # the same product first
    unsteered = page.locator("#results .card .meta").all_inner_texts()
    page.fill("#steer", "black")
    with page.expect_response("**/search/image") as steered:
        page.click("#steer-form button[type=submit]")
    assert steered.value.ok
    shown = "[...document.querySelectorAll('#results .card .meta')].map(e => e.textContent).join('|')"
    page.wait_for_function(f"(before) => {shown} !== before", arg="|".join(unsteered))  # re-rendered
    colours = page.locator("#results .card .meta").all_inner_texts()
    assert sum("Black" in c for c in colours[:10]) > sum("Black" in c for c in unsteered[:10])


def test_open_a_product_with_similar_items(page: Any) -> None:
    page.fill("#q", "red dress")
    page.press("#q", "Enter")
    page.wait_for_selector("#results .card")
    first = _titles(page)[0]
    page.click("#results .card-open >> nth=0")
    page.wait_for_selector("#similar .card")
    assert page.inner_text("#product-title") == first
    assert page.locator("#similar .card").count() == 8
    page.click("#similar .card-open >> nth=0")  # one similar item opens in its turn
    page.wait_for_function(f"() => document.querySelector('#product-title').textContent !== {first!r}")
    page.keyboard.press("Escape")
    assert not page.is_visible("#product")


def test_like_a_product_then_see_picks_and_the_look(page: Any) -> None:
    """A shirt's look shows other types; liking it fills "Picked for you", kept across reloads."""
    page.fill("#q", "blue shirt")
    page.press("#q", "Enter")
    page.wait_for_selector("#results .card")
    assert not page.is_visible("#picks-row")
    page.click("#results .card-open >> nth=0")
    page.wait_for_selector("#look .card")
    liked = page.get_attribute("#product", "data-id")
    look_types = page.locator("#look .meta").all_inner_texts()
    assert len(look_types) == 6 and not any(t.startswith("Shirts") for t in look_types)
    page.click("#like")
    assert page.get_attribute("#like", "aria-pressed") == "true"
    page.keyboard.press("Escape")
    page.wait_for_selector("#picks .card")
    picks = page.eval_on_selector_all("#picks .card", "cards => cards.map(c => c.dataset.id)")
    assert len(picks) == 6 and liked not in picks
    page.screenshot(path=str(SHOTS / "picked-for-you.png"), full_page=True)
    page.reload()
    page.wait_for_selector("#picks .card")  # the taste lives in this browser's storage
    page.evaluate("localStorage.clear()")


def test_keyboard_only(page: Any) -> None:
    page.keyboard.press("Tab")  # the skip link, then the search box
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("watch")
    page.keyboard.press("Enter")
    page.wait_for_selector("#results .card")
    page.focus("#results .card-open >> nth=0")
    page.keyboard.press("Enter")
    page.wait_for_selector("#product[open]")


def test_small_screen(browser: Any, server: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    tab = context.new_page()
    tab.goto(server + "/#q=sandals")
    tab.wait_for_selector("#results .card")
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / "test_small_screen.png"))
    context.close()
