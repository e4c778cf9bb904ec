"""Photo features and the text-image alignment applied at query time (numpy + onnxruntime, no torch).

A product photo becomes CNN features (EfficientNet-Lite0, 1280-d) plus a palette histogram of its
garment pixels (the colour the ImageNet features lose). Trained linear projections map those, and a
MiniLM text vector, into one shared space where cosine similarity ranks photos for a text query.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from modasearch.models.colour import PALETTE, palette_histogram
from modasearch.models.errors import ModelError
from modasearch.models.onnx_image import OnnxImageEncoder
from modasearch.models.spec import EncoderSpec

ALIGNER_FILE = "aligner.npz"
BOW_DIM = 4096
_TOKEN = re.compile(r"[a-z0-9]+")


def hashed_bow(texts: Sequence[str], dim: int = BOW_DIM) -> np.ndarray:
    """L2-normalised counts of lower-cased word tokens hashed (crc32) into `dim` buckets: lets the
    aligner learn words a sentence embedding blurs (brands, "melange")."""
    out = np.zeros((len(texts), dim), dtype=np.float32)
    for row, text in enumerate(texts):
        for token in _TOKEN.findall(text.lower()):
            out[row, zlib.crc32(token.encode()) % dim] += 1
    return _normalise(out)


def text_features(sentence_vectors: np.ndarray, texts: Sequence[str]) -> np.ndarray:
    """What the aligner's text head reads: the sentence embedding next to the hashed words."""
    return np.hstack([sentence_vectors, hashed_bow(texts)]).astype(np.float32)


def photo_features(encoder: OnnxImageEncoder, images: Sequence[Image.Image]) -> np.ndarray:
    """N x (cnn + palette) features, float32."""
    cnn = encoder.encode(images)
    colour = np.stack([palette_histogram(img) for img in images]) if images else np.zeros((0, 0))
    return np.hstack([cnn, colour]).astype(np.float32)


def _normalise(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)


def unit_subspaces(x: np.ndarray, subspaces: int) -> np.ndarray:
    """Each row's `subspaces` equal slices at unit length, over the square root of their number: the
    dot product (and cosine) of two such rows is the mean of their slices' cosines."""
    slices = x.reshape(len(x), subspaces, -1)
    slices = slices / np.maximum(np.linalg.norm(slices, axis=-1, keepdims=True), 1e-12)
    return (slices.reshape(len(x), -1) / np.sqrt(subspaces)).astype(np.float32)


def half_precision(x: np.ndarray) -> np.ndarray:
    """`x` rounded as `Aligner.save` stores weight matrices (float16), kept as float32."""
    return np.asarray(x, dtype=np.float16).astype(np.float32)


def colour_vectors(histograms: np.ndarray) -> np.ndarray:
    """The square root of palette histograms, unit length: the cosine of two is the Bhattacharyya
    coefficient of the histograms."""
    return _normalise(np.sqrt(np.maximum(histograms, 0))).astype(np.float32)


def photo_colours(images: Sequence[Image.Image]) -> np.ndarray:
    return colour_vectors(np.stack([palette_histogram(img) for img in images]))


FULL_CORRECTION_WORDS = 4


def correction_strength(texts: Sequence[str]) -> np.ndarray:
    """How much of the hubness correction a text query takes: none for one word, all from
    `FULL_CORRECTION_WORDS` words on, linear between. A one-word query ("Black", "Tshirts") asks for
    the typical item, which is what a hub photo is; a title asks for one product, which hubs crowd out."""
    words = np.array([len(t.split()) for t in texts], dtype=np.float32)
    return np.clip((words - 1) / (FULL_CORRECTION_WORDS - 1), 0.0, 1.0)


@dataclass(frozen=True)
class Hubness:
    """Photos that sit close to every text ("hubs": above all the photos the heads were trained on)
    crowd the top of text queries. A photo's hubness is the mean cosine of its `k` nearest texts in a
    fixed bank (the training titles); text queries rank by cos(text, photo) - weight * (hubness -
    centre), the CSLS correction of Conneau et al. (2018), which the index stores as one more
    coordinate (see `Aligner.index_photos`). Short queries take less of it (`correction_strength`)."""

    bank: np.ndarray  # aligned text vectors (float32 in memory), one row per training title
    k: int
    weight: float
    centre: float

    def of(self, photos: np.ndarray) -> np.ndarray:
        """The hubness of aligned photo vectors: mean cosine of their k nearest bank texts."""
        scores = photos @ self.bank.T
        k = min(self.k, scores.shape[1])
        return np.asarray(np.partition(scores, -k, axis=1)[:, -k:].mean(1))


