"""A hub CLIP or SigLIP model as the `image` retriever, on onnxruntime (exported by export_clip)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image
from tokenizers import Tokenizer

from modasearch.models.export_clip import ClipPreprocess
from modasearch.models.onnx_text import _session
from modasearch.models.spec import EncoderSpec
from modasearch.models.visual import photo_colours


class ClipVisualModel:
    """Same interface as `VisualModel`: photos and texts into one space, plus colour vectors."""

    def __init__(self, directory: Path, threads: int | None = None) -> None:
        self.directory = directory
        self.spec = EncoderSpec.load(directory)
        self.preprocess = ClipPreprocess.load(directory)
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.image_session = _session(directory / "image.onnx", threads)
        self.text_session = _session(directory / "text.onnx", 1)  # short texts: one thread is faster
        self._text_inputs = {i.name for i in self.text_session.get_inputs()}

    @property
    def dim(self) -> int:
        return int(self.spec.dim or 0)

    def embed_photos(self, images: Sequence[Image.Image], batch_size: int = 16) -> np.ndarray:
        out = np.zeros((len(images), self.dim), dtype=np.float32)
        for start in range(0, len(images), batch_size):
            pixels = self.preprocess.pixels(list(images[start : start + batch_size]))
            out[start : start + len(pixels)] = self.image_session.run(None, {"pixels": pixels})[0]
        return out

    def photo_vectors(self, images: Sequence[Image.Image]) -> tuple[np.ndarray, np.ndarray]:
        return self.embed_photos(images), photo_colours(images)

    def embed_texts(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            encodings = self.tokenizer.encode_batch(list(texts[start : start + batch_size]))
            feeds = {
                "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            }
            feeds = {k: v for k, v in feeds.items() if k in self._text_inputs}
            out[start : start + len(encodings)] = self.text_session.run(None, feeds)[0]
        return out

    def encode_query(self, texts: Sequence[str]) -> np.ndarray:  # the EncoderSet query interface
        return self.embed_texts(texts)


def is_clip_dir(path: Path) -> bool:
    return (path / "image.onnx").exists() and (path / "text.onnx").exists()
