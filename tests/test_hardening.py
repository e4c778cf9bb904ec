"""Each defect a probe of the service and the command line found (issue 18), as a test: bad input is
a clear 4xx, never a 500; every photo problem is reported per product; a replaced product never keeps
a photo it no longer has; a catalog whose image folder is a symlink still takes API writes."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from modasearch import Engine, load_catalog
from modasearch.cli.main import app as cli
from modasearch.demo import DEMO_CATALOG

fastapi = pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from modasearch.api import create_app  # noqa: E402
from modasearch.api.settings import ApiSettings  # noqa: E402

KEY = "k"
WRITE = {"x-api-key": KEY, "content-type": "application/json"}


def _small_catalog(folder: Path, rows: int = 12, link_images: bool = False) -> Path:
    """A Kaggle-layout folder with the first demo rows and their photos (or a symlink to them)."""
    folder.mkdir(parents=True)
    lines = (DEMO_CATALOG / "styles.csv").read_text(encoding="utf-8").splitlines()
    (folder / "styles.csv").write_text("\n".join(lines[: rows + 1]) + "\n", encoding="utf-8")
    if link_images:
        (folder / "images").symlink_to(DEMO_CATALOG / "images")
    else:
        shutil.copytree(DEMO_CATALOG / "images", folder / "images")
    return folder


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = _small_catalog(tmp_path_factory.mktemp("linked") / "shop", link_images=True)
    catalog, _ = load_catalog(folder, "kaggle")
    engine = Engine.build(catalog, folder.parent / "index")
    with TestClient(
        create_app(engine=engine, settings=ApiSettings(api_key=KEY)), raise_server_exceptions=False
    ) as c:
        yield c
    engine.close()


@pytest.mark.parametrize(
    ("method", "path", "body", "params"),
    [
        ("GET", "/facets", None, {"filters": '{"year": {"gte": NaN}}'}),
        ("GET", "/products/ID/similar", None, {"filters": '{"year": [[1]]}'}),
        ("POST", "/search", '{"query": "dress", "filters": {"year": [NaN]}}', None),
        ("POST", "/search", '{"query": "dress", "filters": {"year": {"lte": false}}}', None),
        ("POST", "/products", '{"products": [{"id": "z1", "title": "x", "price": NaN}]}', None),
        ("POST", "/products", '{"products": [{"id": "z2", "title": "x", "image": "images"}]}', None),
        ("POST", "/products", '{"products": [{"id": "z3", "title": "x", "image": "."}]}', None),
        ("POST", "/products", '{"products": [{"id": "z4", "title": "x", "image": "a\\u0000b"}]}', None),
        ("POST", "/products", '{"products": [{"id": "   ", "title": "   "}]}', None),
        (
            "POST",
            "/products",
            '{"products": [{"id": "z5", "title": "x", "attributes": {"__proto__": "a"}}]}',
            None,
        ),
        ("POST", "/search", b'{"query": "\xff\xfe"}', None),
        # JSON's true is no count, no number, and 1 no boolean (a longer schemathesis run found these)
        ("POST", "/search", '{"query": "dress", "facets": {"limit": true}}', None),
        ("POST", "/search", '{"query": "dress", "page": {"k": "10"}}', None),
        ("POST", "/search", '{"query": "dress", "page": {"k": true}}', None),
        ("POST", "/recommendations", '{"k": true}', None),
        ("POST", "/search", '{"query": "dress", "arrangement": {"collapse": 1}}', None),
        ("POST", "/search", '{"query": "dress", "understanding": {"synonyms": true}}', None),
        ("POST", "/products", '{"products": [{"id": "z6", "title": "x", "price": true}]}', None),
        ("POST", "/search", '{"query": "dress", "filters": {"year": {"gte": null, "lte": 2020}}}', None),
        ("POST", "/products", '{"products": [{"id": "z7", "title": "x", "price": -3}]}', None),
    ],
)
def test_bad_input_is_a_clear_4xx(
    client: TestClient, method: str, path: str, body: object, params: object
) -> None:
    product = client.post("/search", json={"query": "shirt", "page": {"k": 1}}).json()["hits"][0]["product"][
        "id"
    ]
    response = client.request(method, path.replace("ID", product), content=body, params=params, headers=WRITE)
    assert 400 <= response.status_code < 500 and response.json()["error"], response.text
    assert client.get("/health").status_code == 200  # the connection and the server go on


def test_a_whole_number_written_with_a_point_is_a_count(client: TestClient) -> None:
    """JSON Schema's integer takes 10.0 (schemathesis sends it): the same page as 10."""
    ten = client.post("/search", json={"query": "shirt", "page": {"k": 10.0}})
    assert ten.status_code == 200 and len(ten.json()["hits"]) == 10


