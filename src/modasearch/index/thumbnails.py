"""The index's own copy of each product photo, small enough for a results grid: the API serves
product images from here only, by product id, so no request can name a file."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from modasearch.index.types import point_id

THUMBNAILS = "images"  # directory inside the index
THUMBNAIL_SIDE = 480
QUALITY = 85


def thumbnail_path(index_dir: Path, product_id: str) -> Path:
    return index_dir / THUMBNAILS / f"{point_id(product_id)}.jpg"


def store_thumbnail(image: Image.Image, index_dir: Path, product_id: str) -> None:
    """A JPEG no larger than THUMBNAIL_SIDE on its longer side (an RGB image, as `open_image` gives)."""
    path = thumbnail_path(index_dir, product_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    small = image.copy()
    small.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    tmp = path.with_suffix(".tmp")
    small.save(tmp, "JPEG", quality=QUALITY, optimize=True)
    tmp.replace(path)


def remove_thumbnail(index_dir: Path, product_id: str) -> None:
    thumbnail_path(index_dir, product_id).unlink(missing_ok=True)
