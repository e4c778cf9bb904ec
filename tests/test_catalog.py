from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from modasearch.catalog import (
    FieldMapping,
    Product,
    load_catalog,
    load_generic,
    load_hm,
    load_kaggle,
    product_text,
)
from modasearch.catalog.loaders.rows import CatalogError
from modasearch.catalog.mapping import MappingError
from tests.conftest import HM_ARTICLES, KAGGLE, needs


@needs(KAGGLE)
def test_kaggle_recovers_every_malformed_row_with_its_line_number() -> None:
    catalog, report = load_kaggle(KAGGLE)
    assert len(catalog) == 44_446
    assert report.n_recovered == 22 and report.n_skipped == 0
    assert report.issues[0].line == 6044
    recovered = {p.id: p for p in catalog.products}
    line = (KAGGLE / "styles.csv").read_text(encoding="utf-8").splitlines()[6043]
    fields = line.split(",")
    assert recovered[fields[0]].title == ",".join(fields[9:]).strip()
    assert sum(p.image is not None for p in catalog) == 9_583
    assert recovered["15970"].attributes["year"] == 2011


@needs(HM_ARTICLES)
def test_hm_ids_stay_zero_padded_and_product_code_groups_variants() -> None:
    catalog, report = load_hm(HM_ARTICLES)
    assert len(catalog) == 105_542 and not report.issues
    first = catalog.products[0]
    assert first.id == "0108775015" and first.group_id == "0108775"
    assert first.attributes["colour_group"] == "Black"
    assert product_text(first, catalog.text_attributes) == (
        "Strap top. Vest top, Black, Solid, Ladieswear, Jersey Basic, Womens Everyday Basics, "
        "Garment Upper body. Jersey top with narrow shoulder straps."
    )
    assert sum(1 for p in catalog if not p.description) == 416


def test_hm_csv_loses_no_leading_zero(tmp_path: Path) -> None:
    path = tmp_path / "articles.csv"
    path.write_text(
        "article_id,product_code,prod_name,detail_desc,colour_group_name\n"
        "108775015,108775,Strap top,Jersey,Black\n"
    )
    df = pd.read_csv(path)  # what a careless reader does
    assert str(df.article_id[0]) == "108775015"
    from modasearch.catalog.loaders.hm import MAPPING

    catalog, _ = load_generic(
        path,
        FieldMapping(**{**MAPPING.__dict__, "attributes": {"colour_group": "colour_group_name"}}),
        normalise_id=lambda v: str(v).zfill(10),
    )
    assert catalog.products[0].id == "0108775015"


def test_generic_csv_reports_bad_rows_with_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "shop.csv"
    path.write_bytes(
        b"sku,name,colour,price\n"
        b"a1,Red dress,Red,19.99\n"
        b"a2,Blue jeans,Blue\n"  # line 3: too few fields
        b"a1,Duplicate,Red,1\n"  # line 4: duplicate id
        b"a3,,Green,3\n"  # line 5: no title
        b"a4,Caf\xe9 shirt,White,abc\n"  # line 6: cp1252 byte, bad price
        b'a5,"Multi\nline title",Black,5\n'  # lines 7-8: quoted newline is fine
    )
    mapping = FieldMapping(id="sku", title="name", price="price")
    catalog, report = load_generic(path, mapping)
    assert [p.id for p in catalog] == ["a1", "a4", "a5"]
    issues = {(i.line, i.outcome, i.reason.split(":")[0]) for i in report.issues}
    assert issues == {
        (3, "skipped", "wrong field count"),
        (4, "skipped", "duplicate id"),
        (5, "skipped", "missing title"),
        (6, "recovered", "non-UTF-8 bytes"),
        (6, "recovered", "bad price"),
    }
    assert catalog.products[1].title == "Café shirt" and catalog.products[1].price is None
    assert catalog.products[2].title == "Multi line title"
    assert "3 skipped" in report.summary()


def test_jsonl_and_toml_mapping(tmp_path: Path) -> None:
    path = tmp_path / "shop.jsonl"
    rows = [
        {"id": 1, "name": "Linen shirt", "colour": "White", "size_count": 3},
        "not an object",
        {"id": 2, "name": "Wool coat", "colour": "Grey"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n{broken\n")
    toml = tmp_path / "mapping.toml"
    toml.write_text('[fields]\ntitle = "name"\nattributes = ["colour"]\n')
    catalog, report = load_catalog(path, mapping=FieldMapping.from_toml(toml))
    assert [p.id for p in catalog] == ["1", "2"]
    assert catalog.products[0].attributes == {"colour": "White"}
    assert [(i.line, i.reason.split(":")[0]) for i in report.issues] == [
        (2, "invalid JSON"),
        (4, "invalid JSON"),
    ]


def test_parquet_and_command_line_mapping(tmp_path: Path) -> None:
    path = tmp_path / "shop.parquet"
    pd.DataFrame({"sku": ["x", "y"], "label": ["Red scarf", None], "kind": ["Scarf", "Hat"]}).to_parquet(path)
    mapping = FieldMapping().with_pairs(["id=sku", "title=label", "attributes=kind"])
    catalog, report = load_catalog(path, mapping=mapping)
    assert [p.id for p in catalog] == ["x"] and report.issues[0].line == 3


def test_bad_mappings_and_files_say_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "shop.csv"
    path.write_text("sku,name\n1,Shirt\n")
    with pytest.raises(CatalogError, match="no such column"):
        load_generic(path, FieldMapping(id="sku", title="title"))
    with pytest.raises(MappingError, match="field=column"):
        FieldMapping().with_pairs(["title"])
    with pytest.raises(CatalogError, match="not found"):
        load_catalog(tmp_path / "missing.csv")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(CatalogError, match="empty"):
        load_catalog(tmp_path / "empty.csv")


def test_product_text_order_and_dedup() -> None:
    product = Product(
        "1", "Black Dress", "Short dress.", {"type": "Dress", "colour": "black", "year": 2012, "x": "Unknown"}
    )
    assert product_text(product, ["type", "colour", "year", "x"]) == "Black Dress. Dress, black. Short dress."
    assert product_text(Product("2", "Cap"), ["type"]) == "Cap."
