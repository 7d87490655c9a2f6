"""One writer per data home, across processes: an advisory lock file (flock).

Embedded Chroma is not safe for several processes writing one directory (chroma-core/chroma#3792),
and the catalog must see one ingest at a time. So every write (ingest, forget, reset, repair)
holds this lock, and Chroma is opened only while it is held; readers (questions) read the SQLite
catalog and never wait for it.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from index.errors import AssistantError


@contextmanager
def write_lock(home: Path, timeout: float = 600.0, what: str = "write") -> Iterator[None]:
    """Hold the home's write lock; wait up to `timeout` seconds for another writer to finish."""
    home.mkdir(parents=True, exist_ok=True)
    path = home / "write.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = path.read_text(encoding="utf-8", errors="replace").strip()
                    raise AssistantError(
                        f"Another process ({holder or 'unknown'}) is writing to {home}; wait for "
                        "it to finish or raise ASSISTANT_LOCK_TIMEOUT_S."
                    ) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()}, {what}".encode())
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
