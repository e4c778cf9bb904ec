"""Decode product photos safely and turn them into model input.

Every way a file can be unusable (empty, not an image, an unsupported format, truncated, enormous,
a decompression bomb) is an `ImageError` naming the file and the reason, raised before the pixels are
decoded where the header already tells.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = ("JPEG", "PNG", "WEBP")
MAX_BYTES = 20 * 2**20
MAX_PIXELS = 40_000_000  # 6300 x 6300; a 20000 x 20000 photo (or a bomb claiming it) is refused
# PNG and WebP decode at full size (JPEG decodes at 1/2 to 1/8 scale, see DECODE_SIDE): their caps keep
# any decode within 300 ms and 200 MB on 2 cores (benchmarks/hostile_images.py: 5.8 MP of WebP noise
# took 300-330 ms, 4.2 MP 230 ms, 16 MP 1 s; PNG's 10 MB of noise 120 ms)
FULL_DECODE_PIXELS = {"PNG": 6_000_000, "WEBP": 4_200_000}  # WebP: 2048 x 2048 passes
MAX_ASPECT = 20  # a 1 x 39,999,000 "photo" is no product photo
DECODE_SIDE = 512  # the largest side anything needs (thumbnails are 480): photos are reduced to it
IMAGENET_MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
IMAGENET_STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)
WHITE = (255, 255, 255)


class ImageError(ValueError):
    """A photo that cannot be used, with the reason; `kind` is "type" (not a supported image),
    "size" (too many bytes or pixels, a decompression bomb) or "corrupt"."""

    def __init__(self, message: str, kind: str = "corrupt") -> None:
        super().__init__(message)
        self.kind = kind


def _read(source: bytes | str | Path, max_bytes: int) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        data, name = source, "uploaded image"
    else:
        path = Path(source)
        name = str(path)
        try:
            size = path.stat().st_size
        except OSError:
            raise ImageError(f"{name}: no such file") from None
        if size > max_bytes:
            limit = f"{max_bytes / 2**20:.0f} MiB"
            raise ImageError(f"{name}: {size / 2**20:.1f} MiB is over the {limit} limit", "size")
        data = path.read_bytes()
    if not data:
        raise ImageError(f"{name}: the file is empty")
    if len(data) > max_bytes:
        raise ImageError(
            f"{name}: {len(data) / 2**20:.1f} MiB is over the {max_bytes / 2**20:.0f} MiB limit", "size"
        )
    return data, name


def open_image(
    source: bytes | str | Path, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS
) -> Image.Image:
    """An upright RGB image; transparency is flattened onto white (product photos' background)."""
    data, name = _read(source, max_bytes)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in FORMATS:
                raise ImageError(
                    f"{name}: {image.format} images are not supported; use {', '.join(FORMATS)}", "type"
                )
            width, height = image.size
            cap = min(max_pixels, FULL_DECODE_PIXELS.get(image.format, max_pixels))
            if width * height > cap:
                raise ImageError(
                    f"{name}: {width}x{height} pixels is over the {cap / 1e6:g} megapixel limit "
                    f"for {image.format}",
                    "size",
                )
            if max(width, height) > MAX_ASPECT * max(1, min(width, height)):
                raise ImageError(f"{name}: {width}x{height} is no photo shape (over {MAX_ASPECT}:1)", "size")
            if image.format == "JPEG":
                image.draft(image.mode, (DECODE_SIDE, DECODE_SIDE))  # DCT scaling: 1/2 to 1/8 of the work
            image.load()
            decoded: Image.Image = eight_bit(image)
            if max(decoded.size) > DECODE_SIDE:
                decoded.thumbnail((DECODE_SIDE, DECODE_SIDE), Image.Resampling.BICUBIC, reducing_gap=2.0)
    except UnidentifiedImageError:
        raise ImageError(f"{name}: not an image (or a format Pillow cannot read)", "type") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError(f"{name}: refused as a decompression bomb", "size") from None
    except OSError as exc:
        raise ImageError(f"{name}: truncated or corrupt image ({exc})") from None
    return flatten(ImageOps.exif_transpose(decoded))


def eight_bit(image: Image.Image) -> Image.Image:
    """16-bit, 32-bit and bilevel images as 8-bit grey (the rest of the pipeline, resizing included,
    works in 8 bits per channel)."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        wide = image.convert("I") if image.mode != "F" else image
        extrema: Any = wide.getextrema()
        top = float(extrema[1]) or 1.0
        return wide.point(lambda v: v * (255.0 / top)).convert("L")
    if image.mode == "1":
        return image.convert("L")
    return image


def flatten(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (*WHITE, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")


def square(image: Image.Image, size: int) -> Image.Image:
    """Pad to a square on white (no crop: a long dress keeps its hem), then resize. Photos arrive
    reduced to DECODE_SIDE (`open_image`), so the padded canvas stays small whatever their shape."""
    width, height = image.size
    side = max(width, height)
    canvas = Image.new("RGB", (side, side), WHITE)
    canvas.paste(image, ((side - width) // 2, (side - height) // 2))
    return canvas.resize((size, size), Image.Resampling.BICUBIC)


def to_tensor(
    images: list[Image.Image],
    size: int = 224,
    mean: np.ndarray = IMAGENET_MEAN,
    std: np.ndarray = IMAGENET_STD,
) -> np.ndarray:
    """N x 3 x size x size float32, normalised by channel (ImageNet statistics unless told)."""
    batch = np.stack([np.asarray(square(img, size), dtype=np.float32) / 255.0 for img in images])
    batch = (batch - mean) / std
    return np.ascontiguousarray(batch.transpose(0, 3, 1, 2), dtype=np.float32)
