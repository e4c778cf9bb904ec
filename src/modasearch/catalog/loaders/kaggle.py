"""Kaggle Fashion Product Images layout: styles.csv + images/<id>.jpg."""

from __future__ import annotations

from pathlib import Path

from modasearch.catalog.loaders.rows import CatalogError, ProductCollector, clean_attributes, csv_records
from modasearch.catalog.product import Catalog
from modasearch.catalog.report import LoadReport

COLUMNS = (
    "id",
    "gender",
    "masterCategory",
    "subCategory",
    "articleType",
    "baseColour",
    "season",
    "year",
    "usage",
    "productDisplayName",
)
TEXT_ATTRIBUTES = ("articleType", "baseColour", "gender", "usage", "season", "subCategory")


def load_kaggle(root: str | Path, only_with_images: bool = False) -> tuple[Catalog, LoadReport]:
    """Load `root/styles.csv`; rows whose title holds unquoted commas are re-joined, not dropped."""
    root = Path(root)
    styles = root / "styles.csv" if root.is_dir() else root
    root = styles.parent
    if not styles.exists():
        raise CatalogError(f"{styles} not found: a Kaggle catalog is a folder with styles.csv and images/")
    report = LoadReport(source=str(styles))
    collector = ProductCollector(report)
    records = csv_records(styles, report)
    _, header = next(records, (0, None))
    if header is None or [h.strip() for h in header[: len(COLUMNS)]] != list(COLUMNS):
        raise CatalogError(f"{styles}: header is {header}, expected {list(COLUMNS)}")
    for line, fields in records:
        if not any(f.strip() for f in fields):
            continue
        if len(fields) < len(COLUMNS):
            report.rows_read += 1
            report.skipped(line, f"too few fields: {len(fields)} of {len(COLUMNS)}")
            continue
        image = f"images/{fields[0].strip()}.jpg"
        has_image = (root / image).exists()
        if only_with_images and not has_image:
            continue  # asked for by the caller, not a problem of the row
        if len(fields) > len(COLUMNS):
            report.recovered(line, "unquoted commas in title: trailing fields joined")
            fields = [*fields[: len(COLUMNS) - 1], ",".join(fields[len(COLUMNS) - 1 :])]
        row = dict(zip(COLUMNS, fields, strict=True))
        collector.add(
            line,
            id=row["id"],
            title=row["productDisplayName"],
            attributes=clean_attributes({name: row[name] for name in COLUMNS[1:-1]}, {"year"}, report, line),
            image=image if has_image else None,
        )
    catalog = Catalog(collector.products, TEXT_ATTRIBUTES, name=root.name, root=str(root))
    return catalog, report