@dataclass(frozen=True)
class Aligner:
    """Heads into the shared space: image features -> (ReLU layers) -> dim, text vectors -> dim.
    With `subspaces` > 1 the space is cut into that many equal slices, each compared by its own cosine
    and the scores averaged (see `unit_subspaces`): an ensemble of similarities trained as one."""

    image_mean: np.ndarray
    image_scale: np.ndarray
    image_layers: tuple[tuple[np.ndarray, np.ndarray], ...]  # (weight (in, out), bias) per layer
    text_weight: np.ndarray  # (text dim, dim)
    text_bias: np.ndarray
    meta: dict[str, Any]
    hubness: Hubness | None = None
    subspaces: int = 1

    def __post_init__(self) -> None:
        if self.subspaces < 1 or self.dim % self.subspaces:
            raise ModelError(f"a {self.dim}-d aligner cannot be cut into {self.subspaces} equal subspaces")

    @property
    def dim(self) -> int:
        return int(self.text_weight.shape[1])

    @property
    def index_dim(self) -> int:
        """The width of the vectors the index stores: the shared space, plus the hubness coordinate."""
        return self.dim + (1 if self.hubness is not None else 0)

    def index_photos(self, features: np.ndarray) -> np.ndarray:
        """Photo vectors as the index stores them: [v, -weight * (hubness - centre)], unit length.
        Under cosine a text query [t, s] then scores cos(t, v) minus s times the correction (the norms
        differ from 1 by well under 1%: the centred correction is small), and a photo query matches
        itself."""
        aligned = self.embed_images(features)
        if self.hubness is None:
            return aligned
        offset = -self.hubness.weight * (self.hubness.of(aligned) - self.hubness.centre)
        return _normalise(np.hstack([aligned, offset[:, None]])).astype(np.float32)

    def index_texts(self, text_vectors: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        """Text queries as the index compares them: [t, s], s the `correction_strength` of each text."""
        aligned = self.embed_texts(text_vectors)
        if self.hubness is None:
            return aligned
        strength = correction_strength(texts)[:, None]
        return _normalise(np.hstack([aligned, strength])).astype(np.float32)

    @property
    def version(self) -> str:
        """Changes whenever the weights do: a hash of the arrays, the weight matrices as the file
        stores them (float16), so that a save and load keeps it."""
        digest = hashlib.sha256()
        for array in (self.image_mean, self.image_scale, *(bias for _, bias in self.image_layers)):
            digest.update(np.ascontiguousarray(array, dtype=np.float32).tobytes())
        for weight in (*(weight for weight, _ in self.image_layers), self.text_weight):
            digest.update(np.ascontiguousarray(weight, dtype=np.float16).tobytes())
        if self.hubness is not None:
            digest.update(np.ascontiguousarray(self.hubness.bank, dtype=np.float16).tobytes())
            digest.update(repr((self.hubness.k, self.hubness.weight, self.hubness.centre)).encode())
        if self.subspaces > 1:
            digest.update(f"subspaces {self.subspaces}".encode())
        return digest.hexdigest()[:12]

    def embed_images(self, features: np.ndarray) -> np.ndarray:
        x = (features - self.image_mean) / self.image_scale
        for i, (weight, bias) in enumerate(self.image_layers):
            x = x @ weight + bias
            if i < len(self.image_layers) - 1:
                x = np.maximum(x, 0)
        return unit_subspaces(x, self.subspaces)

    def embed_texts(self, text_vectors: np.ndarray) -> np.ndarray:
        return unit_subspaces(text_vectors @ self.text_weight + self.text_bias, self.subspaces)

    def save(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / ALIGNER_FILE
        arrays = {"image_mean": self.image_mean, "image_scale": self.image_scale}
        arrays.update(text_weight=self.text_weight, text_bias=self.text_bias)
        for i, (weight, bias) in enumerate(self.image_layers):
            arrays[f"image_weight_{i}"], arrays[f"image_bias_{i}"] = weight, bias
        # the weight matrices in half precision: half the bytes, the same held-out ranks (RESULTS.md)
        stored: dict[str, np.ndarray] = {
            k: v.astype(np.float16 if "weight" in k else np.float32) for k, v in arrays.items()
        }
        meta = dict(self.meta)
        if self.subspaces > 1:
            meta["subspaces"] = self.subspaces
        if self.hubness is not None:
            stored["hubness_bank"] = self.hubness.bank.astype(np.float16)  # half the bytes, same ranks
            meta["hubness"] = {
                "k": self.hubness.k,
                "weight": self.hubness.weight,
                "centre": self.hubness.centre,
            }
        stored["meta"] = np.array(json.dumps(meta))
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
                weight = data[f"image_weight_{len(layers)}"].astype(np.float32)
                layers.append((weight, data[f"image_bias_{len(layers)}"]))
            meta = json.loads(str(data["meta"]))
            settings = meta.pop("hubness", None)
            subspaces = int(meta.pop("subspaces", 1))
            hubness = None
            if settings is not None and "hubness_bank" in data.files:
                hubness = Hubness(
                    data["hubness_bank"].astype(np.float32),  # converted once, not per photo
                    int(settings["k"]),
                    float(settings["weight"]),
                    float(settings["centre"]),
                )
            return cls(
                data["image_mean"],
                data["image_scale"],
                tuple(layers),
                data["text_weight"].astype(np.float32),
                data["text_bias"],
                meta,
                hubness,
                subspaces,
            )


DEFAULT_ALIGNER = "fashion-align"


class VisualModel:
    """Photos and text queries into the aligned space: the `image` retriever of an index."""

    def __init__(
        self, image_encoder: OnnxImageEncoder, aligner: Aligner, text_encoder: Any, source: str
    ) -> None:
        self.image_encoder = image_encoder
        self.aligner = aligner
        self.text_encoder = text_encoder  # the dense MiniLM the aligner was trained on
        self.spec = EncoderSpec(
            name=str(aligner.meta.get("name", "aligner")),
            kind="image",
            source=source,
            version=f"{aligner.version}+{image_encoder.spec.version}",
            dim=aligner.index_dim,
            max_length=image_encoder.spec.max_length,
            pooling="aligned",
            normalize=True,
            licence=image_encoder.spec.licence,
        )

    @classmethod
    def load(cls, ref: str = DEFAULT_ALIGNER, text_encoder: Any = None) -> VisualModel:
        """A built-in aligner name or a folder written by `modasearch train align`."""
        from modasearch.models.builtin import ASSETS, DEFAULT_DENSE, DEFAULT_IMAGE, asset_dir
        from modasearch.models.registry import load_encoder

        ref = ref.removeprefix("builtin:")
        directory = Path(ref) if Path(ref).is_dir() else ASSETS / ref
        aligner = Aligner.load(directory)
        wanted = str(aligner.meta.get("text_model", "")).split("@")[0] or DEFAULT_DENSE
        if text_encoder is None or text_encoder.spec.name != wanted:
            text_encoder = load_encoder(wanted, "dense")
        source = f"builtin:{ref}" if directory.parent == ASSETS else str(directory.resolve())
        return cls(OnnxImageEncoder(asset_dir(DEFAULT_IMAGE)), aligner, text_encoder, source)

    @property
    def dim(self) -> int:
        return self.aligner.index_dim

    def embed_photos(self, images: Sequence[Image.Image]) -> np.ndarray:
        return self.photo_vectors(images)[0]

    def photo_vectors(self, images: Sequence[Image.Image]) -> tuple[np.ndarray, np.ndarray]:
        """(aligned vectors, colour vectors, see `colour_vectors`)."""
        features = photo_features(self.image_encoder, images)
        return self.aligner.index_photos(features), colour_vectors(features[:, -len(PALETTE) :])

    def embed_texts(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self.text_encoder.encode_query(list(texts))
        return self.aligner.index_texts(text_features(vectors, texts), texts)

    def encode_query(self, texts: Sequence[str]) -> np.ndarray:  # the EncoderSet query interface
        return self.embed_texts(texts)
