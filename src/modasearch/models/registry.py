"""One factory for every encoder: a built-in name, an ONNX directory, or a hub id / checkpoint path.

Hub ids and plain transformers checkpoints are exported to ONNX once (needs the [hub] extra) into the
model cache, so queries never run torch.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from modasearch.models.builtin import BUILTINS, asset_dir
from modasearch.models.errors import ModelError, missing_extra
from modasearch.models.onnx_text import OnnxDenseEncoder, OnnxSparseEncoder, SparseVec
from modasearch.models.spec import SPEC_FILE, EncoderKind, EncoderSpec


@runtime_checkable
class DenseEncoder(Protocol):
    spec: EncoderSpec

    @property
    def dim(self) -> int: ...
    def encode_query(self, texts: list[str], batch_size: int = 64) -> np.ndarray: ...
    def encode_document(self, texts: list[str], batch_size: int = 64) -> np.ndarray: ...


@runtime_checkable
class SparseEncoder(Protocol):
    spec: EncoderSpec

    def encode_query(self, texts: list[str], batch_size: int = 64) -> list[SparseVec]: ...
    def encode_document(self, texts: list[str], batch_size: int = 64) -> list[SparseVec]: ...


@runtime_checkable
class ImageModel(Protocol):
    """Photos and text queries into one space (`photo_vectors` also returns colour vectors)."""

    spec: EncoderSpec

    @property
    def dim(self) -> int: ...
    def photo_vectors(self, images: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]: ...
    def embed_texts(self, texts: Sequence[str]) -> np.ndarray: ...
    def encode_query(self, texts: Sequence[str]) -> np.ndarray: ...


def cache_dir() -> Path:
    return Path(os.environ.get("MODASEARCH_CACHE", Path.home() / ".cache" / "modasearch")) / "models"


def _slug(ref: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "--", ref.strip("/"))


def resolve_model_dir(ref: str, kind: EncoderKind, max_length: int = 128) -> Path:
    """The ONNX directory for `ref`, exporting a transformers checkpoint on first use."""
    name = ref.removeprefix("builtin:")
    if name in BUILTINS:
        if BUILTINS[name].kind != kind:
            raise ModelError(f"{name!r} is a {BUILTINS[name].kind} model, not a {kind} one")
        directory = asset_dir(name)
        if not (directory / "model.onnx").exists():
            raise ModelError(f"built-in model files missing in {directory}; run `modasearch models export`")
        return directory
    path = Path(ref).expanduser()
    if (path / SPEC_FILE).exists() and (path / "model.onnx").exists():
        return path
    target = cache_dir() / f"{kind}--{_slug(str(path.resolve()) if path.exists() else ref)}"
    if (target / SPEC_FILE).exists():
        return target
    try:
        from modasearch.models.export import export_encoder
    except ImportError as exc:  # pragma: no cover - export imports nothing optional at module level
        raise missing_extra(f"using the model {ref!r}", "hub") from exc
    try:
        export_encoder(str(path) if path.exists() else ref, target, kind, name=ref, max_length=max_length)
    except ModelError:
        raise
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot load model {ref!r} as a {kind} encoder: {exc}") from exc
    return target


def load_encoder(ref: str, kind: EncoderKind, threads: int | None = None) -> DenseEncoder | SparseEncoder:
    """Dense or sparse text encoder by built-in name, ONNX directory, local checkpoint or hub id."""
    directory = resolve_model_dir(ref, kind)
    spec = EncoderSpec.load(directory)
    if spec.kind != kind:
        raise ModelError(f"{ref!r} holds a {spec.kind} model, not a {kind} one")
    if kind == "dense":
        return OnnxDenseEncoder(directory, spec, threads)
    return OnnxSparseEncoder(directory, spec, threads)


def list_models() -> list[EncoderSpec]:
    specs = []
    for name in BUILTINS:
        directory = asset_dir(name)
        if (directory / SPEC_FILE).exists():
            specs.append(EncoderSpec.load(directory))
    return specs


def load_image_model(ref: str, text_encoder: Any = None) -> ImageModel:
    """The `image` retriever: a built-in aligner name, a folder from `modasearch train align`, an
    exported CLIP directory, or a CLIP/SigLIP hub id or checkpoint (exported to ONNX once, [hub] extra).
    `text_encoder` is the index's dense model, which an aligner reuses."""
    from modasearch.models.builtin import ASSETS
    from modasearch.models.clip import ClipVisualModel, is_clip_dir
    from modasearch.models.visual import ALIGNER_FILE, VisualModel

    name = ref.removeprefix("builtin:")
    path = Path(name).expanduser()
    if (ASSETS / name / ALIGNER_FILE).exists() or (path / ALIGNER_FILE).exists():
        return VisualModel.load(name, text_encoder)
    from modasearch.models.export_clip import export_clip

    def export(source: str, target: Path) -> None:
        export_clip(source, target, name=ref)

    what = "an image model (CLIP, SigLIP or an aligner)"
    return ClipVisualModel(exported_dir(name, "image", is_clip_dir, export, what))


def exported_dir(
    ref: str, prefix: str, ready: Callable[[Path], bool], export: Callable[[str, Path], None], what: str
) -> Path:
    """`ref` itself when it is an exported folder, else the model cache's export of that hub id or
    checkpoint, made on first use."""
    path = Path(ref).expanduser()
    if ready(path):
        return path
    target = cache_dir() / f"{prefix}--{_slug(str(path.resolve()) if path.exists() else ref)}"
    if not ready(target):
        try:
            export(str(path) if path.exists() else ref, target)
        except ModelError:
            raise
        except (OSError, ValueError) as exc:
            raise ModelError(f"cannot load {ref!r} as {what}: {exc}") from exc
    return target
