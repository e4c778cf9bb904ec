"""Colour science for product photos: sRGB -> CIELAB, CIEDE2000, and the garment's dominant colours.

Written in numpy rather than pulled from scikit-image (which would bring scipy, networkx and imageio
into the core install for three functions); both formulas are tested against published reference
values (CIE 15, and Sharma, Wu & Dalal 2005 for CIEDE2000).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from PIL import Image

_M = np.array(
    [[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750], [0.0193339, 0.1191920, 0.9503041]]
)
_WHITE = np.array([0.95047, 1.0, 1.08883])
_EPS = (6 / 29) ** 3


def srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """(..., 3) sRGB in 0..255 -> (..., 3) CIELAB under D65."""
    c = np.asarray(rgb, dtype=np.float64) / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    xyz = linear @ _M.T / _WHITE
    f = np.where(xyz > _EPS, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack(
        [116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1
    )


def lab_to_srgb(lab: np.ndarray) -> np.ndarray:
    lab = np.asarray(lab, dtype=np.float64)
    fy = (lab[..., 0] + 16) / 116
    f = np.stack([fy + lab[..., 1] / 500, fy, fy - lab[..., 2] / 200], axis=-1)
    xyz = np.where(f > 6 / 29, f**3, 3 * (6 / 29) ** 2 * (f - 4 / 29)) * _WHITE
    linear = np.clip(xyz @ np.linalg.inv(_M).T, 0, 1)
    c = np.where(linear <= 0.0031308, linear * 12.92, 1.055 * linear ** (1 / 2.4) - 0.055)
    return np.clip(np.round(c * 255), 0, 255)


def ciede2000(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """Perceptual colour difference ΔE00 between broadcastable (..., 3) Lab arrays."""
    L1, a1, b1 = np.moveaxis(np.asarray(lab1, dtype=np.float64), -1, 0)
    L2, a2, b2 = np.moveaxis(np.asarray(lab2, dtype=np.float64), -1, 0)
    c_bar7 = ((np.hypot(a1, b1) + np.hypot(a2, b2)) / 2) ** 7
    g = 0.5 * (1 - np.sqrt(c_bar7 / (c_bar7 + 25.0**7)))
    c1, c2 = np.hypot((1 + g) * a1, b1), np.hypot((1 + g) * a2, b2)
    h1 = np.degrees(np.arctan2(b1, (1 + g) * a1)) % 360
    h2 = np.degrees(np.arctan2(b2, (1 + g) * a2)) % 360
    chroma = c1 * c2 != 0
    dh = h2 - h1
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh)) * chroma
    d_hue = 2 * np.sqrt(c1 * c2) * np.sin(np.radians(dh / 2))
    h_sum = h1 + h2
    h_bar = np.where(
        np.abs(h1 - h2) <= 180, h_sum / 2, np.where(h_sum < 360, (h_sum + 360) / 2, (h_sum - 360) / 2)
    )
    h_bar = np.where(chroma, h_bar, h_sum)
    t = (
        1
        - 0.17 * np.cos(np.radians(h_bar - 30))
        + 0.24 * np.cos(np.radians(2 * h_bar))
        + 0.32 * np.cos(np.radians(3 * h_bar + 6))
        - 0.20 * np.cos(np.radians(4 * h_bar - 63))
    )
    l_bar, c_bar = (L1 + L2) / 2, (c1 + c2) / 2
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / np.sqrt(20 + (l_bar - 50) ** 2)
    s_c, s_h = 1 + 0.045 * c_bar, 1 + 0.015 * c_bar * t
    r_t = (
        -np.sin(np.radians(60 * np.exp(-(((h_bar - 275) / 25) ** 2))))
        * 2
        * np.sqrt(c_bar**7 / (c_bar**7 + 25.0**7))
    )
    dl, dc, dhh = (L2 - L1) / s_l, (c2 - c1) / s_c, d_hue / s_h
    return np.sqrt(dl**2 + dc**2 + dhh**2 + r_t * dc * dhh)


# Approximate sRGB of the colour names shoppers use; a swatch is named after its nearest (ΔE00).
PALETTE: dict[str, tuple[int, int, int]] = {
    "black": (20, 20, 20),
    "charcoal": (64, 64, 64),
    "grey": (128, 128, 128),
    "light grey": (200, 200, 200),
    "white": (250, 250, 250),
    "off white": (240, 234, 214),
    "beige": (225, 205, 170),
    "khaki": (190, 175, 130),
    "tan": (200, 150, 100),
    "brown": (110, 70, 40),
    "navy": (31, 40, 80),
    "blue": (40, 90, 190),
    "light blue": (150, 190, 230),
    "teal": (0, 128, 128),
    "green": (40, 140, 60),
    "olive": (110, 110, 50),
    "yellow": (240, 210, 50),
    "mustard": (210, 160, 30),
    "orange": (240, 120, 30),
    "red": (200, 30, 40),
    "maroon": (120, 20, 40),
    "pink": (240, 150, 180),
    "magenta": (200, 40, 140),
    "purple": (110, 50, 140),
    "lavender": (190, 160, 220),
    "gold": (212, 175, 55),
    "silver": (192, 192, 200),
}
PALETTE_NAMES = tuple(PALETTE)
PALETTE_LAB = srgb_to_lab(np.array(list(PALETTE.values()), dtype=np.float64))
BACKGROUND_DE = 8.0  # ΔE00 from the border's colour within which a pixel counts as backdrop
ANALYSIS_SIZE = 64  # pixels per side the photo is reduced to before its colours are measured


@dataclass(frozen=True)
class Swatch:
    lab: tuple[float, float, float]
    share: float  # of the garment's pixels
    name: str

    @property
    def hex(self) -> str:
        r, g, b = (int(v) for v in lab_to_srgb(np.array(self.lab)))
        return f"#{r:02x}{g:02x}{b:02x}"

    def to_dict(self) -> dict[str, object]:
        return {
            "hex": self.hex,
            "name": self.name,
            "share": round(self.share, 3),
            "lab": [round(v, 2) for v in self.lab],
        }


def _grow(seed: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """Flood `seed` through 4-connected `allowed` pixels."""
    region = seed & allowed
    while True:
        grown = region.copy()
        grown[1:] |= region[:-1]
        grown[:-1] |= region[1:]
        grown[:, 1:] |= region[:, :-1]
        grown[:, :-1] |= region[:, 1:]
        grown &= allowed
        if (grown == region).all():
            return region
        region = grown


def garment_pixels(image: Image.Image, size: int = ANALYSIS_SIZE) -> tuple[np.ndarray, np.ndarray]:
    """(sRGB, Lab) of the pixels that are not the photo's background: the region of the border's
    typical colour (white, or a studio grey) that reaches the border. A garment of that colour inside
    its own outline stays; a photo that is all background keeps everything."""
    rgb = np.asarray(image.convert("RGB").resize((size, size), Image.Resampling.BILINEAR))
    lab = srgb_to_lab(rgb)
    border = np.zeros(lab.shape[:2], dtype=bool)
    border[0, :] = border[-1, :] = border[:, 0] = border[:, -1] = True
    backdrop = np.median(lab[border], axis=0)
    like_backdrop = ciede2000(lab, backdrop) < BACKGROUND_DE
    garment = ~_grow(border, like_backdrop)
    if garment.mean() < 0.02:
        garment[:] = True
    return rgb[garment], lab[garment]


def garment_lab(image: Image.Image, size: int = ANALYSIS_SIZE) -> np.ndarray:
    return garment_pixels(image, size)[1]


@functools.cache
def _palette_lookup() -> np.ndarray:
    """Nearest palette colour (ΔE00) for every sRGB colour quantised to 32 levels per channel."""
    levels = np.arange(4, 256, 8, dtype=np.float64)  # bucket centres
    grid = np.stack(np.meshgrid(levels, levels, levels, indexing="ij"), axis=-1).reshape(-1, 3)
    lab = srgb_to_lab(grid)
    nearest = np.concatenate(
        [ciede2000(chunk[:, None], PALETTE_LAB[None]).argmin(1) for chunk in np.array_split(lab, 16)]
    )
    return nearest.astype(np.uint8).reshape(32, 32, 32)


def _kmeans(points: np.ndarray, k: int, seed: int, iterations: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """k-means++ seeded with `seed`: (centres, counts), largest cluster first."""
    rng = np.random.default_rng(seed)
    k = min(k, len(points))
    centres = [points[rng.integers(len(points))]]
    for _ in range(1, k):
        d2 = ((points[:, None] - np.array(centres)[None]) ** 2).sum(-1).min(1)
        if d2.sum() == 0:
            break
        centres.append(points[rng.choice(len(points), p=d2 / d2.sum())])
    c = np.array(centres)
    for _ in range(iterations):
        labels = ((points[:, None] - c[None]) ** 2).sum(-1).argmin(1)
        c = np.array([points[labels == j].mean(0) if (labels == j).any() else c[j] for j in range(len(c))])
    counts = np.bincount(((points[:, None] - c[None]) ** 2).sum(-1).argmin(1), minlength=len(c))
    order = np.argsort(-counts, kind="stable")
    return c[order][counts[order] > 0], counts[order][counts[order] > 0]


def nearest_name(lab: np.ndarray) -> str:
    return PALETTE_NAMES[int(np.argmin(ciede2000(np.asarray(lab)[None], PALETTE_LAB)))]


def dominant_colours(
    image: Image.Image, k: int = 3, seed: int = 0, merge_below: float = 6.0, min_share: float = 0.1
) -> list[Swatch]:
    """The garment's (up to) k main colours (k-means in CIELAB), largest share first. Clusters closer
    than `merge_below` ΔE00 are merged, so a plain garment comes back as one colour; clusters under
    `min_share` of the garment are dropped."""
    lab = garment_lab(image)
    centres, counts = _kmeans(lab, k, seed)
    merged: list[tuple[np.ndarray, float]] = []
    for centre, count in zip(centres, counts, strict=True):
        for i, (kept, kept_count) in enumerate(merged):
            if float(ciede2000(centre, kept)) < merge_below:
                total = kept_count + count
                merged[i] = ((kept * kept_count + centre * count) / total, float(total))
                break
        else:
            merged.append((centre, float(count)))
    # clusters of edge pixels (a red garment's anti-aliased border is pink) are not colours of the garment
    merged = [m for m in merged if m[1] >= min_share * len(lab)] or merged[:1]
    total = sum(c for _, c in merged)
    merged.sort(key=lambda item: -item[1])
    return [
        Swatch((float(c[0]), float(c[1]), float(c[2])), float(n / total), nearest_name(c)) for c, n in merged
    ]


def palette_histogram(image: Image.Image) -> np.ndarray:
    """Share of the garment's pixels nearest (ΔE00) to each palette colour: a colour feature that
    means the same on any catalog's photos."""
    rgb, _ = garment_pixels(image)
    buckets = rgb.astype(np.int64) // 8
    nearest = _palette_lookup()[buckets[:, 0], buckets[:, 1], buckets[:, 2]]
    return (np.bincount(nearest, minlength=len(PALETTE)) / len(rgb)).astype(np.float32)


