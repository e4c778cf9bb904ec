"""Colour science against published reference values, and dominant colours of garments."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from modasearch.demo import DEMO_CATALOG
from modasearch.models.colour import (
    PALETTE,
    ciede2000,
    dominant_colours,
    lab_to_srgb,
    palette_histogram,
    parse_hex,
    srgb_to_lab,
    swatch_vector,
)
from modasearch.models.images import open_image

# Sharma, Wu & Dalal (2005), "The CIEDE2000 color-difference formula": test pairs 1-3, 7, 17-20, 25, 26, 34.
SHARMA = [
    ((50, 2.6772, -79.7751), (50, 0, -82.7485), 2.0425),
    ((50, 3.1571, -77.2803), (50, 0, -82.7485), 2.8615),
    ((50, 2.8361, -74.0200), (50, 0, -82.7485), 3.4412),
    ((50, 0, 0), (50, -1, 2), 2.3669),
    ((50, 2.5, 0), (73, 25, -18), 27.1492),
    ((50, 2.5, 0), (61, -5, 29), 22.8977),
    ((50, 2.5, 0), (56, -27, -3), 31.9030),
    ((50, 2.5, 0), (58, 24, 15), 19.4535),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((63.0109, -31.0961, -5.8663), (62.8187, -29.7946, -4.0864), 1.2630),
    ((22.7233, 20.0904, -46.6940), (23.0331, 14.9730, -42.5619), 2.0373),
]


def test_ciede2000_matches_sharma_test_data() -> None:
    first = np.array([p[0] for p in SHARMA], dtype=float)
    second = np.array([p[1] for p in SHARMA], dtype=float)
    expected = np.array([p[2] for p in SHARMA])
    assert np.allclose(ciede2000(first, second), expected, atol=1e-4)
    assert np.allclose(ciede2000(second, first), expected, atol=1e-4)  # symmetric
    assert ciede2000(np.array([40.0, 10, 10]), np.array([40.0, 10, 10])) == 0


def test_srgb_lab_reference_values() -> None:
    lab = srgb_to_lab(np.array([[255, 0, 0], [255, 255, 255], [0, 0, 0]]))
    assert np.allclose(lab[0], [53.2408, 80.0925, 67.2032], atol=1e-3)
    assert np.allclose(lab[1], [100, 0, 0], atol=1e-3) and np.allclose(lab[2], 0)
    colours = np.array(list(PALETTE.values()))
    assert np.array_equal(lab_to_srgb(srgb_to_lab(colours)), colours)


def _garment(background: tuple[int, int, int], *fills: tuple[int, int, int]) -> Image.Image:
    image = Image.new("RGB", (120, 160), background)
    draw = ImageDraw.Draw(image)
    width = 80 // len(fills)
    for i, fill in enumerate(fills):
        draw.rectangle((20 + i * width, 20, 20 + (i + 1) * width - 1, 140), fill=fill)
    return image


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        (_garment((255, 255, 255), (200, 30, 40)), [("red", 1.0)]),
        (_garment((200, 200, 200), (40, 140, 60)), [("green", 1.0)]),  # a studio-grey backdrop
        (
            _garment((255, 255, 255), (31, 40, 80), (31, 40, 80), (240, 210, 50)),
            [("navy", 0.67), ("yellow", 0.33)],
        ),
    ],
)
def test_dominant_colours_of_synthetic_garments(
    image: Image.Image, expected: list[tuple[str, float]]
) -> None:
    swatches = dominant_colours(image)
    assert [s.name for s in swatches] == [name for name, _ in expected]
    assert np.allclose([s.share for s in swatches], [share for _, share in expected], atol=0.05)


def test_a_white_garment_on_white_keeps_its_colour() -> None:
    image = Image.new("RGB", (120, 160), (255, 255, 255))
    ImageDraw.Draw(image).rectangle((20, 20, 100, 140), fill=(252, 252, 252), outline=(20, 20, 20), width=3)
    swatches = dominant_colours(image)
    assert swatches[0].name == "white" and swatches[0].share > 0.8


def test_a_real_photo_and_the_palette_histogram() -> None:
    photo = open_image(DEMO_CATALOG / "images" / "11276.jpg")  # Nike Men Running Maroon Sweatshirt
    swatches = dominant_colours(photo)
    assert swatches[0].name == "maroon" and swatches[0].share > 0.8
    assert swatches[0].to_dict()["hex"].startswith("#")
    histogram = palette_histogram(photo)
    assert histogram.shape == (len(PALETTE),) and np.isclose(histogram.sum(), 1.0)
    assert list(PALETTE)[int(histogram.argmax())] == "maroon"


def test_swatch_vectors() -> None:
    assert parse_hex("#F80") == (255, 136, 0) and parse_hex("1f2a44") == (31, 42, 68)
    with pytest.raises(ValueError, match="is not a colour"):
        parse_hex("#12345")
    red = swatch_vector((200, 30, 40))
    assert red.shape == (len(PALETTE),) and np.isclose(np.linalg.norm(red), 1.0)
    assert list(PALETTE)[int(red.argmax())] == "red"
    # a garment of exactly that red matches its swatch better than a navy one does
    from modasearch.models.colour import palette_histogram

    def colour_vector(rgb: tuple[int, int, int]) -> np.ndarray:
        h = np.sqrt(palette_histogram(_garment((255, 255, 255), rgb)))
        return h / np.linalg.norm(h)

    assert float(red @ colour_vector((200, 30, 40))) > 0.9 > float(red @ colour_vector((31, 40, 80)))


def test_colour_names_from_a_colour_vector() -> None:
    from modasearch.models.colour import PALETTE_NAMES, colour_names

    shares = np.zeros(len(PALETTE_NAMES))
    shares[PALETTE_NAMES.index("red")], shares[PALETTE_NAMES.index("white")] = 0.7, 0.2
    shares[PALETTE_NAMES.index("black")] = 0.1  # under the 15% share: not a main colour
    assert colour_names(np.sqrt(shares)) == ["red", "white"]
    assert colour_names(np.sqrt(np.full(len(PALETTE_NAMES), 1 / len(PALETTE_NAMES))))[:1] == ["black"]
