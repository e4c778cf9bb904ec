"""The REST API on the demo index: every endpoint, its errors, uploads, keys and limits."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest
from PIL import Image

from modasearch import Engine
from modasearch.demo import DEMO_CATALOG

fastapi = pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from modasearch.api import create_app  # noqa: E402
from modasearch.api.settings import ApiSettings  # noqa: E402

KEY = "test-key"
PHOTO = (DEMO_CATALOG / "images" / "11276.jpg").read_bytes()  # Nike Men Running Maroon Sweatshirt


@pytest.fixture(scope="module")
def client(demo_engine: Engine) -> Iterator[TestClient]:
    app = create_app(engine=demo_engine, settings=ApiSettings(api_key=KEY, max_upload_bytes=2**20))
    with TestClient(app) as test_client:
        yield test_client


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 40)).save(out, "PNG")
    return out.getvalue()


def test_health_and_timing_header(client: TestClient) -> None:
    response = client.get("/health")
    body = response.json()
    assert response.status_code == 200 and body["products"] == 432 and body["photos"] == 432
    assert body["models"]["image"].startswith("fashion-align@") and "hybrid" in body["modes"]
    assert response.headers["x-response-time"].endswith("ms") and "server-timing" in response.headers


def test_search_with_facets_and_explain(client: TestClient) -> None:
    body = {
        "query": "black shoes",
        "page": {"k": 5},
        "facets": {"fields": ["gender"]},
        "filters": {"gender": "Women"},
    }
    response = client.post("/search", json={**body, "explain": True})
    data = response.json()
    assert response.status_code == 200 and len(data["hits"]) == 5
    assert all(h["product"]["attributes"]["gender"] == "Women" for h in data["hits"])
    assert set(data["hits"][0]["scores"]) == {"bm25", "splade", "dense"}
    assert data["hits"][0]["product"]["image_url"] == f"/products/{data['hits'][0]['product']['id']}/image"
    counts = {f["value"]: f["count"] for f in data["facets"]["facets"]["gender"]}
    assert counts == {"Men": 17, "Women": 6} and data["facets"]["total"] == 6  # disjunctive counts


def test_pages_and_modes(client: TestClient) -> None:
    first = client.post("/search", json={"query": "dress", "page": {"k": 4}}).json()["hits"]
    second = client.post("/search", json={"query": "dress", "page": {"k": 4, "offset": 4}}).json()["hits"]
    assert [h["rank"] for h in second] == [5, 6, 7, 8]
    assert not {h["product"]["id"] for h in first} & {h["product"]["id"] for h in second}
    body = {"query": "blue jeans", "retrieval": {"mode": "image"}, "page": {"k": 3}}
    image = client.post("/search", json=body).json()
    assert image["mode"] == "image" and len(image["hits"]) == 3


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"query": "dress", "filters": {"colour": "red"}}, 422, "unknown filter field 'colour'"),
        ({"query": "dress", "facets": {"fields": ["nope"]}}, 422, "cannot facet on"),
        ({"query": "dress", "retrieval": {"mode": "sql"}}, 422, "mode"),
        ({"query": ""}, 422, "query"),
        ({"query": "   "}, 422, "query"),
        ({"query": "x" * 1001}, 422, "query"),
        ({"query": "dress", "page": {"k": 0}}, 422, "k"),
        ({"query": "dress", "unknown": 1}, 422, "unknown"),
        ({"query": "dress", "filters": {"price": {"gte": "cheap"}}}, 422, "filters"),
        ({"query": "dress", "retrieval": {"weights": {"nope": 1.0}}}, 422, "nope"),
        ({"query": "dress", "preset": "nope"}, 422, "unknown preset"),
        ({"query": "dress", "filters": {"year": "abc"}}, 422, "numeric"),
        ({"query": "dress", "filters": {"gender": 3}}, 422, "text field"),
    ],
)
def test_bad_searches_are_4xx_json(client: TestClient, body: dict, status: int, message: str) -> None:
    response = client.post("/search", json=body)
    assert response.status_code == status and message in response.json()["error"]


def test_malformed_json(client: TestClient) -> None:
    response = client.post("/search", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422 and response.json()["error"] == "the request body is not valid JSON"


def test_photo_search_steering_and_filters(client: TestClient) -> None:
    response = client.post("/search/image", files={"file": ("x.bin", PHOTO, "text/plain")}, data={"k": "3"})
    assert response.status_code == 200 and response.json()["hits"][0]["product"]["id"] == "11276"
    steered = client.post(
        "/search/image",
        files={"file": ("x.jpg", PHOTO, "image/jpeg")},
        data={"k": "5", "text": "black", "filters": json.dumps({"gender": "Men"})},
    ).json()
    assert all(h["product"]["attributes"]["gender"] == "Men" for h in steered["hits"])


@pytest.mark.parametrize(
    ("content", "status", "message"),
    [
        (b"", 400, "empty"),
        (b"GIF89a" + bytes(200), 415, "not an image"),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), 415, "not an image"),
        (_png(30, 30)[:60], 400, "truncated"),
        (bytes(2**20 + 10), 413, "limit"),
    ],
)
def test_bad_uploads(client: TestClient, content: bytes, status: int, message: str) -> None:
    response = client.post("/search/image", files={"file": ("photo.jpg", content, "image/jpeg")})
    assert response.status_code == status and message in response.json()["error"]


def test_enormous_image_is_refused(client: TestClient) -> None:
    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, "PNG")  # 20000x20000 in a few kB
    response = client.post("/search/image", files={"file": ("big.png", out.getvalue(), "image/png")})
    assert response.status_code == 413 and "decompression bomb" in response.json()["error"]


def test_products_images_and_similar(client: TestClient) -> None:
    product = client.get("/products/11276").json()
    assert product["title"] == "Nike Men Running Maroon Sweatshirt"
    image = client.get(product["image_url"])
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(image.content)).format == "JPEG"
    similar = client.get("/products/11276/similar", params={"k": 4}).json()
    assert len(similar["hits"]) == 4 and "11276" not in [h["product"]["id"] for h in similar["hits"]]
    by_text = client.get("/products/11276/similar", params={"k": 4, "by": "text"}).json()
    assert by_text["mode"] == "dense"
    assert client.get("/products/nope").status_code == 404
    assert client.get("/products/nope/similar").status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/products/..%2F..%2Fetc%2Fpasswd/image", "/products/../../etc/passwd/image", "/products/%00/image"],
)
def test_image_route_cannot_name_a_file(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404 and response.headers["content-type"] == "application/json"


def test_facets_and_suggestions(client: TestClient) -> None:
    facets = client.get("/facets", params={"query": "shoes", "fields": ["gender"]}).json()
    assert facets["match"] == "all" and sum(v["count"] for v in facets["facets"]["gender"]) == facets["total"]
    bad = client.get("/facets", params={"filters": "{oops"})
    assert bad.status_code == 422 and "JSON" in bad.json()["error"]
    suggestions = client.get("/suggest", params={"q": "dre"}).json()["suggestions"]
    assert {"text": "Dresses", "field": "articleType"} in suggestions


def test_writes_need_the_key(client: TestClient) -> None:
    product = {"id": "api-1", "title": "Zebra print silk scarf", "attributes": {"articleType": "Scarves"}}
    body = {"products": [product]}
    assert client.post("/products", json=body).status_code == 401
    assert client.post("/products", json=body, headers={"x-api-key": "wrong"}).status_code == 401
    added = client.post("/products", json=body, headers={"x-api-key": KEY})
    assert added.status_code == 200 and added.json() == {"added": 1, "deleted": 0, "products": 433}
    body = {"query": "zebra scarf", "retrieval": {"mode": "bm25"}, "page": {"k": 1}}
    hits = client.post("/search", json=body).json()["hits"]
    assert hits[0]["product"]["id"] == "api-1" and hits[0]["product"]["image_url"] is None
    traversal = {"products": [{**product, "image": "../../../etc/passwd"}]}
    refused = client.post("/products", json=traversal, headers={"authorization": f"Bearer {KEY}"})
    assert refused.status_code == 422 and "inside the catalog" in refused.json()["error"]
    deleted = client.delete("/products/api-1", headers={"x-api-key": KEY})
    assert deleted.json() == {"added": 0, "deleted": 1, "products": 432}
    assert client.delete("/products/api-1", headers={"x-api-key": KEY}).status_code == 404


def test_writes_are_off_without_a_key(demo_engine: Engine) -> None:
    with TestClient(create_app(engine=demo_engine, settings=ApiSettings())) as anonymous:
        response = anonymous.delete("/products/11276", headers={"x-api-key": "anything"})
        assert response.status_code == 403 and "MODASEARCH_API_KEY" in response.json()["error"]
        assert (
            "access-control-allow-origin"
            not in anonymous.get("/health", headers={"origin": "http://evil.example"}).headers
        )


def test_cors_when_configured(demo_engine: Engine) -> None:
    settings = ApiSettings(cors_origins=("http://shop.example",))
    with TestClient(create_app(engine=demo_engine, settings=settings)) as cors:
        allowed = cors.get("/health", headers={"origin": "http://shop.example"})
        assert allowed.headers["access-control-allow-origin"] == "http://shop.example"
        other = cors.get("/health", headers={"origin": "http://evil.example"})
        assert "access-control-allow-origin" not in other.headers


def test_page_and_docs(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "modasearch" in page.text
    assert "http" not in page.text.split("<body>")[1]  # no asset from the internet
    assert client.get("/static/app.js").status_code == 200
    assert client.get("/docs").status_code == 200
    assert "/search/image" in client.get("/openapi.json").json()["paths"]


def test_sorting_and_diversity(client: TestClient) -> None:
    arrangement = {"sort_by": "year", "descending": True, "relevant": 20}
    body = {"query": "shoes", "page": {"k": 8}, "arrangement": arrangement}
    years = [h["product"]["attributes"]["year"] for h in client.post("/search", json=body).json()["hits"]]
    assert len(years) == 8 and years == sorted(years, reverse=True)
    body = {"query": "shoes", "page": {"k": 8}, "arrangement": {"diversify": 0.5}}
    diverse = client.post("/search", json=body)
    assert diverse.status_code == 200 and len(diverse.json()["hits"]) == 8
    refused = client.post("/search", json={"query": "shoes", "arrangement": {"sort_by": "gender"}})
    assert refused.status_code == 422 and "numeric fields" in refused.json()["error"]
