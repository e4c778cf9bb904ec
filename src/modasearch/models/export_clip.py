"""Export a hub CLIP or SigLIP checkpoint (transformers `CLIPModel` / `SiglipModel`, by id or local
folder, e.g. patrickjohncyh/fashion-clip) to two ONNX graphs, so queries never run torch.

The directory holds image.onnx (pixels -> unit vector), text.onnx (token ids -> unit vector),
tokenizer.json with the model's padding baked in, clip.json (preprocessing), encoder.json (the
EncoderSpec) and golden.json: the torch outputs for fixed probe texts and images.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from modasearch.models.errors import ModelError, missing_extra
from modasearch.models.export import PROBE_TEXTS
from modasearch.models.export_image import probe_images
from modasearch.models.images import to_tensor
from modasearch.models.spec import EncoderSpec

CLIP_FILE = "clip.json"
FAMILIES = ("clip", "siglip")
CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)


@dataclass(frozen=True)
class ClipPreprocess:
    """How a photo and a text become model input. Photos are padded to a square on white rather than
    centre-cropped (a long dress keeps its hem); on square product shots the two are the same."""

    family: str
    image_size: int
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    text_length: int  # texts are padded to this length: SigLIP was trained that way

    def save(self, directory: Path) -> None:
        (directory / CLIP_FILE).write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> ClipPreprocess:
        data = json.loads((directory / CLIP_FILE).read_text(encoding="utf-8"))
        mean, std = tuple(data["mean"]), tuple(data["std"])
        return cls(data["family"], data["image_size"], mean, std, data["text_length"])

    def pixels(self, images: list[Any]) -> np.ndarray:
        mean = np.asarray(self.mean, dtype=np.float32)
        return to_tensor(images, self.image_size, mean, np.asarray(self.std, dtype=np.float32))


def _side(value: Any) -> int | None:
    if isinstance(value, int):
        return value
    if isinstance(value, dict):
        for key in ("height", "shortest_edge"):
            if key in value:
                return int(value[key])
    return None


def _preprocess(source: str, config: Any) -> ClipPreprocess:
    from transformers.utils import cached_file

    try:
        path = cached_file(source, "preprocessor_config.json")
        processor = json.loads(Path(path).read_text(encoding="utf-8")) if path else {}
    except OSError:
        processor = {}
    size = _side(processor.get("crop_size")) or _side(processor.get("size"))
    return ClipPreprocess(
        family=config.model_type,
        image_size=size or int(config.vision_config.image_size),
        mean=tuple(processor.get("image_mean", CLIP_MEAN)),
        std=tuple(processor.get("image_std", CLIP_STD)),
        text_length=int(config.text_config.max_position_embeddings),
    )


def _pooled(output: Any) -> Any:
    """transformers 4 returns the projected tensor, 5 an output object holding it."""
    return output if hasattr(output, "shape") else output.pooler_output


def _towers(torch: Any, model: Any, family: str) -> tuple[Any, Any]:
    normalize = torch.nn.functional.normalize

    class ImageTower(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, pixels: Any) -> Any:
            return normalize(_pooled(self.model.get_image_features(pixel_values=pixels)), dim=-1)

    class TextTower(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            # SigLIP reads no attention mask: it was trained on texts padded to full length.
            mask = None if family == "siglip" else attention_mask
            features = self.model.get_text_features(input_ids=input_ids, attention_mask=mask)
            return normalize(_pooled(features), dim=-1)

    return ImageTower().eval(), TextTower().eval()


def _tokenizer(source: str, length: int, out_dir: Path) -> Any:
    """The fast tokenizer with truncation and padding to `length` baked into tokenizer.json."""
    from transformers import AutoTokenizer

    hf = AutoTokenizer.from_pretrained(source)
    if not getattr(hf, "is_fast", False):
        raise ModelError(f"{source!r}: modasearch needs a fast (tokenizers) tokenizer for this model")
    tokenizer = hf.backend_tokenizer
    tokenizer.enable_truncation(length)
    pad_id = hf.pad_token_id if hf.pad_token_id is not None else hf.eos_token_id
    pad_token = hf.pad_token or hf.eos_token
    tokenizer.enable_padding(pad_id=pad_id, pad_token=pad_token, length=length)
    tokenizer.save(str(out_dir / "tokenizer.json"))
    return tokenizer


def _export(torch: Any, module: Any, inputs: tuple[Any, ...], names: list[str], path: Path) -> None:
    with warnings.catch_warnings():  # the tracer's warnings concern code paths these graphs do not take
        warnings.simplefilter("ignore")
        torch.onnx.export(
            module,
            inputs,
            str(path),
            dynamo=False,
            opset_version=17,
            input_names=names,
            output_names=["embedding"],
            dynamic_axes={**{n: {0: "batch"} for n in names}, "embedding": {0: "batch"}},
        )
    module.eval()  # export restores the training flag recursively (see shared notes)


def export_clip(source: str, out_dir: Path, name: str) -> EncoderSpec:
    """Export a CLIP/SigLIP checkpoint (hub id or local folder) to an ONNX directory."""
    try:
        import torch
        from transformers import AutoConfig, AutoModel
    except ImportError as exc:
        raise missing_extra(f"using the CLIP model {source!r}", "hub") from exc
    config = AutoConfig.from_pretrained(source)
    if config.model_type not in FAMILIES:
        raise ModelError(f"{source!r} is a {config.model_type!r} model; image models must be CLIP or SigLIP")
    out_dir.mkdir(parents=True, exist_ok=True)
    prep = _preprocess(source, config)
    model = AutoModel.from_pretrained(source).eval()
    image_tower, text_tower = _towers(torch, model, prep.family)
    tokenizer = _tokenizer(source, prep.text_length, out_dir)
    encodings = tokenizer.encode_batch(list(PROBE_TEXTS))
    ids = torch.tensor([e.ids for e in encodings], dtype=torch.long)
    mask = torch.tensor([e.attention_mask for e in encodings], dtype=torch.long)
    pixels = torch.from_numpy(prep.pixels(probe_images()))
    with torch.no_grad():
        image_ref, text_ref = image_tower(pixels).numpy(), text_tower(ids, mask).numpy()
    _export(torch, image_tower, (pixels,), ["pixels"], out_dir / "image.onnx")
    _export(torch, text_tower, (ids, mask), ["input_ids", "attention_mask"], out_dir / "text.onnx")
    prep.save(out_dir)
    golden = {
        "texts": PROBE_TEXTS,
        "text_vectors": np.round(text_ref, 6).tolist(),
        "probe": "modasearch.models.export_image.probe_images",
        "image_vectors": np.round(image_ref, 6).tolist(),
    }
    (out_dir / "golden.json").write_text(json.dumps(golden) + "\n", encoding="utf-8")
    digest = hashlib.sha256((out_dir / "image.onnx").read_bytes() + (out_dir / "text.onnx").read_bytes())
    spec = EncoderSpec(
        name=name,
        kind="image",
        source=source,
        version=digest.hexdigest()[:12],
        dim=int(image_ref.shape[1]),
        max_length=prep.text_length,
        pooling=prep.family,
        normalize=True,
    )
    spec.save(out_dir)
    return spec