def test_every_page_the_schema_allows_is_answered(client: TestClient) -> None:
    """offset <= 10,000 with k <= 1,000 let a schema-valid page pass the 10,000th result (a 422 the
    document could not tell): offset now stops at 9,000."""
    deepest = client.post("/search", json={"query": "shirt", "page": {"k": 1000, "offset": 9000}})
    assert deepest.status_code == 200 and deepest.json()["hits"] == []
    assert client.post("/search", json={"query": "shirt", "page": {"offset": 9001}}).status_code == 422
    photo = client.post("/search/image", files={"file": ("a.png", b"x")}, data={"k": "413", "offset": "9500"})
    assert photo.status_code == 422 and "offset" in photo.text


def test_transport_errors_are_the_documented_ones(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b"x" * 50_000

    over = client.post("/search", content=chunks(), headers={"content-type": "application/json"})
    assert over.status_code == 413  # a streamed body over the limit, not a parse error
    assert client.put("/search", json={}).headers["allow"] == "POST"  # 405 says what is allowed
    keyless = client.post("/products", content=b"{" * 100, headers={"content-type": "application/json"})
    assert keyless.status_code == 401  # the key is checked before the body is read


def test_ids_with_a_slash_are_reachable(client: TestClient) -> None:
    added = client.post(
        "/products", json={"products": [{"id": "AB/123", "title": "Slash shirt"}]}, headers=WRITE
    )
    assert added.status_code == 200
    assert client.get("/products/AB%2F123").json()["id"] == "AB/123"
    assert client.get("/products/AB/123").json()["id"] == "AB/123"
    assert client.delete("/products/AB%2F123", headers=WRITE).json()["deleted"] == 1


def test_a_symlinked_image_folder_takes_writes_and_photos_follow_their_products(client: TestClient) -> None:
    photo = next((DEMO_CATALOG / "images").glob("*.jpg")).name
    product = {"id": "w1", "title": "Linked photo shirt", "image": f"images/{photo}"}
    assert client.post("/products", json={"products": [product]}, headers=WRITE).status_code == 200
    assert client.get("/products/w1/image").status_code == 200
    outside = client.post(
        "/products", json={"products": [{**product, "image": "../../etc/passwd"}]}, headers=WRITE
    )
    assert outside.status_code == 422
    replaced = client.post(
        "/products", json={"products": [{"id": "w1", "title": "No photo now"}]}, headers=WRITE
    )
    assert replaced.status_code == 200
    assert client.get("/products/w1/image").status_code == 404  # the old photo is not served


def test_photo_problems_are_reported_per_product(tmp_path: Path) -> None:
    folder = _small_catalog(tmp_path / "shop", rows=6)
    ids = [line.split(",")[0] for line in (folder / "styles.csv").read_text().splitlines()[1:]]
    (folder / "images" / f"{ids[0]}.jpg").write_bytes(b"")  # empty
    (folder / "images" / f"{ids[1]}.jpg").write_text("not an image")
    data = (folder / "images" / f"{ids[2]}.jpg").read_bytes()
    (folder / "images" / f"{ids[2]}.jpg").write_bytes(data[: len(data) // 3])  # truncated
    result = CliRunner().invoke(cli, ["index", str(folder), str(tmp_path / "index"), "--no-splade"])
    assert result.exit_code == 0, result.output
    for product_id, reason in zip(ids[:3], ("empty", "not an image", "truncated"), strict=True):
        assert f"product {product_id}:" in result.output and reason in result.output


def test_products_added_from_another_folder_keep_their_photos(tmp_path: Path) -> None:
    first = _small_catalog(tmp_path / "first", rows=4)
    CliRunner().invoke(cli, ["index", str(first), str(tmp_path / "index"), "--no-splade"])
    other = tmp_path / "other"
    (other / "images").mkdir(parents=True)
    Image.new("RGB", (64, 64), (10, 200, 30)).save(other / "images" / "99999.jpg")
    header = (DEMO_CATALOG / "styles.csv").read_text().splitlines()[0]
    row = "99999,Men,Apparel,Topwear,Tshirts,Green,Summer,2012,Casual,Green Cotton Tshirt"
    (other / "styles.csv").write_text(f"{header}\n{row}\n")
    added = CliRunner().invoke(cli, ["products", "add", str(tmp_path / "index"), str(other)])
    assert added.exit_code == 0 and "could not be used" not in added.output, added.output
    with Engine.open(tmp_path / "index") as engine:
        assert engine.thumbnail("99999") is not None


def test_an_upload_of_16_bit_pixels_is_read(client: TestClient) -> None:
    out = io.BytesIO()
    Image.new("I;16", (1200, 900), 1000).save(out, "PNG")
    response = client.post("/search/image", files={"file": ("x.png", out.getvalue(), "image/png")})
    assert response.status_code == 200, response.text


def test_health_counts_what_the_engine_holds(client: TestClient) -> None:
    health = client.get("/health").json()
    searched = client.post("/search", json={"query": "shirt", "preset": "plain", "page": {"k": 1000}}).json()
    assert health["products"] >= len(searched["hits"]) and health["photos"] <= health["products"]
    assert json.dumps(health)  # plain JSON


def test_columns_that_are_no_attribute_names_are_renamed_or_left_out_and_reported(tmp_path: Path) -> None:
    from modasearch.catalog.loaders.generic import load_generic
    from modasearch.catalog.loaders.rows import CatalogError
    from modasearch.catalog.mapping import FieldMapping

    path = tmp_path / "shop.csv"
    path.write_text(
        "id,title,,__proto__,a.b,a_b,Größe,$price,colour\n1,Red Dress,x,y,z,w,M,9,Red\n", encoding="utf-8"
    )
    catalog, report = load_generic(path)
    assert catalog.products[0].attributes == {"a_b": "w", "Größe": "M", "colour": "Red", "proto__": "y"}
    assert [(i.line, i.reason) for i in report.issues] == [
        (1, "column '' left out: not an attribute name (or a product field)"),
        (1, "column '__proto__' read as attribute 'proto__'"),
        (1, "column 'a.b' left out: attribute 'a_b' is taken"),
        (1, "column '$price' left out: not an attribute name (or a product field)"),
    ]
    with pytest.raises(CatalogError, match=r"attribute names \['__proto__'\] are not allowed"):
        load_generic(path, FieldMapping(attributes={"__proto__": "colour"}))


def test_a_column_named_after_a_product_field_is_that_field_and_reported(tmp_path: Path) -> None:
    """The last round reserved product-field names for attributes and so dropped a plain catalog's
    `price` and `description` columns without a word (a default mapping leaves them unset)."""
    from modasearch.catalog.loaders.generic import load_generic
    from modasearch.catalog.mapping import FieldMapping

    path = tmp_path / "shop.csv"
    path.write_text("id,title,price,description,colour\n1,Red Dress,9.5,Linen midi,Red\n", encoding="utf-8")
    catalog, report = load_generic(path)
    product = catalog.products[0]
    assert (product.price, product.description, product.attributes) == (9.5, "Linen midi", {"colour": "Red"})
    assert sorted(i.reason for i in report.issues) == [
        "column 'description' read as the product's description (`description=` leaves it unread)",
        "column 'price' read as the product's price (`price=` leaves it unread)",
    ]
    unread, _ = load_generic(path, FieldMapping().with_pairs(["price="]))
    assert unread.products[0].price is None and "price" not in unread.products[0].attributes
