"""Photo decoding: real product photos, every awkward but valid photo, and every unusable file."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from modasearch.demo import DEMO_CATALOG
from modasearch.models.images import ImageError, open_image, square, to_tensor


def _bytes(image: Image.Image, fmt: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def test_a_real_product_photo_becomes_normalised_input() -> None:
    photo = next((DEMO_CATALOG / "images").glob("*.jpg"))
    image = open_image(photo)
    assert image.mode == "RGB" and image.size == (224, 224)
    batch = to_tensor([image, image], size=224)
    assert batch.shape == (2, 3, 224, 224) and batch.dtype == np.float32
    # white padding normalises to (1 - mean) / std in every channel
    assert np.allclose(
        batch[0, :, 0, 0], (1 - np.array([0.485, 0.456, 0.406])) / [0.229, 0.224, 0.225], atol=1e-5
    )


def test_padding_keeps_the_whole_garment() -> None:
    tall = Image.new("RGB", (100, 200), (200, 0, 0))
    out = square(tall, 50)
    assert out.size == (50, 50)
    assert out.getpixel((0, 25)) == (255, 255, 255) and out.getpixel((25, 25)) == (200, 0, 0)


def test_transparency_greyscale_and_exif_orientation() -> None:
    rgba = Image.new("RGBA", (10, 10), (0, 0, 0, 0))
    rgba.putpixel((5, 5), (0, 0, 255, 255))
    flat = open_image(_bytes(rgba, "PNG"))
    assert (
        flat.mode == "RGB"
        and flat.getpixel((0, 0)) == (255, 255, 255)
        and flat.getpixel((5, 5)) == (0, 0, 255)
    )
    assert open_image(_bytes(Image.new("L", (8, 8), 128), "PNG")).getpixel((0, 0)) == (128, 128, 128)
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90°: a camera held upright
    rotated = open_image(_bytes(Image.new("RGB", (40, 20), (10, 200, 10)), "JPEG", exif=exif.tobytes()))
    assert rotated.size == (20, 40)
    assert open_image(_bytes(Image.new("RGB", (9, 9), (1, 2, 3)), "WEBP", lossless=True)).getpixel(
        (4, 4)
    ) == (1, 2, 3)


def test_unusable_files_get_a_reason(tmp_path: Path) -> None:
    jpeg = _bytes(Image.new("RGB", (64, 64), (100, 50, 20)), "JPEG")
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    cases = {
        "the file is empty": empty,
        "not an image": b"name,price\nshirt,10\n",
        "truncated or corrupt": jpeg[: len(jpeg) // 2],
        "GIF images are not supported": _bytes(Image.new("RGB", (4, 4)), "GIF"),
        "no such file": tmp_path / "missing.png",
    }
    for reason, source in cases.items():
        with pytest.raises(ImageError, match=reason):
            open_image(source)
    with pytest.raises(ImageError, match="over the 0 MiB limit"):
        open_image(jpeg, max_bytes=100)


def test_enormous_images_and_bombs_are_refused_before_decoding() -> None:
    big = _bytes(Image.new("1", (7000, 7000)), "PNG")
    with pytest.raises(ImageError, match="7000x7000 pixels is over the 6 megapixel limit for PNG"):
        open_image(big)
    webp = _bytes(Image.new("RGB", (2100, 2100)), "WEBP")  # WebP decodes at full size: a lower cap
    with pytest.raises(ImageError, match=r"2100x2100 pixels is over the 4\.2 megapixel limit for WEBP"):
        open_image(webp)
    assert open_image(_bytes(Image.new("RGB", (2048, 2048)), "WEBP")).size == (512, 512)
    bomb = _bytes(Image.new("1", (20000, 20000)), "PNG")  # a few KB that decode to 400 megapixels
    assert len(bomb) < 2**20
    with pytest.raises(ImageError, match="decompression bomb"):
        open_image(bomb)


@pytest.mark.parametrize("mode", ["I;16", "1"])
def test_photos_of_any_bit_depth_are_read(mode: str) -> None:
    """A 16-bit PNG broke the reduction to 512 px (a ValueError, a 500 in the API)."""
    out = io.BytesIO()
    Image.new(mode, (1200, 900), 0 if mode == "1" else 1000).save(out, "PNG")
    image = open_image(out.getvalue())
    assert image.mode == "RGB" and max(image.size) == 512


@pytest.mark.parametrize("mode", ["I", "F"])
def test_wide_pixel_modes_become_eight_bit(mode: str) -> None:
    from modasearch.models.images import eight_bit

    assert eight_bit(Image.new(mode, (4, 4), 70000)).mode == "L"
