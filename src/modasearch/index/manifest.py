"""The index manifest: what an index was built from, so it is never opened with other models."""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
FORMAT = 1


class IndexStateError(RuntimeError):
    """An index cannot be opened or changed as asked."""


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
        """Write atomically: a reader never sees half a manifest."""
        self.updated_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        tmp = directory / f".{MANIFEST}.tmp"
        tmp.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, directory / MANIFEST)

    @classmethod
    def load(cls, directory: Path) -> Manifest:
        path = directory / MANIFEST
        if not path.exists():
            raise IndexStateError(
                f"{directory} is not a modasearch index (no {MANIFEST}); build one with `modasearch index`"
            )
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise IndexStateError(
                f"{directory}: index format {data.get('format')} is not {FORMAT}; rebuild the index"
            )
        return cls(**data)

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
