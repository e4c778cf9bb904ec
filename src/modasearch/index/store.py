"""Index directories: open the right backend, and build into a temporary directory then swap it in,
so a crash or a kill mid-build leaves the previous index searchable."""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from modasearch.index.edge import EdgeBackend
from modasearch.index.manifest import MANIFEST, IndexStateError, Manifest
from modasearch.index.types import IndexBackend, VectorLayout

log = logging.getLogger("modasearch.index")


def open_backend(directory: Path, manifest: Manifest) -> IndexBackend:
    kind = manifest.backend.get("kind")
    if kind == "edge":
        return EdgeBackend.load(directory / manifest.backend["path"])
    if kind == "server":
        from modasearch.index.server import QdrantServerBackend, connect

        client = connect(manifest.backend["location"], api_key=os.environ.get("QDRANT_API_KEY"))
        return QdrantServerBackend(client, manifest.backend["collection"])
    raise IndexStateError(f"{directory}: unknown backend {kind!r} in {MANIFEST}")


def create_backend(
    directory: Path, layout: VectorLayout, server: str | None, collection: str
) -> tuple[IndexBackend, dict[str, str]]:
    if server is None:
        return EdgeBackend.create(directory / "shard", layout), {"kind": "edge", "path": "shard"}
    from modasearch.index.server import QdrantServerBackend, connect

    client = connect(server, api_key=os.environ.get("QDRANT_API_KEY"))
    backend = QdrantServerBackend.create(client, collection, layout)
    return backend, {"kind": "server", "location": server, "collection": collection}


def discard_backend(info: dict[str, str]) -> None:
    """Drop a server collection no manifest points at any more (edge data goes with its directory)."""
    if info.get("kind") != "server":
        return
    from modasearch.index.server import connect

    client = connect(info["location"], api_key=os.environ.get("QDRANT_API_KEY"))
    try:
        if client.collection_exists(info["collection"]):
            client.delete_collection(info["collection"])
    finally:
        client.close()


def recover(directory: Path) -> None:
    """Finish a swap that was interrupted between its two renames, and remove what killed builds
    left beside the index."""
    remove_stale_builds(directory)
    if directory.exists():
        return
    for old in sorted(directory.parent.glob(f".{directory.name}.old-*")):
        if (old / MANIFEST).exists():
            old.rename(directory)
            return


def check_target(directory: Path) -> None:
    if directory.exists() and any(directory.iterdir()) and not (directory / MANIFEST).exists():
        raise IndexStateError(
            f"{directory} exists and is not a modasearch index; refusing to replace it. "
            "Choose an empty or new path."
        )


@contextmanager
def staging(directory: Path) -> Iterator[Path]:
    """Yield a temporary sibling directory; on success it replaces `directory`, on failure it is removed."""
    directory = directory.resolve()
    check_target(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    tmp = directory.parent / f".{directory.name}.building-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = directory.parent / f".{directory.name}.old-{os.getpid()}"
    if directory.exists():
        directory.rename(old)
    tmp.rename(directory)
    shutil.rmtree(old, ignore_errors=True)
    remove_stale_builds(directory)


def remove_stale_builds(directory: Path) -> list[Path]:
    """The half-built copies that killed builds left beside the index (their process is gone)."""
    removed = []
    for stale in directory.parent.glob(f".{directory.name}.building-*"):
        if not _alive(stale.name.rsplit("-", 1)[-1]):
            shutil.rmtree(stale, ignore_errors=True)
            log.warning("removed %s, left by a build that was killed", stale)
            removed.append(stale)
    return removed


def _alive(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True
