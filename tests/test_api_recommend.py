"""The recommendation endpoints on the demo index with fitted outfit purchases."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from modasearch import Engine
from modasearch.recommend import fit_model
from tests.conftest import outfit_events

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

from modasearch.api import create_app
from modasearch.api.settings import ApiSettings


@pytest.fixture(scope="module")
def client(demo_engine: Engine) -> Iterator[TestClient]:
    fit_model(demo_engine, outfit_events(demo_engine)).save(demo_engine.directory)
    with TestClient(create_app(engine=demo_engine, settings=ApiSettings())) as test_client:
        yield test_client


def _types(body: dict) -> list[str]:
    return [h["product"]["attributes"]["articleType"] for h in body["hits"]]


def test_picks_for_a_customer(client: TestClient) -> None:
    bought = {h for h in outfit_events(client.app.state.service.engine).query("customer == 'c0'")["product"]}
    response = client.post("/recommendations", json={"customer_id": "c0", "k": 6})
    body = response.json()
    assert response.status_code == 200 and len(body["hits"]) == 6 and body["parse"]["customer_events"] == 3
    assert {h["product"]["id"] for h in body["hits"][:3]} == bought
    fresh = client.post("/recommendations", json={"customer_id": "c0", "exclude": sorted(bought)}).json()
    assert not {h["product"]["id"] for h in fresh["hits"]} & bought and len(fresh["hits"]) == 12
    women = client.post("/recommendations", json={"customer_id": "c0", "filters": {"gender": "Women"}}).json()
    assert {h["product"]["attributes"]["gender"] for h in women["hits"]} == {"Women"}


def test_picks_for_a_session_and_for_events(client: TestClient) -> None:
    body = client.post("/recommendations", json={"likes": ["10189"], "dislikes": ["11159"], "k": 8}).json()
    ids = [h["product"]["id"] for h in body["hits"]]
    assert "10189" not in ids and "11159" not in ids and "Ties" not in _types(body)
    events = [{"product_id": "10016", "kind": "view", "at": "2024-05-05T10:00:00+02:00"}]
    viewed = client.post("/recommendations", json={"events": events, "likes": ["nope"], "k": 5}).json()
    assert viewed["parse"]["unknown_products"] == ["nope"] and len(viewed["hits"]) == 5
    stranger = client.post("/recommendations", json={"customer_id": "someone new", "k": 3}).json()
    assert stranger["parse"]["customer_events"] == 0 and len(stranger["hits"]) == 3  # best-sellers


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"events": [{"product_id": "10016", "kind": "wishlist"}]}, 422, "kind"),
        ({"events": [{"product_id": "10016", "at": "0001-01-01T00:00:00"}]}, 422, "1900"),
        ({"likes": [""]}, 422, "likes"),
        ({"likes": ["10016"] * 201}, 422, "likes"),
        ({"k": 0}, 422, "k"),
        ({"customer": "c0"}, 422, "customer"),
        ({"customer_id": "c0", "filters": {"colour": "red"}}, 422, "unknown filter field 'colour'"),
    ],
)
def test_bad_recommendation_requests(client: TestClient, body: dict, status: int, message: str) -> None:
    response = client.post("/recommendations", json=body)
    assert response.status_code == status and message in response.text


def test_complete_the_look(client: TestClient) -> None:
    response = client.get("/products/10189/complete-the-look", params={"k": 6})
    body = response.json()
    assert response.status_code == 200 and len(body["hits"]) == 6 and "Shirts" not in _types(body)
    assert set(_types(body)) <= {"Trousers", "Casual Shoes"}  # what the fitted baskets pair shirts with
    assert client.get("/products/nope/complete-the-look").status_code == 404
    bad = client.get("/products/10189/complete-the-look", params={"filters": "{oops"})
    assert bad.status_code == 422 and "JSON" in bad.json()["error"]
