"""The index manifest: what an index was built from, so it is never opened with other models."""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
PREVIOUS = "manifest.json.prev"
FORMAT = 1


class IndexStateError(RuntimeError):
    """An index cannot be opened or changed as asked."""


def damaged(directory: Path, why: str) -> str:
    """One line: what is wrong with the manifest and how to recover."""
    hint = (
        f"restore the previous one with `cp {directory / PREVIOUS} {directory / MANIFEST}` (what was "
        "written since is read back from the engine when the index opens) or rebuild with `modasearch index`"
        if (directory / PREVIOUS).exists()
        else "rebuild the index with `modasearch index`"
    )
    return f"{directory / MANIFEST} is damaged ({why}): {hint}"


class IndexMismatchError(IndexStateError):
    pass


@dataclass
class Manifest:
    catalog: dict[str, Any]
    encoders: dict[str, dict[str, Any]]
    fields: dict[str, str]
    vocab: dict[str, list[str]]
    settings: dict[str, Any]
    backend: dict[str, Any] = field(default_factory=lambda: {"kind": "edge", "path": "shard"})
    counts: dict[str, int] = field(default_factory=dict)
    format: int = FORMAT
    revision: int = 0
    created_at: str = field(default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    updated_at: str = ""

    def save(self, directory: Path) -> None:
        """Write atomically (a reader never sees half a manifest), keeping the one before as
        manifest.json.prev: if the file is ever damaged, the previous one can be put back."""
        self.updated_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        tmp = directory / f".{MANIFEST}.tmp"
        tmp.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        current = directory / MANIFEST
        if current.exists():
            shutil.copyfile(current, directory / PREVIOUS)
        os.replace(tmp, current)

    @classmethod
    def load(cls, directory: Path) -> Manifest:
        path = directory / MANIFEST
        if not path.exists():
            raise IndexStateError(
                f"{directory} is not a modasearch index (no {MANIFEST}); build one with `modasearch index`"
            )
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
        except (ValueError, UnicodeDecodeError) as exc:
            raise IndexStateError(damaged(directory, str(exc))) from None
        if data.get("format") != FORMAT:
            raise IndexStateError(
                f"{directory}: index format {data.get('format')} is not {FORMAT}; rebuild the index"
            )
        try:
            return cls(**data)
        except TypeError as exc:
            raise IndexStateError(damaged(directory, str(exc))) from None

    def check_encoder(self, role: str, name: str, version: str) -> None:
        built = self.encoders.get(role)
        if built is None:
            raise IndexMismatchError(
                f"this index has no {role} vectors; rebuild it with a {role} model to use them"
            )
        if built["name"] != name or built["version"] != version:
            raise IndexMismatchError(
                f"the index was built with {role} model {built['name']!r} (version {built['version']}), "
                f"but {name!r} (version {version}) was asked for. Vectors from different models are not "
                f"comparable: open the index without overriding the model, or rebuild it with "
                f"`modasearch index ... --{'sparse' if role == 'splade' else role}-model {name}`."
            )
