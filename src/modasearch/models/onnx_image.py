"""The image encoder on onnxruntime: photos in, pooled CNN features out (no torch at query time)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from modasearch.models.images import to_tensor
from modasearch.models.onnx_text import _session
from modasearch.models.spec import EncoderSpec


class OnnxImageEncoder:
    def __init__(self, directory: Path, threads: int | None = None) -> None:
        self.directory = directory
        self.spec = EncoderSpec.load(directory)
        self.session = _session(directory / "model.onnx", threads)

    @property
    def dim(self) -> int:
        return int(self.spec.dim or 0)

    def encode(self, images: Sequence[Image.Image], batch_size: int = 32) -> np.ndarray:
        """N x dim float32 features, in input order."""
        out = np.zeros((len(images), self.dim), dtype=np.float32)
        for start in range(0, len(images), batch_size):
            pixels = to_tensor(list(images[start : start + batch_size]), self.spec.max_length)
            out[start : start + len(pixels)] = self.session.run(None, {"pixels": pixels})[0]
        return out
