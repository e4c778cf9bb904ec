"""Photo features and the text-image alignment applied at query time (numpy + onnxruntime, no torch).

A product photo becomes CNN features (EfficientNet-Lite0, 1280-d) plus a palette histogram of its
garment pixels (the colour the ImageNet features lose). Trained linear projections map those, and a
MiniLM text vector, into one shared space where cosine similarity ranks photos for a text query.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from modasearch.models.colour import palette_histogram
from modasearch.models.errors import ModelError
from modasearch.models.onnx_image import OnnxImageEncoder

ALIGNER_FILE = "aligner.npz"


def photo_features(encoder: OnnxImageEncoder, images: Sequence[Image.Image]) -> np.ndarray:
    """N x (cnn + palette) features, float32."""
    cnn = encoder.encode(images)
    colour = np.stack([palette_histogram(img) for img in images]) if images else np.zeros((0, 0))
    return np.hstack([cnn, colour]).astype(np.float32)


def _normalise(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)


@dataclass(frozen=True)
class Aligner:
    """Heads into the shared space: image features -> (ReLU layers) -> dim, text vectors -> dim."""

    image_mean: np.ndarray
    image_scale: np.ndarray
    image_layers: tuple[tuple[np.ndarray, np.ndarray], ...]  # (weight (in, out), bias) per layer
    text_weight: np.ndarray  # (text dim, dim)
    text_bias: np.ndarray
    meta: dict[str, Any]

    @property
    def dim(self) -> int:
        return int(self.text_weight.shape[1])

    def embed_images(self, features: np.ndarray) -> np.ndarray:
        x = (features - self.image_mean) / self.image_scale
        for i, (weight, bias) in enumerate(self.image_layers):
            x = x @ weight + bias
            if i < len(self.image_layers) - 1:
                x = np.maximum(x, 0)
        return _normalise(x).astype(np.float32)

    def embed_texts(self, text_vectors: np.ndarray) -> np.ndarray:
        return _normalise(text_vectors @ self.text_weight + self.text_bias).astype(np.float32)

    def save(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / ALIGNER_FILE
        arrays = {"image_mean": self.image_mean, "image_scale": self.image_scale}
        arrays.update(text_weight=self.text_weight, text_bias=self.text_bias)
        for i, (weight, bias) in enumerate(self.image_layers):
            arrays[f"image_weight_{i}"], arrays[f"image_bias_{i}"] = weight, bias
        stored: dict[str, np.ndarray] = {k: v.astype(np.float32) for k, v in arrays.items()}
        stored["meta"] = np.array(json.dumps(self.meta))
        np.savez(path, **stored)  # type: ignore[arg-type]  # the stubs read **arrays as allow_pickle
        return path

    @classmethod
    def load(cls, directory: Path) -> Aligner:
        path = directory / ALIGNER_FILE
        if not path.exists():
            raise ModelError(f"{directory} holds no {ALIGNER_FILE}; train one with `modasearch train align`")
        with np.load(path, allow_pickle=False) as data:
            layers: list[tuple[np.ndarray, np.ndarray]] = []
            while f"image_weight_{len(layers)}" in data.files:
                layers.append((data[f"image_weight_{len(layers)}"], data[f"image_bias_{len(layers)}"]))
            return cls(
                data["image_mean"],
                data["image_scale"],
                tuple(layers),
                data["text_weight"],
                data["text_bias"],
                json.loads(str(data["meta"])),
            )