def parse_hex(value: str) -> tuple[int, int, int]:
    text = value.strip().lstrip("#")
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    try:
        if len(text) != 6:
            raise ValueError
        return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)
    except ValueError:
        raise ValueError(f"{value!r} is not a colour: give a hex code like #1f2a44 or #f80") from None


def swatch_vector(rgb: tuple[int, int, int], spread: float = 10.0) -> np.ndarray:
    """A colour vector (the same space as photos' `colour` vectors) for one swatch: the palette
    colours weighted by exp(-(ΔE00 / spread)^2), square-rooted and unit length. Perceptually close
    palette colours share the weight, so a swatch between two names still finds both."""
    lab = srgb_to_lab(np.array(rgb, dtype=np.float64))
    weights = np.exp(-((ciede2000(lab[None], PALETTE_LAB) / spread) ** 2))
    if weights.sum() < 1e-9:  # far from every name: its nearest takes it all
        weights = (np.arange(len(PALETTE)) == int(np.argmin(ciede2000(lab[None], PALETTE_LAB)))).astype(float)
    vector = np.sqrt(weights / weights.sum())
    return (vector / np.linalg.norm(vector)).astype(np.float32)


def colour_names(colour_vector: np.ndarray, min_share: float = 0.15, most: int = 3) -> list[str]:
    """Palette names of a photo's main colours, largest share first, from its colour vector (the
    square root of the palette histogram, so the shares are its squares)."""
    shares = np.square(np.asarray(colour_vector, dtype=np.float64))
    order = np.argsort(-shares, kind="stable")[:most]
    names = [PALETTE_NAMES[i] for i in order if shares[i] >= min_share]
    return names or [PALETTE_NAMES[int(order[0])]]
