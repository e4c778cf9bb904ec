"""One process at a time per embedded index: an exclusive lock on a file beside the index directory
(it survives the directory being swapped by a rebuild), held by whoever opens the index, searching,
serving or building. A rebuild under a running server is refused at once instead of swapping the
directory away from under the server's acknowledged writes."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from modasearch.index.manifest import IndexStateError


def lock_path(directory: Path) -> Path:
    directory = directory.resolve()
    return directory.parent / f".{directory.name}.lock"


class IndexLock:
    def __init__(self, directory: Path) -> None:
        self.directory = directory.resolve()
        self._fd: int | None = None

    def acquire(self) -> IndexLock:
        path = lock_path(self.directory)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise IndexStateError(
                f"the index at {self.directory} is open in another process or engine (a running "
                "`modasearch serve`, a build, or another search): the embedded engine allows one at a "
                "time. Close it (or stop the server), or query the running server instead."
            ) from None
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


@contextlib.contextmanager
def held_unless_failed(directory: Path, take: bool = True) -> Iterator[IndexLock | None]:
    """The index's lock (None when `take` is false) for opening or building it: released if that
    fails, kept otherwise (the engine that opened holds it until it closes)."""
    lock = IndexLock(directory).acquire() if take else None
    try:
        yield lock
    except BaseException:
        if lock is not None:
            lock.release()
        raise
