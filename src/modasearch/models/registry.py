"""One factory for every encoder: a built-in name, an ONNX directory, or a hub id / checkpoint path.

Hub ids and plain transformers checkpoints are exported to ONNX once (needs the [hub] extra) into the
model cache, so queries never run torch.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Protocol, runtime_checkable

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
